"""The animatic preview engine: camera moves over an image (eased, sub-pixel) and title cards."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from botkit.domain import ShotRequest
from botkit.engine import Engine, load_engine
from botkit.engine.animatic import AnimaticEngine, ease, parse_camera, title_text
from botkit.errors import InputError


@pytest.fixture(scope="module")
def dot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A white disc on black, off-centre: its centroid and area show the camera's motion."""
    path = tmp_path_factory.mktemp("animatic") / "dot.png"
    y, x = np.mgrid[0:240, 0:320]
    disc = ((x - 150) ** 2 + (y - 110) ** 2 < 30**2).astype(np.uint8) * 255
    Image.fromarray(np.stack([disc] * 3, axis=-1)).save(path)
    return path


def shot(dot: Path, camera: str, frames: int = 24) -> np.ndarray:
    engine = AnimaticEngine(mark=False)
    request = ShotRequest(
        task="i2v", image=dot, prompt="a product", camera=camera, num_frames=frames, width=160, height=120, fps=24
    )
    return engine.generate(request).frames


def centroid_and_area(frames: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    weight = frames[..., 0].astype(np.float64) / 255
    y, x = np.mgrid[0 : frames.shape[1], 0 : frames.shape[2]]
    area = weight.sum(axis=(1, 2))
    return (weight * x).sum(axis=(1, 2)) / area, (weight * y).sum(axis=(1, 2)) / area, area


def test_camera_words() -> None:
    assert parse_camera("slow push in").zoom == pytest.approx((1.0, 1.15))
    assert parse_camera("zoom out").zoom[0] > parse_camera("zoom out").zoom[1]
    assert parse_camera("pan left").x == (0.9, -0.9)
    assert parse_camera("tilt down").y == (-0.9, 0.9)
    assert parse_camera("locked-off static shot").words == "static"
    assert parse_camera("push in and pan right").words == "push in, pan right"
    assert parse_camera(None).words == "push in"  # the default Ken Burns move


def test_push_in_grows_the_subject_smoothly(dot: Path) -> None:
    _, _, area = centroid_and_area(shot(dot, "push in"))
    assert area[-1] / area[0] == pytest.approx(1.25**2, rel=0.08)
    assert np.all(np.diff(area) >= -1e-6)


def test_pan_and_tilt_move_the_subject_the_right_way(dot: Path) -> None:
    x, _, _ = centroid_and_area(shot(dot, "pan left"))
    assert x[-1] - x[0] > 10 and np.all(np.diff(x) > -1e-6)  # the camera goes left: the subject goes right
    _, y, _ = centroid_and_area(shot(dot, "tilt up"))
    assert y[-1] - y[0] > 5 and np.all(np.diff(y) > -1e-6)


def test_motion_is_eased_and_sub_pixel(dot: Path) -> None:
    x, _, _ = centroid_and_area(shot(dot, "pan right", frames=48))
    speed = np.abs(np.diff(x))
    assert speed[0] < 0.1 * speed.max() and speed[-1] < 0.1 * speed.max()  # starts and stops gently
    fractional = np.abs(x - np.round(x))
    assert (fractional > 0.05).sum() > 10  # positions between pixels, not whole-pixel jumps
    assert ease(0) == 0 and ease(1) == 1 and ease(0.5) == pytest.approx(0.5)


def test_static_is_still_and_output_is_deterministic(dot: Path) -> None:
    still = shot(dot, "static")
    assert np.array_equal(still[0], still[-1])
    assert np.array_equal(shot(dot, "orbit"), shot(dot, "orbit"))


def test_text_only_shot_is_a_labelled_title_card() -> None:
    engine = load_engine("animatic")
    assert isinstance(engine, Engine) and isinstance(engine, AnimaticEngine)
    clip = engine.generate(ShotRequest(prompt="Step 1: unplug the router", num_frames=12, width=161, height=90, fps=24))
    assert clip.meta["preview"] is True and clip.meta["kind"] == "title card" and "PREVIEW" in clip.meta["label"]
    assert clip.frames.shape == (12, 90, 160, 3) and clip.meta["snapped"] is True  # even sizes for yuv420
    middle = clip.frames[0, 35:55, 40:120].astype(int)
    assert middle.max() - middle.min() > 150  # white text over a dark gradient
    unmarked = AnimaticEngine(mark=False).generate(
        ShotRequest(prompt="Step 1: unplug the router", num_frames=12, width=161, height=90, fps=24)
    )
    assert not np.array_equal(clip.frames[:, :8, :40], unmarked.frames[:, :8, :40])  # the PREVIEW mark


def test_title_is_the_first_clause() -> None:
    assert title_text("step 1: unplug the router, clear, well lit, steady camera") == "step 1: unplug the router"
    assert title_text("Our new lamp") == "Our new lamp"


def test_image_to_video_needs_an_image() -> None:
    with pytest.raises(InputError, match="needs an image"):
        AnimaticEngine().generate(ShotRequest(task="i2v", prompt="x", num_frames=4, width=32, height=32, fps=8))
