"""The post entry point end to end: exact durations, cross-fades, captions in place and on time,
music, preview and contact sheet; bad input gives clear errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from botkit.domain import Clip, Shot, ShotPlan
from botkit.errors import InputError
from botkit.post.assemble import assemble
from botkit.post.captions import Brand, CaptionStyle
from botkit.post.decode import read_frames
from botkit.post.ffmpeg import run_ffmpeg
from botkit.post.presets import PRESETS
from botkit.post.probe import probe
from botkit.post.produce import ProduceOptions, produce

GREY = 90


def flat_clip(value: int, frames: int = 9, fps: float = 8, width: int = 64, height: int = 48) -> Clip:
    return Clip(np.full((frames, height, width, 3), value, np.uint8), fps)


def training_plan(durations: list[float], platforms: list[str]) -> ShotPlan:
    shots = [
        Shot(index=i, prompt=f"step {i}", duration_s=d, seed=i, caption=["Unplug it", "Wait ten seconds", "Plug in"][i])
        for i, d in enumerate(durations)
    ]
    return ShotPlan(skill="training", request="r", title="How-to", platforms=platforms, shots=shots,
                    total_duration_s=sum(durations), captions=True)  # fmt: skip


def white_text(frame: np.ndarray) -> np.ndarray:
    return np.all(frame > 230, axis=2)


def test_training_video_numbered_captions_in_zone_and_on_time(tmp_path: Path) -> None:
    tiktok = PRESETS["tiktok"].scaled(0.25)  # 270x480, safe zone scaled with it
    plan = training_plan([1.0, 1.5], ["tiktok"])
    made = produce([flat_clip(GREY), flat_clip(GREY)], plan, [tiktok], tmp_path, ProduceOptions(mode="crop"))
    [video] = made.videos
    info = probe(video.video)
    assert (info.width, info.height, info.frames, info.sar, info.faststart) == (270, 480, 75, "1:1", True)
    assert info.duration_s == pytest.approx(2.5, abs=1 / 30)
    first, second = made.overlays["tiktok"]
    assert (first.start_s, first.end_s, second.start_s, second.end_s) == (0.0, 1.0, 1.0, 2.5)
    frames = read_frames(video.video).frames
    zone = tiktok.safe_zone
    for index, overlay in ((10, first), (50, second)):
        text = white_text(frames[index])
        rows, cols = np.nonzero(text)
        assert text.sum() > 80
        assert (
            rows.min() >= zone.top and rows.max() < zone.bottom and cols.min() >= zone.left and cols.max() < zone.right
        )
        assert rows.min() >= overlay.y - 1 and rows.max() <= overlay.y + overlay.height
    # the caption changes with the shot: different pixels at frames 10 and 50
    assert (white_text(frames[10]) != white_text(frames[50])).sum() > 100


def test_end_card_covers_the_last_seconds_and_music_is_trimmed(tmp_path: Path) -> None:
    music = tmp_path / "music.wav"
    run_ffmpeg(["-f", "lavfi", "-i", "sine=frequency=440:duration=10", str(music)])
    plan = training_plan([1.0, 2.0], ["x"]).model_copy(update={"skill": "marketing", "captions": False})
    x = PRESETS["x"].scaled(0.25)
    brand = Brand(name="Acme", cta="Buy now", background="#203040")
    options = ProduceOptions(brand=brand, end_card_s=1.0, music=music, preview="gif")
    made = produce([flat_clip(GREY), flat_clip(GREY)], plan, [x], tmp_path, options)
    [video] = made.videos
    frames = read_frames(video.video).frames
    assert len(frames) == 90
    assert np.abs(frames[30].astype(int) - GREY).max() < 12  # before the card: the picture
    corner = frames[75][:5, :5].reshape(-1, 3).mean(axis=0)
    assert np.abs(corner - (0x20, 0x30, 0x40)).max() < 12  # the card's background
    report = run_ffmpeg(["-i", str(video.video), "-map", "0:a:0", "-f", "null", "-"])
    assert "Audio: aac" in report
    duration = float(report.rsplit("time=", 1)[1].split()[0].split(":")[-1])
    assert duration == pytest.approx(3.0, abs=0.05)
    assert made.preview is not None and Image.open(made.preview).format == "GIF"
    sheet = Image.open(made.contact_sheet)
    assert sheet.width > 4 * 200


def test_crossfade_keeps_total_duration_and_blends_at_the_cut() -> None:
    timeline = assemble([flat_clip(0), flat_clip(200)], [1.0, 1.0], transition="crossfade", crossfade_s=0.5)
    assert timeline.num_frames == 16
    levels = timeline.frames[:, 0, 0, 0]
    assert levels[0] == 0 and levels[-1] == 200
    assert 0 < levels[7] < levels[8] < 200  # mid-fade on both sides of the cut at frame 8


def test_single_frame_and_odd_sized_shots_make_exact_videos(tmp_path: Path) -> None:
    plan = training_plan([0.5, 0.5], ["instagram-feed"]).model_copy(update={"captions": False})
    feed = PRESETS["instagram-feed"].scaled(0.2)
    made = produce([flat_clip(GREY, frames=1, width=37, height=23), flat_clip(150, width=37, height=23)], plan,
                   [feed], tmp_path, ProduceOptions(preview=None, contact_sheet=False))  # fmt: skip
    info = probe(made.videos[0].video)
    assert (info.width, info.height, info.frames, info.sar) == (216, 216, 30, "1:1")


def test_bad_input_is_refused_clearly(tmp_path: Path) -> None:
    plan = training_plan([1.0], ["x"])
    x = PRESETS["x"].scaled(0.25)
    with pytest.raises(InputError, match="no frames"):
        produce([Clip(np.zeros((0, 8, 8, 3), np.uint8), 8)], plan, [x], tmp_path)
    with pytest.raises(InputError, match="1 shots but 2 clips"):
        produce([flat_clip(1), flat_clip(2)], plan, [x], tmp_path)
    noise = tmp_path / "song.mp3"
    noise.write_bytes(b"ID3 not really audio" * 50)
    with pytest.raises(InputError, match="music file"):
        produce([flat_clip(1)], plan, [x], tmp_path, ProduceOptions(music=noise))
    with pytest.raises(InputError, match="does not exist"):
        produce(
            [flat_clip(1)], plan, [x], tmp_path, ProduceOptions(caption_style=CaptionStyle(font=tmp_path / "f.ttf"))
        )
    with pytest.raises(InputError, match="at least 2x2"):
        produce([flat_clip(1, width=1, height=1)], plan, [x], tmp_path)


@pytest.mark.parametrize(("preset", "cabac"), [("veryfast", b"cabac=1"), ("ultrafast", b"cabac=0")])
def test_the_x264_preset_is_a_setting_that_reaches_the_encoder(tmp_path: Path, preset: str, cabac: bytes) -> None:
    plan = training_plan([1.0], ["x"])
    x = PRESETS["x"].scaled(0.25)
    made = produce([flat_clip(GREY)], plan, [x], tmp_path, ProduceOptions(mode="crop", x264_preset=preset))
    options = made.videos[0].video.read_bytes().split(b"options: ", 1)[1][:2000]  # x264's SEI settings line
    assert cabac in options  # ultrafast turns CABAC off; veryfast keeps it on
    with pytest.raises(ValueError, match="veryfast"):
        ProduceOptions(x264_preset="turbo")  # type: ignore[arg-type]
