"""Subject-following crop: camera mode per shot, the path, and what the rendered crop shows."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from botkit.domain import Clip
from botkit.errors import InputError
from botkit.post.decode import read_frames
from botkit.post.encode import encode_platforms
from botkit.post.follow import crop_window, subject_path
from botkit.post.presets import PlatformPreset
from botkit.post.reframe import reframe_filter

YELLOW = (250, 210, 0)
VERTICAL = PlatformPreset(id="v", name="vertical", width=90, height=160, fps=24, max_duration_s=60)


def moving_square(xs: np.ndarray, fps: float = 16, width: int = 320, height: int = 180) -> Clip:
    """A yellow square at x positions ``xs`` over a dim textured background."""
    rng = np.random.default_rng(0)
    texture = rng.integers(40, 80, (height, width, 1)).astype(np.uint8)
    frames = np.repeat(texture[None], len(xs), axis=0).repeat(3, axis=3)
    for i, x in enumerate(xs.astype(int)):
        frames[i, 70:110, x : x + 30] = YELLOW
    return Clip(np.ascontiguousarray(frames), fps)


def yellow_pixels(frame: np.ndarray) -> np.ndarray:
    return (frame[:, :, 0] > 200) & (frame[:, :, 1] > 150) & (frame[:, :, 2] < 90)


def test_crop_window_is_even_and_on_the_long_axis() -> None:
    assert crop_window((1280, 720), 9 / 16) == (404, 720, "x")  # 405 is odd
    assert crop_window((101, 57), 9 / 16) == (32, 56, "x")
    assert crop_window((720, 1280), 16 / 9) == (720, 404, "y")


def test_camera_modes_steady_sweeping_tracking() -> None:
    still = subject_path(moving_square(np.full(32, 150.0)).frames, 16, 9 / 16)
    assert still.modes() == ["steady"]
    pan = subject_path(moving_square(np.linspace(10, 280, 48)).frames, 16, 9 / 16)
    assert pan.modes() == ["sweeping"]
    there_and_back = 145 + 130 * np.sin(np.linspace(0, 2 * np.pi, 64))
    track = subject_path(moving_square(there_and_back).frames, 16, 9 / 16)
    assert track.modes() == ["tracking"]


def test_a_camera_per_shot() -> None:
    xs = np.concatenate([np.full(24, 40.0), np.linspace(40, 280, 24)])
    path = subject_path(moving_square(xs).frames, 16, 9 / 16, shot_starts_s=[1.5])
    assert path.modes() == ["steady", "sweeping"]
    assert [s.start_s for s in path.segments] == [0.0, 1.5]


def test_follow_keeps_the_subject_in_frame_where_centre_crop_loses_it(tmp_path: Path) -> None:
    xs = np.linspace(10, 280, 48)
    clip = moving_square(xs)
    [followed, centred] = [
        encode_platforms(clip, [VERTICAL], tmp_path, mode=mode, stem=mode)[0] for mode in ("follow", "crop")
    ]
    follow_frames = read_frames(followed.video).frames
    crop_frames = read_frames(centred.video).frames
    assert follow_frames.shape == (72, 160, 90, 3)
    for index in (1, 36, 70):  # start, middle, end
        assert yellow_pixels(follow_frames[index]).sum() > 500  # the whole square (about 34x34 px) is in view
    assert yellow_pixels(crop_frames[1]).sum() == 0 and yellow_pixels(crop_frames[70]).sum() == 0


def test_path_expression_matches_numpy_offsets() -> None:
    path = subject_path(moving_square(np.linspace(10, 280, 48)).frames, 16, 9 / 16, shot_starts_s=[1.0])
    expression = path.expression()
    for t in (0.0, 0.5, 1.2, 2.9):
        value = eval(expression.replace("pow", "_pow").replace("clip", "_clip").replace("gte", "_gte").replace("lt(", "_lt("),
                     {"t": t, "_pow": pow, "_clip": lambda v, lo, hi: min(max(v, lo), hi),
                      "_gte": lambda a, b: float(a >= b), "_lt": lambda a, b: float(a < b)})  # fmt: skip
        assert value == pytest.approx(path.offsets(np.array([t]))[0], abs=1e-3)


def test_follow_without_path_and_empty_frames_are_errors() -> None:
    with pytest.raises(InputError, match="subject path"):
        reframe_filter("follow", 90, 160)
    with pytest.raises(InputError, match="F >= 1"):
        subject_path(np.zeros((0, 10, 10, 3), np.uint8), 16, 1.0)
