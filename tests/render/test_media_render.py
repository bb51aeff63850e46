"""Issue 17 end to end through the Bot: the user's clips and photos placed on shots, rendered as
footage and stills next to generated shots, joined by transitions; a real-model image shot that
drifts falls back to a still and the reply says so; bad uploads refused with nothing written."""

from __future__ import annotations

import subprocess
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from botkit.bot import Bot
from botkit.domain import Clip, ProgressFn, ShotKind, ShotRequest
from botkit.engine import Capabilities
from botkit.errors import InputError
from botkit.media.probe import check_video
from botkit.post.ffmpeg import ffmpeg_exe
from botkit.settings import Settings


def ffmpeg(*args: str) -> None:
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-nostdin", "-y", "-v", "error", *args], check=True)


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("media")
    clip = root / "walk.mp4"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=s=320x240:r=30:d=2", "-f", "lavfi", "-i", "sine=f=440:d=2",
           "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", str(clip))  # fmt: skip
    photo = root / "red-bottle.png"
    picture = np.zeros((300, 200, 3), np.uint8)
    picture[:, :] = (240, 230, 210)
    picture[60:260, 70:130] = (200, 30, 30)  # a tall red bottle on cream: portrait, 2:3
    Image.fromarray(picture).save(photo)
    fake = root / "archive.mp4"
    with zipfile.ZipFile(fake, "w") as archive:
        archive.writestr("a.txt", "not a video" * 100)
    audio = root / "voice.mp4"
    ffmpeg("-f", "lavfi", "-i", "sine=f=440:d=1", "-c:a", "aac", str(audio))
    truncated = root / "cut.mp4"
    truncated.write_bytes(clip.read_bytes()[: clip.stat().st_size // 2])
    return {"clip": clip, "photo": photo, "zip": fake, "audio": audio, "truncated": truncated}


def test_a_mixed_job_places_renders_and_joins_the_users_media(bot: Bot, media: dict[str, Path]) -> None:
    text = "a 5 second ad for our bottle in 3 shots, use my clip as the opening, the photo for shot 3, with cross-fades"
    turn = bot.plan(text, images=[media["photo"], media["clip"]], platforms=["tiktok", "youtube"])
    kinds = [shot.kind for shot in turn.plan.shots]
    assert kinds == [ShotKind.FOOTAGE, ShotKind.GENERATED, ShotKind.GENERATED]
    assert turn.plan.shots[2].image and not turn.plan.shots[1].image
    assert [shot.transition for shot in turn.plan.shots[1:]] == ["crossfade", "crossfade"]
    assert bot.check_plan(turn.plan) == ["footage", "tiny-wan", "still"]
    assert "your clip" in turn.plan.summary()
    [video_input] = bot.repo.assets_of(turn.conversation_id, "input_video")
    assert Path(bot.assets.path(video_input["path"])).read_bytes() == media["clip"].read_bytes()
    done = bot.render(turn)
    assert {o.platform for o in done.outputs} == {"tiktok", "youtube"}
    [tiktok] = [o for o in done.outputs if o.platform == "tiktok"]
    info = check_video(Path(tiktok.path))
    assert (info.width, info.height) == (1080, 1920)
    assert abs(info.duration_s - turn.plan.total_duration_s) < 0.1  # transitions centred: the total is kept
    [row] = [a for a in bot.repo.assets_of(turn.conversation_id, "video") if a["platform"] == "tiktok"]
    shots = row["metrics"]["shots"]
    assert [s["source"] for s in shots] == ["footage", "tiny-wan", "still"]
    assert shots[0]["kind"] == "footage" and shots[2]["kind"] == "still"
    assert "shown as a still" in shots[2]["fallback_note"]
    bot.db.dispose()


class DriftingEngine:
    """A 'real' image-to-video model (quality checks on) that ignores its input image."""

    name, revision, native_fps, native_size = "drifter", "drifter@1", 8, (64, 64)
    capabilities = Capabilities(tasks=frozenset({"t2v", "i2v"}))

    def __init__(self, keep: bool = False) -> None:
        self.keep, self.calls = keep, 0

    def generate(self, request: ShotRequest, on_progress: ProgressFn | None = None) -> Clip:
        self.calls += 1
        if self.keep and request.image is not None:
            from botkit.media.stills import render_still

            return render_still(request.image, camera="static", num_frames=request.num_frames,
                                width=request.width, height=request.height, fps=request.fps)  # fmt: skip
        rng = np.random.default_rng(request.seed)
        frames = np.repeat(rng.integers(0, 255, (1, request.height, request.width, 3), np.uint8), request.num_frames, 0)
        return Clip(frames=frames, fps=request.fps, meta={"model": self.name, "seed": request.seed})


@pytest.mark.parametrize("keep", [False, True])
def test_a_real_image_model_is_checked_by_input_kept(tmp_path: Path, media: dict[str, Path], keep: bool) -> None:
    engine = DriftingEngine(keep)
    bot = Bot.open(Settings(data_dir=tmp_path / "data", engine="embedded"), engine=engine)
    turn = bot.plan("a 2 second ad for our bottle", images=[media["photo"]], platforms=["instagram-feed"])
    assert bot.check_plan(turn.plan) == ["drifter"]
    assert not any("shown as a still" in note for note in turn.plan.notes)
    done = bot.render(turn)
    [row] = bot.repo.assets_of(done.conversation_id, "video")
    [shot] = row["metrics"]["shots"]
    reply = bot.repo.messages(done.conversation_id)[-1]["text"]
    if keep:
        assert shot["input_kept"] >= 0.6 and "fallback" not in shot and "drifted" not in reply
    else:
        assert shot["fallback"] == "still" and shot["input_kept"] < 0.6
        assert engine.calls >= 2  # rendered again with a new seed before giving up
        assert "Shot 1: drifter drifted from the photo twice" in reply and "shown as a still" in reply
    bot.db.dispose()


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("zip", "ZIP"),
        ("audio", "M4A audio file|no video stream"),
        ("truncated", "truncated"),
    ],
)
def test_bad_video_uploads_are_refused_with_nothing_written(
    bot: Bot, media: dict[str, Path], name: str, message: str
) -> None:
    with pytest.raises(InputError, match=message):
        bot.plan("an ad using my clip", images=[media[name]])
    with bot.repo.sessions() as session:
        from sqlalchemy import func, select

        from botkit.store import models

        assert session.scalar(select(func.count()).select_from(models.Conversation)) == 0
        assert session.scalar(select(func.count()).select_from(models.Asset)) == 0
    assert not [p for p in bot.assets.root.rglob("*") if p.is_file()]
    bot.db.dispose()


