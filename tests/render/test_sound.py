"""Videos with a voice, through the product: a plan made by ``Bot`` is fitted to its spoken lines,
rendered by the tiny real engine, and the MP4 that comes out carries AAC speech at the platform's
loudness (ebur128 on the delivered file), a mov_text track, SRT + VTT assets, and captions whose
cues start on the voice (onsets measured in the delivered audio)."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from botkit.audio.decode import read_audio
from botkit.audio.drift import cue_drift, summarise
from botkit.audio.loudness import measure
from botkit.domain import Narration, Shot, ShotPlan
from botkit.errors import InputError
from botkit.post.ffmpeg import run_ffmpeg
from botkit.post.subtitles import from_srt
from botkit.render.sound import Narrator, SoundChoice
from botkit.settings import Settings

HELMET = "How to put on a bike helmet in 6 seconds: 1. Put the helmet on 2. Fasten the chin strap"


def streams(path: Path) -> str:
    return run_ffmpeg(["-i", str(path), "-map", "0", "-c", "copy", "-f", "null", "-"])


@pytest.fixture
def sound_bot(tmp_path: Path, tiny_engine):
    from botkit.bot import Bot

    return Bot.open(Settings(data_dir=tmp_path / "data", engine="tiny-wan", narration=True), engine=tiny_engine)


@pytest.fixture(scope="module")
def narrator() -> Narrator:
    return Narrator()


def test_a_narrated_training_video_speaks_its_steps_on_time(sound_bot) -> None:
    turn = sound_bot.plan(HELMET, platforms=["youtube", "shorts"])
    lines = [shot.narration.text for shot in turn.plan.shots if shot.narration]
    assert lines == ["Step one. Put the helmet on.", "Step two. Fasten the chin strap."]
    assert "Step" not in " ".join(shot.prompt for shot in turn.plan.shots)  # spoken, not drawn
    sound_bot.render(turn)
    videos = sound_bot.outputs(turn.conversation_id)
    assert sorted(v.platform for v in videos) == ["shorts", "youtube"]
    for video in videos:  # the second platform's sound is copied from the first's mix
        info = streams(Path(video.path))
        assert re.search(r"Audio: aac .*48000 Hz, stereo", info), info
        assert re.search(r"\(eng\): Subtitle: mov_text", info), info
        loudness = measure(Path(video.path))
        assert -15.0 <= loudness.integrated_lufs <= -13.0
        assert loudness.true_peak_db <= -1.0
    video = next(v for v in videos if v.platform == "youtube")
    subtitles = sound_bot.repo.assets_of(turn.conversation_id, "subtitles")
    names = sorted((row["platform"], Path(row["path"]).suffix) for row in subtitles)
    assert names == [("shorts", ".srt"), ("shorts", ".vtt"), ("youtube", ".srt"), ("youtube", ".vtt")]
    srt = next(row for row in subtitles if row["path"].endswith("youtube.srt"))
    cues = from_srt(sound_bot.assets.path(srt["path"]).read_text(encoding="utf-8"))
    assert [cue.text for cue in cues] == lines
    # every line starts inside its own shot, and the cue sits on the voice in the delivered audio
    starts = np.cumsum([0] + [shot.duration_s for shot in turn.plan.shots])
    for cue, start, end in zip(cues, starts[:-1], starts[1:], strict=True):
        assert start <= cue.start_s < end
    # the HTML report draws the sound with its cues; the web API offers the WebVTT track
    from botkit.channels.cli.report import load_report_input, render_html
    from botkit.channels.web.sites import create_site
    from botkit.channels.web.views import Views

    html = render_html(
        load_report_input(sound_bot.repo, sound_bot.context.jobs, sound_bot.assets, turn.conversation_id),
        measure_missing=False,
    )
    assert 'alt="waveform with caption cues"' in html and "LUFS integrated" in html
    assert "Step two. Fasten the chin strap." in html
    site = create_site(sound_bot.repo.sessions, "shop", ["https://shop.example"])
    out = next(o for o in Views(sound_bot, 3600).outputs("http://api", site, turn.conversation_id)
               if o.platform == "youtube")  # fmt: skip
    vtt = next(row for row in subtitles if row["path"].endswith("youtube.vtt"))
    assert out.subtitles_url is not None and f"/api/assets/{vtt['id']}?" in out.subtitles_url
    assert vtt["mime"] == "text/vtt" and vtt["platform"] == "youtube"
    assert out.subtitles_language == "en" and vtt["metrics"] == {"language": "en"}  # the widget's <track srclang>

    # the bed fills the pauses: onsets are measured on the same plan without it (a follow-up; the
    # clips are re-used, only the sound changes)
    quiet = sound_bot.follow_up(turn.conversation_id, "no music")
    assert quiet.plan.music is None and quiet.plan.shots == turn.plan.shots
    video = next(v for v in sound_bot.render(quiet).outputs if v.platform == "youtube")
    drift = summarise(cue_drift(read_audio(Path(video.path), rate=48_000), 48_000, cues))
    assert drift.count == len(cues)
    # within one 30 fps frame; before the first words were snapped to their line's sound
    # (``snap_line_starts``) both cues came 35 ms after the "S" of "Step"
    assert drift.worst_ms <= 1000 / 30, drift


def test_no_voice_and_no_music_make_a_video_without_an_audio_track(sound_bot) -> None:
    turn = sound_bot.plan(HELMET, sound=SoundChoice(narration=False, music="none"))
    assert not turn.plan.narrated and turn.plan.music is None
    sound_bot.render(turn)
    [video] = sound_bot.outputs(turn.conversation_id)
    info = streams(Path(video.path))
    assert "Audio:" not in info and "Subtitle:" not in info
    assert sound_bot.repo.assets_of(turn.conversation_id, "subtitles") == []


@pytest.mark.parametrize(
    ("music", "message"),
    [("/no/such/song.mp3", "does not exist"), ("loud", "neither a built-in bed"), ("noise", "no readable audio")],
)
def test_music_that_cannot_be_used_is_refused_before_anything_is_stored(sound_bot, tmp_path, music, message) -> None:
    if music == "noise":
        music = str(tmp_path / "noise.mp3")
        Path(music).write_bytes(np.random.default_rng(3).bytes(20_000))
    with pytest.raises(InputError, match=message):
        sound_bot.plan(HELMET, sound=SoundChoice(music=music))
    from sqlalchemy import func, select

    from botkit.store.models import Conversation

    with sound_bot.repo.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Conversation)) == 0


def test_an_unknown_voice_is_refused_naming_the_known_ones(sound_bot) -> None:
    with pytest.raises(InputError, match="no voice 'nobody'; known voices: joe"):
        sound_bot.plan(HELMET, sound=SoundChoice(voice="nobody"))


def _plan(lines: list[str | None], durations: list[float], **extra) -> ShotPlan:
    shots = [
        Shot(index=i, prompt=f"shot {i}", duration_s=d, seed=i,
             narration=Narration(text=line) if line else None)
        for i, (line, d) in enumerate(zip(lines, durations, strict=True))
    ]  # fmt: skip
    return ShotPlan(skill="marketing", request="r", title="t", platforms=["youtube"], shots=shots,
                    total_duration_s=sum(durations), **extra)  # fmt: skip


def test_shots_are_fitted_to_their_lines_within_the_same_length(narrator) -> None:
    plan = _plan(["This line is long enough to need more than one second of speech.", None], [1.0, 5.0])
    fitted = narrator.fit(plan)
    speech = narrator.speak(fitted, fitted.shots[0].narration)
    assert fitted.shots[0].duration_s >= speech.duration_s + 0.5 - 1e-6
    assert fitted.total_duration_s == pytest.approx(6.0, abs=0.01)
    assert narrator.fit(fitted) == fitted  # fitting again changes nothing


def test_narration_that_cannot_fit_is_dropped_with_a_note(narrator) -> None:
    long = "This sentence is far too long to be spoken in the one second this whole little video lasts."
    fitted = narrator.fit(_plan([long], [1.0]))
    assert not fitted.narrated
    assert fitted.notes and fitted.notes[0].startswith("no narration: the narration needs at least")


def test_slower_voice_takes_longer(narrator) -> None:
    plan = _plan(["Fasten the chin strap under your jaw."], [5.0])
    normal = narrator.speak(plan, plan.shots[0].narration)
    slower = plan.model_copy(update={"voice_rate": 0.85})
    assert narrator.speak(slower, slower.shots[0].narration).duration_s > normal.duration_s * 1.05


def test_unusable_music_at_render_time_is_a_warning(narrator, tmp_path) -> None:
    gone = tmp_path / "gone.mp3"
    sound = narrator.prepare(_plan(["Hello there."], [2.0], music=str(gone)), 30.0)
    assert sound is not None and sound.music is None and sound.track is not None
    assert any("without music" in warning and "does not exist" in warning for warning in sound.warnings)


def test_a_plan_without_sound_prepares_nothing(narrator) -> None:
    assert narrator.prepare(_plan([None], [2.0]), 30.0) is None


def test_a_line_whose_sound_starts_before_its_first_word_is_snapped() -> None:
    from botkit.audio.narration import NarrationTrack, PlacedLine
    from botkit.audio.speech import Speech, WordTiming
    from botkit.render.sound import snap_line_starts

    rate = 16_000
    hiss = np.random.default_rng(0).normal(0, 0.2, rate).astype(np.float32)  # loud from the first sample
    late = np.concatenate([np.zeros(rate // 2, np.float32), hiss[: rate // 2]])  # silent for 0.5 s
    lines = []
    for shot, samples in enumerate((hiss, late)):
        words = [WordTiming(text="Step", spoken="step", start_s=0.035, end_s=0.4),
                 WordTiming(text="one.", spoken="one", start_s=0.5, end_s=0.9)]  # fmt: skip
        speech = Speech(samples, rate, words, "engine", "v", "Step one.")
        lines.append(PlacedLine(shot, 2.0 * shot, speech, [w.shifted(2.0 * shot) for w in words]))
    track = snap_line_starts(NarrationTrack(np.zeros(4 * rate, np.float32), rate, lines, [2.0, 2.0], 30.0))
    assert track.lines[0].words[0].start_s == pytest.approx(0.0)  # the sound starts at once: the cue too
    assert track.lines[1].words[0].start_s == pytest.approx(2.035)  # silence first: the alignment stands
    assert [w.start_s for w in track.lines[0].words[1:]] == [0.5]
