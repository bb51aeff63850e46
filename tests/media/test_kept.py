"""The input-kept signal: a still made from a photo passes; the embedded toy model's drift fails."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from botkit.domain import Clip, ShotRequest
from botkit.engine import load_engine
from botkit.errors import InputError
from botkit.media.demo import demo_photo, demo_photo_array
from botkit.media.kept import THRESHOLD, input_kept
from botkit.media.stills import render_still


@pytest.mark.parametrize(
    ("camera", "size", "fit"),
    [("static", (256, 256), "crop"), ("slow push in", (360, 640), "crop"), ("fast pan right", (256, 256), "crop"),
     ("pull out", (640, 360), "pad"), ("orbit", (360, 640), "crop")],
)  # fmt: skip
def test_a_still_made_from_the_photo_passes(camera: str, size: tuple[int, int], fit: str) -> None:
    photo = demo_photo_array()
    clip = render_still(photo, camera=camera, num_frames=48, width=size[0], height=size[1], fps=24, fit=fit)
    result = input_kept(clip, photo, fit=fit)  # type: ignore[arg-type]
    assert result.kept and result.score > 0.9, result.reason()
    assert result.frames_checked == 12


def test_the_embedded_models_drift_from_a_real_photo_fails(tmp_path: Path) -> None:
    photo = demo_photo(tmp_path)
    engine = load_engine("embedded")
    request = ShotRequest(task="i2v", prompt="our water bottle, slow push in", image=photo, num_frames=9,
                          width=256, height=256, fps=8, seed=0)  # fmt: skip
    clip = engine.generate(request)
    result = input_kept(clip, photo, fit="stretch")  # the embedded model squashes the image to 32x32
    assert result.per_frame[0] > 0.9  # frame 0 is the photo itself ...
    assert not result.kept and result.score < THRESHOLD - 0.1  # ... then it dissolves
    assert result.colour < 0.5 and "drifts from its input image" in result.reason()


def test_a_different_picture_fails() -> None:
    photo = demo_photo_array()
    other = np.full((512, 512, 3), (40, 90, 200), np.uint8)  # another product: a red ball on blue
    yy, xx = np.mgrid[0:512, 0:512]
    other[np.hypot(xx - 300, yy - 200) < 120] = (220, 40, 40)
    clip = render_still(other, camera="static", num_frames=12, width=256, height=256, fps=24)
    assert not input_kept(clip, photo).kept
    noise = np.random.default_rng(0).integers(0, 255, (12, 256, 256, 3), dtype=np.uint8)
    assert input_kept(Clip(noise, 24.0), photo).score < 0.2


def test_bad_input() -> None:
    with pytest.raises(InputError, match="unknown fit"):
        input_kept(Clip(np.zeros((3, 8, 8, 3), np.uint8), 8.0), demo_photo_array(64), fit="squash")  # type: ignore[arg-type]
