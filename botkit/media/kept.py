"""*Input kept*: does an image-conditioned shot still show the image it was given?

The given image is fitted to the clip's frame exactly as the shot used it (crop, pad, or the
stretch some engines do), both are reduced to a small grey/colour picture, and each of the
clip's first frames is compared with it, after the zoom and shift that align them best (a camera
move is not drift), by three measures: structure (SSIM), colour (hue and
saturation histogram correlation) and edges (correlation of gradient magnitudes). A frame's
score is their mean; the shot's score is its worst frame in the window. The threshold was
calibrated on stills made from photos (must pass) against the embedded toy model's
image-to-video of the same photos (must fail): ``bench/media_kept.py`` prints the table.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Literal

import cv2
import numpy as np
from PIL import Image
from pydantic import BaseModel, Field

from botkit.domain import Clip
from botkit.engine.images import load_image
from botkit.errors import InputError
from botkit.media.stills import fit_picture

logger = logging.getLogger(__name__)

ANALYSIS_SIDE = 64  # px on the short side: details a 32-px model cannot draw do not count against it
BLUR_SIGMA = 1.0
WINDOW_S = 0.5
MIN_FRAMES = 3
ALIGN_ZOOMS = (1.0, 1.2, 1.4)
ALIGN_SHIFT = 0.06  # of the short side: the other starting points for the alignment
CLOSE_FIT = 0.9  # ECC correlation at which the search stops
THRESHOLD = 0.6  # calibrated (bench/media_kept.py): 81 stills of photos >= 0.96; 9 toy-model drifts <= 0.40
Fit = Literal["crop", "pad", "stretch"]


class InputKept(BaseModel):
    """The signal for retry logic: ``kept`` false means re-render, then fall back to a still."""

    kept: bool
    score: float = Field(description="worst frame's score in the window, 0..1")
    threshold: float
    worst_frame: int
    frames_checked: int
    structure: float = Field(description="SSIM of the worst frame")
    colour: float = Field(description="hue/saturation histogram correlation of the worst frame")
    edges: float = Field(description="gradient-magnitude correlation of the worst frame")
    per_frame: list[float]

    def reason(self) -> str:
        if self.kept:
            return f"the shot keeps its input image (score {self.score:.2f} >= {self.threshold:.2f})"
        return (
            f"the shot drifts from its input image by frame {self.worst_frame} "
            f"(score {self.score:.2f} < {self.threshold:.2f}: structure {self.structure:.2f}, "
            f"colour {self.colour:.2f}, edges {self.edges:.2f})"
        )


def _small(picture: np.ndarray) -> np.ndarray:
    height, width = picture.shape[:2]
    scale = ANALYSIS_SIDE / min(width, height)
    size = (max(8, round(width * scale)), max(8, round(height * scale)))
    small = cv2.resize(picture, size, interpolation=cv2.INTER_AREA)
    return cv2.GaussianBlur(small, (0, 0), BLUR_SIGMA)


def _ssim(a: np.ndarray, b: np.ndarray) -> float:
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    a, b = a.astype(np.float64), b.astype(np.float64)

    def blur(x: np.ndarray) -> np.ndarray:
        return cv2.GaussianBlur(x, (7, 7), 1.5)

    mu_a, mu_b = blur(a), blur(b)
    var_a, var_b = blur(a * a) - mu_a**2, blur(b * b) - mu_b**2
    cov = blur(a * b) - mu_a * mu_b
    ssim = ((2 * mu_a * mu_b + c1) * (2 * cov + c2)) / ((mu_a**2 + mu_b**2 + c1) * (var_a + var_b + c2))
    return float(ssim.mean())


def _histogram(rgb: np.ndarray) -> np.ndarray:
    hsv = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV)
    hist = cv2.calcHist([hsv], [0, 1], None, [18, 8], [0, 180, 0, 256])
    return cv2.normalize(hist, hist).flatten()


def _gradient(grey: np.ndarray) -> np.ndarray:
    g = grey.astype(np.float32)
    return cv2.magnitude(cv2.Sobel(g, cv2.CV_32F, 1, 0), cv2.Sobel(g, cv2.CV_32F, 0, 1))


def _correlation(a: np.ndarray, b: np.ndarray) -> float:
    a, b = a.ravel() - a.mean(), b.ravel() - b.mean()
    denominator = float(np.sqrt((a * a).sum() * (b * b).sum()))
    return float((a * b).sum() / denominator) if denominator > 0 else 0.0


def reference_frame(image: np.ndarray, width: int, height: int, fit: Fit) -> np.ndarray:
    """The given image as the shot's first frame would show it."""
    if fit == "stretch":
        return cv2.resize(image, (width, height), interpolation=cv2.INTER_AREA)
    return fit_picture(image, width, height, fit)


