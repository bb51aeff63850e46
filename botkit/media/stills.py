"""Still shots: a photo or storyboard panel animated by camera words (push in, pull out, pan,
tilt, static) at final quality, unlabelled.

The camera words and easing are the animatic's (``botkit.engine.animatic``). What differs is the
rendering: the picture is fitted to the shot's aspect (crop, or pad over a blurred fill: never
squashed), prepared once at the largest zoom so no frame enlarges it beyond its own pixels, and
every frame is one affine resample with float offsets (OpenCV bicubic), so slow moves glide
without whole-pixel steps. One transform for the whole picture: no parallax.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Literal

import cv2
import numpy as np
from PIL import Image
from pydantic import BaseModel, ConfigDict, Field

from botkit.domain import Clip
from botkit.engine.animatic import CameraMove, ease, parse_camera
from botkit.engine.images import load_image
from botkit.errors import InputError

logger = logging.getLogger(__name__)

Fit = Literal["crop", "pad"]
PAD_BLUR = 0.04  # of the frame's short side: the blurred fill behind a padded picture


class StillShot(BaseModel):
    """A photo or panel shown for ``duration_s`` with a camera move."""

    model_config = ConfigDict(extra="forbid")

    image: Path
    camera: str | None = Field(default=None, max_length=80, description="camera words; none means a slow push in")
    duration_s: float = Field(ge=0.1, le=60)
    fit: Fit = Field(default="crop", description="crop to the shot's aspect, or pad over a blurred fill")


def fit_picture(image: np.ndarray, width: int, height: int, fit: Fit, *, scale: float = 1.0) -> np.ndarray:
    """``image`` on a ``width*scale`` x ``height*scale`` canvas of the shot's aspect: centre-cropped
    to cover it, or whole over a blurred, cropped copy of itself. The aspect is never changed."""
    if fit not in ("crop", "pad"):
        raise InputError(f"unknown fit {fit!r}; choose 'crop' or 'pad'")
    canvas_w, canvas_h = max(2, round(width * scale)), max(2, round(height * scale))
    src_h, src_w = image.shape[:2]

    def resized(factor: float) -> np.ndarray:
        size = (max(1, round(src_w * factor)), max(1, round(src_h * factor)))
        return cv2.resize(image, size, interpolation=cv2.INTER_AREA if factor < 1 else cv2.INTER_CUBIC)

    def centre_crop(picture: np.ndarray) -> np.ndarray:
        top = (picture.shape[0] - canvas_h) // 2
        left = (picture.shape[1] - canvas_w) // 2
        return picture[top : top + canvas_h, left : left + canvas_w]

    if fit == "crop":
        return np.ascontiguousarray(centre_crop(resized(max(canvas_w / src_w, canvas_h / src_h))))
    # the fill is made at an eighth of the size, blurred and scaled up: the same look for a
    # fraction of the work (a full-size blur of this radius cost most of a padded shot's time)
    small_w, small_h = max(2, canvas_w // 8), max(2, canvas_h // 8)
    factor = max(small_w / src_w, small_h / src_h)
    small = cv2.resize(image, (max(small_w, round(src_w * factor)), max(small_h, round(src_h * factor))),
                       interpolation=cv2.INTER_AREA)  # fmt: skip
    top, left = (small.shape[0] - small_h) // 2, (small.shape[1] - small_w) // 2
    small = cv2.GaussianBlur(small[top : top + small_h, left : left + small_w], (0, 0),
                             max(0.5, PAD_BLUR * min(canvas_w, canvas_h) / 8))  # fmt: skip
    canvas = cv2.resize(small, (canvas_w, canvas_h), interpolation=cv2.INTER_LINEAR)
    canvas = (canvas.astype(np.float32) * 0.7).astype(np.uint8)  # darker, so the picture stands out
    inner = resized(min(canvas_w / src_w, canvas_h / src_h))
    top, left = (canvas_h - inner.shape[0]) // 2, (canvas_w - inner.shape[1]) // 2
    canvas[top : top + inner.shape[0], left : left + inner.shape[1]] = inner
    return canvas


def camera_frames(canvas: np.ndarray, move: CameraMove, num_frames: int, width: int, height: int) -> np.ndarray:
    """Frames of ``move`` over ``canvas`` (the shot's aspect at any size): uint8 ``[T, H, W, 3]``."""
    src_h, src_w = canvas.shape[:2]
    frames = np.empty((num_frames, height, width, 3), np.uint8)
    for index in range(num_frames):
        t = ease(index / (num_frames - 1)) if num_frames > 1 else 0.0
        zoom = move.zoom[0] + (move.zoom[1] - move.zoom[0]) * t
        view_w, view_h = src_w / zoom, src_h / zoom  # the window, in canvas pixels
        margin_x, margin_y = (src_w - view_w) / 2, (src_h - view_h) / 2
        centre_x = src_w / 2 + margin_x * (move.x[0] + (move.x[1] - move.x[0]) * t)
        centre_y = src_h / 2 + margin_y * (move.y[0] + (move.y[1] - move.y[0]) * t)
        scale_x, scale_y = width / view_w, height / view_h
        # output = scale * (input - window corner); pixel centres at +0.5 on both sides
        affine = np.array(
            [
                [scale_x, 0.0, (0.5 - (centre_x - view_w / 2)) * scale_x - 0.5],
                [0.0, scale_y, (0.5 - (centre_y - view_h / 2)) * scale_y - 0.5],
            ]
        )
        frames[index] = cv2.warpAffine(
            canvas, affine, (width, height), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REFLECT101
        )
    return frames


def render_still(
    image: Path | np.ndarray | Image.Image,
    *,
    camera: str | None,
    num_frames: int,
    width: int,
    height: int,
    fps: float,
    fit: Fit = "crop",
) -> Clip:
    """A still shot as a Clip of ``num_frames`` at ``width`` x ``height``."""
    started = time.perf_counter()
    if num_frames < 1 or width < 2 or height < 2 or fps <= 0:
        raise InputError(
            f"a still needs at least 1 frame of at least 2x2 px at fps > 0, got {num_frames} frames "
            f"of {width}x{height} at {fps}"
        )
    if isinstance(image, Path | str):
        picture = np.asarray(load_image(Path(image)))
    elif isinstance(image, Image.Image):
        picture = np.asarray(image.convert("RGB"))
    else:
        picture = np.asarray(image)
    if picture.ndim != 3 or picture.shape[2] != 3 or picture.dtype != np.uint8:
        raise InputError(f"a still needs an RGB uint8 image [H, W, 3], got {picture.dtype} {picture.shape}")
    move = parse_camera(camera, default="push in")
    # prepared at the tightest zoom's resolution (capped by the picture's own), so the
    # closest frame is never blurrier than the source and the widest one only mildly downsampled
    top_zoom = max(move.zoom)
    native = min(picture.shape[1] / width, picture.shape[0] / height) if fit == "crop" else 1.0
    scale = max(1.0, min(top_zoom, native))
    canvas = fit_picture(picture, width, height, fit, scale=scale)
    frames = camera_frames(canvas, move, num_frames, width, height)
    meta = {
        "kind": "still",
        "camera": move.words,
        "fit": fit,
        "preview": False,
        "width": width,
        "height": height,
        "num_frames": num_frames,
        "seconds": round(time.perf_counter() - started, 3),
    }
    if isinstance(image, Path | str):
        meta["source"] = str(image)
    logger.debug("still rendered", extra={"camera": move.words, "frames": num_frames})
    return Clip(frames=frames, fps=float(fps), meta=meta)


def render_still_shot(shot: StillShot, *, width: int, height: int, fps: float) -> Clip:
    return render_still(
        shot.image,
        camera=shot.camera,
        num_frames=max(1, round(shot.duration_s * fps)),
        width=width,
        height=height,
        fps=fps,
        fit=shot.fit,
    )