def test_a_two_hour_upload_is_refused_by_its_header(bot: Bot, tmp_path: Path) -> None:
    long = tmp_path / "long.mp4"
    # 2 h at 1 fps of a 16x16 picture: tiny on disk, refused by the declared duration before any scan
    ffmpeg("-f", "lavfi", "-i", "color=c=gray:s=16x16:r=1:d=7200", "-c:v", "libx264", "-preset", "ultrafast", str(long))
    with pytest.raises(InputError, match=r"2:00:00 long .*at most 600 s"):
        bot.plan("an ad using my clip", images=[long])
    bot.db.dispose()


def test_every_job_can_hand_its_edit_to_an_editor(tmp_path: Path, tiny_engine, media: dict[str, Path]) -> None:
    import opentimelineio as otio

    settings = Settings(data_dir=tmp_path / "data", engine="tiny-wan", timeline_export="otio,fcpxml")
    bot = Bot.open(settings, engine=tiny_engine)
    text = "a 5 second ad for our bottle in 3 shots with captions, open with my clip, the photo for shot 2, dip to white 0.5 s"
    turn = bot.render(bot.plan(text, images=[media["clip"], media["photo"]], platforms=["instagram-feed"]))
    [otio_row] = [a for a in bot.repo.assets_of(turn.conversation_id, "timeline") if a["path"].endswith(".otio")]
    assert [a for a in bot.repo.assets_of(turn.conversation_id, "timeline") if a["path"].endswith(".fcpxml")]
    shot_files = bot.repo.assets_of(turn.conversation_id, "shot_file")
    assert len(shot_files) == 2  # the generated shot and the still; the footage is the upload itself
    timeline = otio.adapters.read_from_file(str(bot.assets.path(otio_row["path"])))
    [video] = [t for t in timeline.tracks if t.kind == otio.schema.TrackKind.Video]
    clips = list(video.find_clips())
    assert [c.name for c in clips] == ["shot 1", "shot 2", "shot 3"]
    assert [c.metadata["botkit"]["kind"] for c in clips] == ["footage", "still", "generated"]
    [output] = turn.outputs
    fps = timeline.metadata["botkit"]["fps"]
    rendered = check_video(Path(output.path))
    # exactly the rendered timeline, to the frame (the platform's encode re-times it to its own rate)
    assert abs(video.duration().to_seconds() - rendered.duration_s) <= 1 / rendered.fps
    assert video.duration().to_frames() == sum(round(s.duration_s * fps) for s in turn.plan.shots)
    transitions = [item for item in video if isinstance(item, otio.schema.Transition)]
    assert [t.name for t in transitions] == ["dip-white", "dip-white"]
    footage = clips[0]
    assert footage.media_reference.target_url.endswith(".mp4") and "/inputs/" in footage.media_reference.target_url
    assert footage.source_range.start_time.to_seconds() == pytest.approx(0.0, abs=1e-6)
    for clip in clips[1:]:
        assert Path(clip.media_reference.target_url.removeprefix("file://")).is_file()
    assert any(marker.name for clip in clips for marker in clip.markers) == any(s.caption for s in turn.plan.shots)
    bot.db.dispose()


