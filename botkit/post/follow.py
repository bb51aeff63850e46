"""Subject-following crop (AutoFlip's idea on CPU): where the interest is, per shot, as a smooth path.

Each analysed frame (low resolution, a few per second) gets an interest map from motion (difference
to the previous frame), spectral-residual saliency and colour distinctiveness; its weighted centre along the crop's free
axis is the focus. Per shot the camera is *steady* (the focus stays within half the crop: hold the
median), *sweeping* (a straight line fits: constant pan) or *tracking* (a polynomial of degree <= 4
through the focus). The path is written as an ffmpeg expression of ``t`` for the ``crop`` filter.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Literal

import cv2
import numpy as np

from botkit.errors import InputError

logger = logging.getLogger(__name__)

ANALYSIS_WIDTH = 160
ANALYSIS_FPS = 8.0
SALIENCY_SIZE = 64
MOTION_WEIGHT = 0.7  # moving things are what a viewer follows; saliency decides when nothing moves
SPECTRAL_WEIGHT = 0.4  # of the still-picture interest; the rest is colour distinctiveness
STEADY_SPAN = 0.5  # of the crop: AutoFlip holds the camera when the focus moves less than this
SWEEP_RESIDUAL = 0.1  # of the crop: a line this close to every focus point is a pan
MAX_DEGREE = 4

Axis = Literal["x", "y"]
CameraMode = Literal["steady", "sweeping", "tracking"]


@dataclass(frozen=True)
class PathSegment:
    """One shot's camera: offset in source pixels = polynomial in seconds since ``start_s``."""

    start_s: float
    end_s: float
    mode: CameraMode
    coefficients: tuple[float, ...]  # lowest power first

    def offset(self, t: np.ndarray | float) -> np.ndarray:
        u = np.asarray(t, dtype=np.float64) - self.start_s
        return np.polynomial.polynomial.polyval(u, self.coefficients)


@dataclass(frozen=True)
class CropPath:
    """A moving crop window of ``crop_width`` x ``crop_height`` source pixels."""

    source_width: int
    source_height: int
    crop_width: int
    crop_height: int
    axis: Axis
    segments: list[PathSegment] = field(default_factory=list)

    @property
    def max_offset(self) -> int:
        return self.source_width - self.crop_width if self.axis == "x" else self.source_height - self.crop_height

    def offsets(self, times: np.ndarray) -> np.ndarray:
        """The crop's offset along its axis at ``times`` (seconds), clipped to the frame."""
        times = np.asarray(times, dtype=np.float64)
        result = np.zeros_like(times)
        for i, segment in enumerate(self.segments):
            last = i == len(self.segments) - 1
            inside = (times >= segment.start_s) & ((times < segment.end_s) | last)
            if i == 0:
                inside |= times < segment.start_s
            result[inside] = segment.offset(times[inside])
        return np.clip(result, 0, self.max_offset)

    def expression(self) -> str:
        """The offset as an ffmpeg expression of ``t`` (for ``crop``'s x or y)."""
        terms = []
        for i, segment in enumerate(self.segments):
            u = f"(t-{segment.start_s:.6f})"
            poly = "+".join(f"{c:.9g}*pow({u},{p})" if p else f"{c:.9g}" for p, c in enumerate(segment.coefficients))
            value = f"clip({poly},0,{self.max_offset})"
            if len(self.segments) == 1:
                return value
            if i == 0:
                window = f"lt(t,{segment.end_s:.6f})"
            elif i == len(self.segments) - 1:
                window = f"gte(t,{segment.start_s:.6f})"
            else:
                window = f"gte(t,{segment.start_s:.6f})*lt(t,{segment.end_s:.6f})"
            terms.append(f"{window}*{value}")
        return "+".join(terms) or "0"

    def modes(self) -> list[CameraMode]:
        return [segment.mode for segment in self.segments]


def crop_window(source: tuple[int, int], aspect: float) -> tuple[int, int, Axis]:
    """Largest even window of ``aspect`` inside ``source`` (width, height) and the axis it moves on."""
    width, height = source
    if width / height >= aspect:
        crop_w = min(width, max(2, 2 * round(height * aspect / 2)))
        return crop_w, height - height % 2, "x"
    crop_h = min(height, max(2, 2 * round(width / aspect / 2)))
    return width - width % 2, crop_h, "y"


def spectral_residual(gray: np.ndarray) -> np.ndarray:
    """Spectral-residual saliency (Hou & Zhang 2007) of a small grey image, scaled to 0..1."""
    spectrum = np.fft.fft2(gray)
    log_amplitude = np.log(np.abs(spectrum) + 1e-8)
    residual = log_amplitude - cv2.blur(log_amplitude, (3, 3))
    saliency = np.abs(np.fft.ifft2(np.exp(residual + 1j * np.angle(spectrum)))) ** 2
    saliency = cv2.GaussianBlur(saliency, (0, 0), 2.5)
    peak = saliency.max()
    return saliency / peak if peak > 0 else saliency


