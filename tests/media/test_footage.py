"""Footage shots: in/out points, speed, reframing with subject following, the clip's own sound."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import pytest
from pydantic import ValidationError

from botkit.errors import InputError
from botkit.media.footage import FootageShot, available_s, footage_audio, render_footage
from botkit.media.probe import check_video

from .conftest import Footage, moving_subject


def ball_visible(frames: np.ndarray) -> np.ndarray:
    red = (frames[..., 0] > 180) & (frames[..., 1] < 90) & (frames[..., 2] < 90)
    return red.sum(axis=(1, 2)) > 0.8 * np.pi * 28**2 * (frames.shape[1] / 360) ** 2


@pytest.fixture(scope="module")
def ball(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return moving_subject(tmp_path_factory.mktemp("ball") / "ball.mp4")


def test_follow_keeps_the_moving_subject_in_a_vertical_crop(ball: Path) -> None:
    info = check_video(ball)
    follow = render_footage(FootageShot(source=ball), info, width=180, height=320, fps=24)
    centre = render_footage(FootageShot(source=ball, reframe="crop"), info, width=180, height=320, fps=24)
    assert follow.frames.shape == (72, 320, 180, 3) and follow.meta["kind"] == "footage"
    assert ball_visible(follow.frames).mean() > 0.95
    assert ball_visible(centre.frames).mean() < 0.6  # a fixed crop loses it: the test can tell
    assert follow.meta["camera"] in (["sweeping"], ["tracking"])


def test_pad_keeps_the_whole_frame(ball: Path) -> None:
    info = check_video(ball)
    clip = render_footage(FootageShot(source=ball, reframe="pad"), info, width=180, height=320, fps=24)
    red = (clip.frames[..., 0] > 180) & (clip.frames[..., 1] < 90)
    assert red.any(axis=(1, 2)).all()  # the ball is somewhere in every frame, small


def test_in_out_and_speed_pick_the_right_frames(footage: Footage) -> None:
    info = check_video(footage.mp4)  # testsrc2 prints its frame time; compare frames by content instead
    whole = render_footage(FootageShot(source=footage.mp4, reframe="crop"), info, width=320, height=240, fps=30)
    part = render_footage(FootageShot(source=footage.mp4, in_s=0.5, out_s=1.5, speed=2.0, reframe="crop"), info,
                          width=320, height=240, fps=30)  # fmt: skip
    assert part.num_frames == 15 and part.duration_s == pytest.approx(0.5)
    # output frame k shows source time 0.5 + 2k/30, i.e. source frame 15 + 2k
    for k in (0, 5, 10):
        error = np.abs(part.frames[k].astype(int) - whole.frames[15 + 2 * k].astype(int)).mean()
        assert error < 4, (k, error)
    assert available_s(FootageShot(source=footage.mp4, in_s=0.5, speed=0.5), info) == pytest.approx(3.0)


def test_a_shot_longer_than_the_clip_says_what_would_fit(footage: Footage) -> None:
    info = check_video(footage.mp4)
    shot = FootageShot(source=footage.mp4, in_s=1.0)
    with pytest.raises(
        InputError, match=r"gives 1.00 s at speed 1, but the shot lasts 3.00 s; use a slower speed \(at least 0.33x\)"
    ):
        render_footage(shot, info, width=64, height=64, fps=24, duration_s=3)
    with pytest.raises(InputError, match="past the end"):
        render_footage(FootageShot(source=footage.mp4, in_s=5), info, width=64, height=64, fps=24)
    with pytest.raises(ValidationError, match="must come after the in point"):
        FootageShot(source=footage.mp4, in_s=2, out_s=1)
    with pytest.raises(ValidationError):
        FootageShot(source=footage.mp4, speed=10)


def test_rotated_phone_clip_fills_a_vertical_frame(footage: Footage) -> None:
    info = check_video(footage.rotated)
    clip = render_footage(FootageShot(source=footage.rotated, reframe="crop"), info, width=240, height=320, fps=30)
    upright = np.rot90(render_footage(FootageShot(source=footage.mov, reframe="crop"), check_video(footage.mov),
                                      width=320, height=240, fps=30).frames[0], k=-1)  # fmt: skip
    assert np.abs(clip.frames[0].astype(int) - upright.astype(int)).mean() < 4


def test_the_clips_own_sound_is_cut_and_timed(footage: Footage, tmp_path: Path) -> None:
    info = check_video(footage.mp4)
    target = footage_audio(FootageShot(source=footage.mp4, in_s=0.5, speed=0.5), info, tmp_path / "a.wav",
                           duration_s=2.0)  # fmt: skip
    with wave.open(str(target)) as handle:
        assert handle.getframerate() == 48000 and handle.getnchannels() == 2
        assert handle.getnframes() / 48000 == pytest.approx(2.0, abs=0.01)
    with pytest.raises(InputError, match="has no audio track"):
        footage_audio(FootageShot(source=footage.mov), check_video(footage.mov), tmp_path / "b.wav")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.wav"]
