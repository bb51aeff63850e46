"""Still shots: camera moves that glide (no whole-pixel steps), keep the picture's aspect, no label."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from botkit.engine.animatic import ease, parse_camera
from botkit.errors import InputError
from botkit.media.demo import demo_photo, demo_photo_array
from botkit.media.stills import StillShot, camera_frames, fit_picture, render_still, render_still_shot


def circle_photo(width: int = 800, height: int = 600) -> np.ndarray:
    image = np.full((height, width, 3), 200, np.uint8)
    cv2.circle(image, (width // 2, height // 2), 150, (200, 30, 30), -1, lineType=cv2.LINE_AA)
    return image


def red_box(frame: np.ndarray) -> tuple[int, int]:
    mask = (frame[..., 0] > 150) & (frame[..., 1] < 100)
    ys, xs = np.nonzero(mask)
    return int(xs.max() - xs.min() + 1), int(ys.max() - ys.min() + 1)


def blob_photo(width: int = 900, height: int = 500) -> np.ndarray:
    """Soft white dots on black: their centroid gives each frame's position to a hundredth of a pixel."""
    image = np.zeros((height, width), np.float32)
    for x in range(300, width - 250, 150):  # away from the edges: no dot leaves the frame
        image[height // 2, x] = 1.0
    image = cv2.GaussianBlur(image, (0, 0), 14.0)
    image = (255 * image / image.max()).astype(np.uint8)
    return np.repeat(image[..., None], 3, axis=2)


def wobble(frames: np.ndarray) -> float:
    """Largest distance (px) of each frame's position from the eased path that fits them best."""
    track = positions(frames)
    eased = np.array([ease(i / (len(track) - 1)) for i in range(len(track))])
    design = np.stack([np.ones_like(eased), eased], axis=1)
    fitted = design @ np.linalg.lstsq(design, track, rcond=None)[0]
    return float(np.abs(track - fitted).max())


def positions(frames: np.ndarray) -> np.ndarray:
    """Brightness-weighted mean x of each frame (px)."""
    grey = frames[..., 0].astype(np.float64)
    xs = np.arange(grey.shape[2])[None, None, :]
    return (grey * xs).sum(axis=(1, 2)) / grey.sum(axis=(1, 2))


@pytest.mark.parametrize(("width", "height", "fit"), [(360, 640, "crop"), (640, 360, "crop"), (360, 640, "pad")])
def test_aspect_is_kept_never_squashed(width: int, height: int, fit: str) -> None:
    clip = render_still(circle_photo(), camera="static", num_frames=2, width=width, height=height, fps=24, fit=fit)
    box_w, box_h = red_box(clip.frames[0])
    assert box_w / box_h == pytest.approx(1.0, abs=0.03)
    assert clip.size == (width, height)


def test_pad_shows_the_whole_picture() -> None:
    photo = circle_photo()
    photo[:, :40] = (0, 0, 255)  # a blue strip at the left edge must survive in pad mode
    padded = render_still(photo, camera="static", num_frames=1, width=360, height=640, fps=24, fit="pad")
    cropped = render_still(photo, camera="static", num_frames=1, width=360, height=640, fps=24, fit="crop")
    blue = lambda f: ((f[..., 2] > 200) & (f[..., 0] < 60)).sum()  # noqa: E731
    assert blue(padded.frames[0]) > 100 and blue(cropped.frames[0]) == 0


def test_slow_pan_glides_without_whole_pixel_steps() -> None:
    clip = render_still(blob_photo(), camera="slow pan right", num_frames=48, width=320, height=180, fps=24)
    motion = -np.diff(positions(clip.frames))  # content moves left when the camera pans right
    assert motion.max() > 0.5  # it does move ...
    assert motion.min() > -0.05  # ... always the same way ...
    # ... and smoothly: every frame within 0.1 px of the eased path (OpenCV resamples at 1/32 px)
    assert wobble(clip.frames) < 0.1
    fractional = np.abs(motion - np.round(motion))
    assert (fractional > 0.1).mean() > 0.3  # many steps are fractions of a pixel


def test_the_glide_check_catches_integer_steps() -> None:
    # the same move snapped to whole pixels per frame, as a naive crop would: the check must fail
    photo = blob_photo()
    move = parse_camera("slow pan right")
    smooth = camera_frames(fit_picture(photo, 320, 180, "crop", scale=1.0), move, 48, 320, 180)
    travel = positions(smooth)[0] - positions(smooth)
    canvas = fit_picture(photo, 320, 180, "crop", scale=1.2)
    stepped = np.stack([canvas[10:190, round(p) + 16 : round(p) + 336] for p in travel])
    assert wobble(smooth) < 0.1 < 0.3 < wobble(stepped)


def test_push_in_is_parallax_free() -> None:
    # a uniform zoom: the centre stays put and the scale grows monotonically
    clip = render_still(circle_photo(), camera="push in", num_frames=12, width=320, height=240, fps=12)
    sizes = [red_box(frame)[0] for frame in clip.frames]
    assert sizes == sorted(sizes) and sizes[-1] > sizes[0] * 1.2
    centres = []
    for frame in clip.frames:
        ys, xs = np.nonzero((frame[..., 0] > 150) & (frame[..., 1] < 100))
        centres.append((xs.mean(), ys.mean()))
    assert np.ptp(np.array(centres), axis=0).max() < 1.0


def test_no_preview_label_and_final_quality() -> None:
    photo = demo_photo_array(1024)
    clip = render_still(photo, camera="static", num_frames=1, width=512, height=512, fps=24)
    reference = cv2.resize(photo, (512, 512), interpolation=cv2.INTER_AREA)
    assert clip.meta["preview"] is False and "label" not in clip.meta
    corner = np.abs(clip.frames[0][:40, :200].astype(int) - reference[:40, :200].astype(int))
    assert corner.mean() < 2  # the animatic's PREVIEW box would sit here


def test_still_shot_model_and_errors(tmp_path: Path) -> None:
    shot = StillShot(image=demo_photo(tmp_path, 256), camera="tilt up", duration_s=0.5)
    clip = render_still_shot(shot, width=128, height=96, fps=24)
    assert clip.num_frames == 12 and clip.size == (128, 96) and clip.meta["camera"] == "tilt up"
    with pytest.raises(InputError, match="does not exist"):
        render_still(tmp_path / "missing.png", camera=None, num_frames=2, width=64, height=64, fps=24)
    with pytest.raises(InputError, match="at least 1 frame"):
        render_still(circle_photo(), camera=None, num_frames=0, width=64, height=64, fps=24)
    with pytest.raises(InputError, match="unknown fit"):
        render_still(circle_photo(), camera=None, num_frames=1, width=64, height=64, fps=24, fit="squash")  # type: ignore[arg-type]


def test_demo_photo_is_deterministic_and_photo_like(tmp_path: Path) -> None:
    path = demo_photo(tmp_path)
    pixels = np.asarray(Image.open(path))
    assert pixels.shape == (1024, 1024, 3)
    assert np.array_equal(pixels, demo_photo_array(1024))
    assert len(np.unique(pixels.reshape(-1, 3), axis=0)) > 3000  # gradients and shading, not flat fills
    assert demo_photo(tmp_path) == path  # written once
