"""Reframing and encoding: geometry from the probe, pixels from decoded frames, exact durations."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from botkit.domain import Clip
from botkit.errors import PostError
from botkit.post.assemble import assemble, retime
from botkit.post.encode import choose_mode, encode_platforms
from botkit.post.ffmpeg import run_ffmpeg
from botkit.post.presets import PRESETS, PlatformPreset
from botkit.post.probe import probe

RED, BLUE = (220, 20, 20), (20, 20, 220)
VERTICAL = PlatformPreset(id="v", name="vertical", width=180, height=320, fps=24, max_duration_s=60)
SQUARE = PlatformPreset(id="s", name="square", width=200, height=200, fps=30, max_duration_s=60)


def two_colour_clip(frames: int = 16, fps: float = 16.0, width: int = 128, height: int = 64) -> Clip:
    """Left half red, right half blue."""
    data = np.empty((frames, height, width, 3), np.uint8)
    data[:, :, : width // 2] = RED
    data[:, :, width // 2 :] = BLUE
    return Clip(frames=data, fps=fps)


def frame_at(video: Path, index: int, width: int, height: int) -> np.ndarray:
    raw = video.with_suffix(".rgb")
    run_ffmpeg(
        [
            "-i",
            str(video),
            "-vf",
            f"select=eq(n\\,{index})",
            "-frames:v",
            "1",
            "-f",
            "rawvideo",
            "-pix_fmt",
            "rgb24",
            str(raw),
        ]
    )
    return np.frombuffer(raw.read_bytes(), np.uint8).reshape(height, width, 3)


def near(pixel: np.ndarray, colour: tuple[int, int, int], tolerance: int = 40) -> bool:
    return bool(np.abs(pixel.astype(int) - colour).max() <= tolerance)


def test_crop_fills_frame_with_centre(tmp_path: Path) -> None:
    [video] = encode_platforms(two_colour_clip(), [VERTICAL], tmp_path, mode="crop")
    info = probe(video.video)
    assert (info.width, info.height, info.codec, info.pix_fmt, info.sar) == (180, 320, "h264", "yuv420p", "1:1")
    assert info.faststart
    frame = frame_at(video.video, 5, 180, 320)
    # the centre of a 2:1 source: red on the left, blue on the right, top to bottom
    for y in (10, 160, 310):
        assert near(frame[y, 20], RED) and near(frame[y, 160], BLUE)


def test_blur_pad_keeps_whole_picture_over_blurred_fill(tmp_path: Path) -> None:
    [video] = encode_platforms(two_colour_clip(), [VERTICAL], tmp_path, mode="blur-pad")
    frame = frame_at(video.video, 5, 180, 320)
    # fitted picture: 180x90 in the middle band (rows 115..205), both halves visible at the edges
    assert near(frame[160, 3], RED) and near(frame[160, 176], BLUE)
    # the fill above is blurred, not black and not stretched picture
    assert frame[20].mean() > 40
    assert not near(frame[20, 90], RED, 10) and not near(frame[20, 90], BLUE, 10)


def test_auto_mode_crops_close_aspects_and_pads_far_ones() -> None:
    assert choose_mode("auto", (1920, 1080), PRESETS["youtube"]) == "crop"
    assert choose_mode("auto", (1080, 1080), PRESETS["instagram-portrait"]) == "crop"
    assert choose_mode("auto", (1920, 1080), PRESETS["tiktok"]) == "blur-pad"


def test_several_platforms_one_run_exact_durations(tmp_path: Path) -> None:
    timeline = assemble([two_colour_clip(9), two_colour_clip(17)], [1.25, 0.75])
    assert timeline.duration_s == pytest.approx(2.0)
    videos = encode_platforms(timeline, [VERTICAL, SQUARE], tmp_path, stem="t")
    for video, preset in zip(videos, [VERTICAL, SQUARE], strict=True):
        info = probe(video.video)
        assert (info.width, info.height) == (preset.width, preset.height)
        assert info.frames == 2 * preset.fps
        assert info.duration_s == pytest.approx(2.0, abs=1 / preset.fps)
        poster = Image.open(video.poster)
        assert poster.size == (preset.width, preset.height)


def test_odd_source_size_gives_even_output_with_square_pixels(tmp_path: Path) -> None:
    clip = two_colour_clip(width=101, height=57)
    [video] = encode_platforms(clip, [VERTICAL], tmp_path, mode="crop")
    info = probe(video.video)
    assert (info.width, info.height, info.sar) == (180, 320, "1:1")


def test_retime_stretches_to_exact_count() -> None:
    clip = two_colour_clip(frames=5)
    assert retime(clip, 1.0, 16).shape[0] == 16
    assert retime(clip, 0.5, 30).shape[0] == 15


def test_probe_of_garbage_is_a_post_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.mp4"
    bad.write_bytes(b"\x00" * 100)
    with pytest.raises(PostError):
        probe(bad)