def align(reference: np.ndarray, frame: np.ndarray) -> np.ndarray:
    """``reference`` moved onto ``frame`` by the zoom and shift that fit best (ECC), so a camera
    move over the image is not mistaken for drift. Far-fetched fits (zoom outside 0.6..1.7, any
    rotation or shear to speak of) are refused and the reference is returned as it was."""
    grey_ref = cv2.cvtColor(reference, cv2.COLOR_RGB2GRAY).astype(np.float32)
    grey = cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY).astype(np.float32)
    criteria = (cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, 80, 1e-5)
    height, width = frame.shape[:2]
    best, warp = -1.0, None
    # ECC finds the nearest fit: start it from a few zooms and shifts, as a camera move may start
    # zoomed in or to one side; stop at the first close fit
    shift = ALIGN_SHIFT * min(width, height)
    for start_zoom in ALIGN_ZOOMS:
        for dx, dy in ((0, 0), (-1, 0), (1, 0), (0, -1), (0, 1), (-1, -1), (1, 1), (-1, 1), (1, -1)):
            guess = np.array([[1 / start_zoom, 0, width / 2 * (1 - 1 / start_zoom) + dx * shift],
                              [0, 1 / start_zoom, height / 2 * (1 - 1 / start_zoom) + dy * shift]], np.float32)  # fmt: skip
            try:  # OpenCV's stubs have no (inputMask=None, gaussFiltSize) overload; cv2 takes it
                fit, found = cv2.findTransformECC(grey, grey_ref, guess, cv2.MOTION_AFFINE, criteria, None, 1)  # type: ignore[call-overload]
            except cv2.error:
                continue
            if fit > best:
                best, warp = fit, found
            if best >= CLOSE_FIT:
                break
        if best >= CLOSE_FIT:
            break
    if warp is None:
        return reference
    linear = warp[:, :2]
    zoom = float(np.sqrt(abs(np.linalg.det(linear))))
    shear = float(np.abs(linear / max(zoom, 1e-6) - np.eye(2)).max())
    if not 0.6 <= zoom <= 1.7 or shear > 0.08:
        return reference
    flags = cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP
    return cv2.warpAffine(reference, warp, (width, height), flags=flags, borderMode=cv2.BORDER_REFLECT101)


def frame_scores(reference: np.ndarray, frame: np.ndarray) -> tuple[float, float, float]:
    """(structure, colour, edges) of ``frame`` against ``reference`` (both already small)."""
    reference = align(reference, frame)
    grey_ref = cv2.cvtColor(reference, cv2.COLOR_RGB2GRAY)
    grey = cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY)
    structure = _ssim(grey_ref, grey)
    colour = float(cv2.compareHist(_histogram(reference), _histogram(frame), cv2.HISTCMP_CORREL))
    edges = _correlation(_gradient(grey_ref), _gradient(grey))
    return structure, colour, edges


def input_kept(
    clip: Clip, image: Path | np.ndarray | Image.Image, *, fit: Fit = "crop", window_s: float = WINDOW_S,
    threshold: float = THRESHOLD,
) -> InputKept:  # fmt: skip
    """Score the first ``window_s`` seconds of ``clip`` against ``image`` (at least 3 frames)."""
    if clip.num_frames == 0:
        raise InputError("input kept needs a clip with frames")
    if fit not in ("crop", "pad", "stretch"):
        raise InputError(f"unknown fit {fit!r}; choose crop, pad or stretch")
    if isinstance(image, Path | str):
        picture = np.asarray(load_image(Path(image)))
    elif isinstance(image, Image.Image):
        picture = np.asarray(image.convert("RGB"))
    else:
        picture = np.asarray(image)
    width, height = clip.size
    reference = _small(reference_frame(picture, width, height, fit))
    # the first half second, and never more than the first quarter of a short shot: a camera move
    # is meant to change the picture later on
    count = min(clip.num_frames, max(MIN_FRAMES, min(round(window_s * clip.fps), clip.num_frames // 4)))
    measures = [frame_scores(reference, _small(clip.frames[index])) for index in range(count)]
    per_frame = [float(np.clip(np.mean(m), 0.0, 1.0)) for m in measures]
    worst = int(np.argmin(per_frame))
    result = InputKept(
        kept=per_frame[worst] >= threshold, score=round(per_frame[worst], 4), threshold=threshold,
        worst_frame=worst, frames_checked=count, structure=round(measures[worst][0], 4),
        colour=round(measures[worst][1], 4), edges=round(measures[worst][2], 4),
        per_frame=[round(score, 4) for score in per_frame],
    )  # fmt: skip
    logger.debug("input kept", extra={"kept": result.kept, "score": result.score})
    return result