def distinctiveness(rgb: np.ndarray) -> np.ndarray:
    """How far each pixel's colour is from the frame's median colour, blurred and scaled to 0..1:
    a centred object on a plain ground is found where spectral residual favours its edges."""
    pixels = rgb.astype(np.float32)
    distance = np.linalg.norm(pixels - np.median(pixels.reshape(-1, 3), axis=0), axis=2)
    distance = cv2.GaussianBlur(distance, (0, 0), 2.0)
    peak = distance.max()
    return distance / peak if peak > 0 else distance


def focus_track(frames: np.ndarray, fps: float, axis: Axis) -> tuple[np.ndarray, np.ndarray]:
    """Times (s) and focus positions (0..1 along ``axis``) of frames sampled at ~``ANALYSIS_FPS``."""
    count, height, width = frames.shape[:3]
    step = max(1, round(fps / ANALYSIS_FPS))
    small_w = min(ANALYSIS_WIDTH, width)
    small_h = max(2, round(height * small_w / width))
    times, focus = [], []
    for index in range(0, count, step):
        rgb = cv2.resize(frames[index], (small_w, small_h), interpolation=cv2.INTER_AREA)
        small = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY).astype(np.float32) / 255
        spectral = cv2.resize(
            spectral_residual(cv2.resize(small, (SALIENCY_SIZE, SALIENCY_SIZE), interpolation=cv2.INTER_AREA)),
            (small_w, small_h),
        )
        saliency = SPECTRAL_WEIGHT * spectral + (1 - SPECTRAL_WEIGHT) * distinctiveness(rgb)
        interest = saliency
        if index > 0:
            previous = cv2.cvtColor(frames[index - 1], cv2.COLOR_RGB2GRAY)
            previous = cv2.resize(previous, (small_w, small_h), interpolation=cv2.INTER_AREA).astype(np.float32) / 255
            motion = cv2.GaussianBlur(np.abs(small - previous), (0, 0), 1.5)
            if motion.max() > 0.02:  # below this the difference is compression or diffusion noise
                interest = MOTION_WEIGHT * motion / motion.max() + (1 - MOTION_WEIGHT) * saliency
        profile = interest.sum(axis=0 if axis == "x" else 1).astype(np.float64)
        profile = np.maximum(profile - np.median(profile), 0) ** 2  # the peak, not the background
        positions = (np.arange(profile.size) + 0.5) / profile.size
        centre = float((profile * positions).sum() / profile.sum()) if profile.sum() > 0 else 0.5
        times.append(index / fps)
        focus.append(centre)
    return np.asarray(times), np.asarray(focus)


def _fit_segment(times: np.ndarray, focus: np.ndarray, start: float, end: float, crop: float) -> PathSegment:
    """Camera mode and path (in fractions of the source) for one shot."""
    if focus.size == 0:
        return PathSegment(start, end, "steady", (0.5,))
    if focus.size >= 3:  # a 3-tap median drops single-frame glitches before fitting
        focus = np.concatenate(
            [focus[:1], np.median(np.stack([focus[:-2], focus[1:-1], focus[2:]]), axis=0), focus[-1:]]
        )
    u = times - start
    if focus.max() - focus.min() <= STEADY_SPAN * crop or focus.size < 2:
        return PathSegment(start, end, "steady", (float(np.median(focus)),))
    line = np.polynomial.polynomial.polyfit(u, focus, 1)
    if np.abs(np.polynomial.polynomial.polyval(u, line) - focus).max() <= SWEEP_RESIDUAL * crop:
        return PathSegment(start, end, "sweeping", tuple(float(c) for c in line))
    degree = min(MAX_DEGREE, focus.size - 1)
    curve = np.polynomial.polynomial.polyfit(u, focus, degree)
    return PathSegment(start, end, "tracking", tuple(float(c) for c in curve))


def subject_path(
    frames: np.ndarray, fps: float, aspect: float, *, shot_starts_s: list[float] | None = None
) -> CropPath:
    """The crop path that keeps the subject of ``frames`` in a window of ``aspect`` (width/height)."""
    if frames.ndim != 4 or frames.shape[0] == 0:
        raise InputError(f"subject-following crop needs frames [F, H, W, 3] with F >= 1, got {frames.shape}")
    height, width = frames.shape[1:3]
    crop_w, crop_h, axis = crop_window((width, height), aspect)
    duration = frames.shape[0] / fps
    times, focus = focus_track(frames, fps, axis)
    size = width if axis == "x" else height
    crop = (crop_w if axis == "x" else crop_h) / size
    starts = sorted({0.0, *(s for s in (shot_starts_s or []) if 0 < s < duration)})
    ends = [*starts[1:], duration]
    segments = []
    for start, end in zip(starts, ends, strict=True):
        inside = (times >= start) & (times < end)
        fraction = _fit_segment(times[inside], focus[inside], start, end, crop)
        # centre fraction -> left/top offset in source pixels
        coefficients = [c * size for c in fraction.coefficients]
        coefficients[0] -= (crop_w if axis == "x" else crop_h) / 2
        segments.append(PathSegment(start, end, fraction.mode, tuple(coefficients)))
    path = CropPath(width, height, crop_w, crop_h, axis, segments)
    logger.debug("subject path", extra={"modes": path.modes(), "axis": axis})
    return path