def test_the_clip_keeps_its_sound_when_asked(bot: Bot, media: dict[str, Path]) -> None:
    turn = bot.plan("a 4 second ad for our bottle in 2 shots, open with my clip and keep the sound",
                    images=[media["clip"]], platforms=["x"])  # fmt: skip
    assert turn.plan.shots[0].keep_audio and "keep the sound" not in turn.plan.shots[0].prompt
    [output] = bot.render(turn).outputs
    assert check_video(Path(output.path)).has_audio
    pcm = subprocess.run([ffmpeg_exe(), "-v", "error", "-i", output.path, "-f", "s16le", "-ac", "1", "-ar", "8000", "-"],
                         capture_output=True, check=True).stdout  # fmt: skip
    samples = np.frombuffer(pcm, np.int16).astype(np.float64)
    first, second = samples[2000:14000], samples[-10000:]  # inside shot 1 (the clip, 440 Hz) and shot 2 (silence)
    assert np.sqrt((first**2).mean()) > 1000 and np.sqrt((second**2).mean()) < 50
    bot.db.dispose()


def test_the_clips_sound_plays_under_the_narration(tmp_path: Path, tiny_engine, media: dict[str, Path]) -> None:
    """Narrated: the clip's 440 Hz stays in shot 1 beside the voice (the sound step mixes it in)."""
    bot = Bot.open(Settings(data_dir=tmp_path / "data", engine="tiny-wan", narration=True), engine=tiny_engine)
    turn = bot.plan("a 6 second ad for our bottle in 2 shots, open with my clip and keep the sound",
                    images=[media["clip"]], platforms=["x"])  # fmt: skip
    assert turn.plan.shots[0].keep_audio and any(shot.narration for shot in turn.plan.shots)
    [output] = bot.render(turn).outputs
    rate = 8000
    pcm = subprocess.run([ffmpeg_exe(), "-v", "error", "-i", output.path, "-f", "s16le", "-ac", "1", "-ar", str(rate),
                          "-"], capture_output=True, check=True).stdout  # fmt: skip
    samples = np.frombuffer(pcm, np.int16).astype(np.float64)
    clip_s = turn.plan.shots[0].duration_s
    spectrum = np.abs(np.fft.rfft(samples[: round(clip_s * rate)]))
    freqs = np.fft.rfftfreq(round(clip_s * rate), 1 / rate)
    tone = spectrum[(freqs > 430) & (freqs < 450)].max()
    assert tone > 20 * np.median(spectrum[(freqs > 100) & (freqs < 3000)]), "the clip's sound is missing"
    tail = samples[round((clip_s + 0.5) * rate) :]
    tail_spectrum = np.abs(np.fft.rfft(tail))
    tail_freqs = np.fft.rfftfreq(len(tail), 1 / rate)
    assert tail_spectrum[(tail_freqs > 430) & (tail_freqs < 450)].max() < tone * len(tail) / (clip_s * rate) / 5
    bot.db.dispose()
