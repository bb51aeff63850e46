"""Per-clip quality signals, computed once at low resolution (CPU proxies of VBench's dimensions).

Per frame: exposure (mean luma), contrast, noise (Immerkær's estimate), sharpness (Laplacian
variance). Per consecutive pair: mean absolute difference, SSIM, luma-histogram correlation and
optical-flow magnitude (DIS). Per triple: the error of interpolating the middle frame from its
neighbours along the flow (motion smoothness). The report keeps the series (for plots) and the
summaries the checks read; it is JSON-storable with the asset.
"""

from __future__ import annotations

import logging
import time

import cv2
import numpy as np
from pydantic import BaseModel, Field

from botkit.domain import Clip
from botkit.errors import InputError

logger = logging.getLogger(__name__)

ANALYSIS_WIDTH = 320
FLOW_WIDTH = 160
BLACK_LUMA = 18.0  # grey levels (of 255): darker than this ...
BLACK_CONTRAST = 10.0  # ... and flatter than this is a black frame, not a night scene
FROZEN_PEAK = 3.0  # grey levels: when 99.9 % of pixels change less than this, the picture stood still
CUT_RESIDUAL = 0.04  # a cut leaves at least this much change (fraction of 255) that motion cannot explain ...
CUT_SPIKE = 4.0  # ... and this many times the clip's typical unexplained change
DYNAMIC_FLOW = 0.03  # frame widths per second: top-5 % flow faster than this counts as motion


class QualityReport(BaseModel):
    """Signals of one clip. Series are per frame (``exposure``, ``noise``, ``sharpness``, ``contrast``),
    per pair (``change``, ``peak_change``, ``residual``, ``ssim``, ``histogram``, ``flow``) or per triple (``interpolation_error``)."""

    frames: int
    fps: float
    width: int = Field(description="analysed width in px")
    height: int
    series: dict[str, list[float]]
    temporal_flicker: float = Field(description="VBench-style: mean of 1 - frame difference (1 = no change)")
    luma_jitter: float = Field(description="90th percentile of |luma - mean of neighbours| (0..1): flicker")
    max_change: float = Field(description="largest mean absolute frame difference (0..1)")
    black_frames: int
    black_indices: list[int]
    frozen_run: int = Field(description="longest run of frames showing the same picture")
    frozen_run_s: float
    hard_cuts: list[int] = Field(description="pair indices i where a cut lies between frame i and i+1")
    incoherence: float = Field(
        default=0.0, description="median change (0..1) that optical flow cannot explain: shapes morphing, popping"
    )
    motion_smoothness: float = Field(description="1 - mean error of interpolating each frame from its neighbours")
    dynamic_degree: float = Field(description="fraction of frame pairs with visible motion (optical flow)")
    consistency: float = Field(description="mean SSIM of consecutive frames")
    min_consistency: float
    first_consistency: float = Field(description="mean SSIM of each frame to the first")
    noise: float = Field(description="median noise estimate, grey levels")
    sharpness: float = Field(description="median Laplacian variance")
    exposure: float = Field(description="mean luma, grey levels")
    ms_per_frame: float


def _small_frames(clip: Clip, width: int) -> np.ndarray:
    src_w, src_h = clip.size
    out_w = min(width, src_w)
    out_h = max(2, round(src_h * out_w / src_w))
    if (out_w, out_h) == (src_w, src_h):
        return clip.frames
    return np.stack([cv2.resize(frame, (out_w, out_h), interpolation=cv2.INTER_AREA) for frame in clip.frames])


def ssim(a: np.ndarray, b: np.ndarray) -> float:
    """Mean SSIM of two grey float images (0..255), Gaussian window sigma 1.5."""
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2

    def blur(x: np.ndarray) -> np.ndarray:
        return cv2.GaussianBlur(x, (7, 7), 1.5)

    mu_a, mu_b = blur(a), blur(b)
    var_a = blur(a * a) - mu_a * mu_a
    var_b = blur(b * b) - mu_b * mu_b
    cov = blur(a * b) - mu_a * mu_b
    value = ((2 * mu_a * mu_b + c1) * (2 * cov + c2)) / ((mu_a**2 + mu_b**2 + c1) * (var_a + var_b + c2))
    return float(value.mean())


def noise_sigma(grey: np.ndarray) -> float:
    """Immerkær's fast noise estimate (grey levels) from a Laplacian-difference kernel."""
    kernel = np.array([[1, -2, 1], [-2, 4, -2], [1, -2, 1]], np.float32)
    response = np.abs(cv2.filter2D(grey, -1, kernel, borderType=cv2.BORDER_REFLECT))[1:-1, 1:-1]
    if response.size == 0:
        return 0.0
    return float(np.sqrt(np.pi / 2) * response.mean() / 6)


def _histogram(grey: np.ndarray) -> np.ndarray:
    return cv2.calcHist([grey.astype(np.uint8)], [0], None, [32], [0, 256])


def _flow(dis: cv2.DISOpticalFlow, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    flow: np.ndarray = dis.calc(a, b, None)  # type: ignore[call-overload]  # None: let OpenCV allocate it
    return flow


def _warp_residual(a: np.ndarray, b: np.ndarray, flow: np.ndarray) -> float:
    """Change (0..1) from ``a`` to ``b`` left once ``b`` is warped back along the flow and its overall
    brightness matched to ``a``: what neither motion nor a global brightness change explains
    (flicker is measured on its own)."""
    height, width = a.shape
    grid_x, grid_y = np.meshgrid(np.arange(width, dtype=np.float32), np.arange(height, dtype=np.float32))
    warped = cv2.remap(b, grid_x + flow[..., 0], grid_y + flow[..., 1], cv2.INTER_LINEAR,
                       borderMode=cv2.BORDER_REPLICATE)  # fmt: skip
    gain = float(a.mean()) / max(float(warped.mean()), 1e-3)
    return float(np.abs(warped * gain - a).mean() / 255)


def _interpolation_error(before: np.ndarray, middle: np.ndarray, after: np.ndarray, flow: np.ndarray) -> float:
    """Error (0..1) of the middle frame predicted half-way along the flow from ``before`` to ``after``."""
    height, width = middle.shape
    grid_x, grid_y = np.meshgrid(np.arange(width, dtype=np.float32), np.arange(height, dtype=np.float32))
    half = flow * 0.5
    from_before = cv2.remap(before, grid_x - half[..., 0], grid_y - half[..., 1], cv2.INTER_LINEAR,
                            borderMode=cv2.BORDER_REPLICATE)  # fmt: skip
    from_after = cv2.remap(after, grid_x + half[..., 0], grid_y + half[..., 1], cv2.INTER_LINEAR,
                           borderMode=cv2.BORDER_REPLICATE)  # fmt: skip
    predicted = (from_before + from_after) / 2
    return float(np.abs(predicted - middle).mean() / 255)


def _longest_run(flags: np.ndarray) -> int:
    best = current = 0
    for flag in flags:
        current = current + 1 if flag else 0
        best = max(best, current)
    return best


def measure(clip: Clip, *, width: int = ANALYSIS_WIDTH) -> QualityReport:
    """All signals of ``clip`` at ``width`` px (smaller clips are analysed as they are)."""
    if clip.num_frames < 2:
        raise InputError(f"quality checks need at least 2 frames, this clip has {clip.num_frames}")
    if min(clip.size) < 8:
        raise InputError(f"quality checks need frames of at least 8x8 px, this clip is {clip.size[0]}x{clip.size[1]}")
    started = time.perf_counter()
    colour = _small_frames(clip, width)
    grey = np.stack([cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY) for frame in colour]).astype(np.float32)
    count, height, analysed_w = grey.shape
    exposure = grey.mean(axis=(1, 2))
    contrast = grey.std(axis=(1, 2))
    noise = np.array([noise_sigma(g) for g in grey])
    sharpness = np.array([float(cv2.Laplacian(g, cv2.CV_32F).var()) for g in grey])
    difference = np.abs(np.diff(grey, axis=0))
    change = difference.mean(axis=(1, 2)) / 255
    # in colour: a red shape moving over a purple ground barely changes the luma
    colour_difference = np.abs(np.diff(colour.astype(np.int16), axis=0)).max(axis=3)
    peak_change = np.percentile(colour_difference.reshape(count - 1, -1), 99.9, axis=1)
    similarity = np.array([ssim(grey[i], grey[i + 1]) for i in range(count - 1)])
    to_first = np.array([ssim(grey[0], grey[i]) for i in range(1, count)])
    histograms = [_histogram(g) for g in grey]
    histogram = np.array(
        [cv2.compareHist(histograms[i], histograms[i + 1], cv2.HISTCMP_CORREL) for i in range(count - 1)]
    )
    histogram = np.nan_to_num(histogram, nan=1.0)  # two flat frames of one colour correlate perfectly

    flow_w = min(FLOW_WIDTH, analysed_w)
    flow_h = max(8, round(height * flow_w / analysed_w))
    small = np.stack([cv2.resize(g, (flow_w, flow_h), interpolation=cv2.INTER_AREA) for g in grey]).astype(np.uint8)
    dis = cv2.DISOpticalFlow.create(cv2.DISOPTICAL_FLOW_PRESET_ULTRAFAST)
    tops: list[float] = []
    residuals: list[float] = []
    for i in range(count - 1):
        flow = _flow(dis, small[i], small[i + 1])
        magnitude = np.linalg.norm(flow, axis=2)
        top = float(np.sort(magnitude, axis=None)[int(magnitude.size * 0.95) :].mean())
        tops.append(top / flow_w * clip.fps)  # frame widths per second: comparable across sizes and rates
        residuals.append(_warp_residual(small[i].astype(np.float32), small[i + 1].astype(np.float32), flow))
    flow_top, residual = np.array(tops), np.array(residuals)
    errors: list[float] = []
    for i in range(1, count - 1):
        flow = _flow(dis, small[i - 1], small[i + 1])
        errors.append(
            _interpolation_error(
                small[i - 1].astype(np.float32), small[i].astype(np.float32), small[i + 1].astype(np.float32), flow
            )
        )
    interpolation = np.array(errors)

    black = (exposure < BLACK_LUMA) & (contrast < BLACK_CONTRAST)
    frozen_pairs = (peak_change < FROZEN_PEAK) & ~(black[:-1] & black[1:])  # black runs are counted as black
    frozen_run = _longest_run(frozen_pairs) + 1 if frozen_pairs.any() else 1
    typical_residual = float(np.median(residual))
    cuts = [
        i
        for i in range(count - 1)
        if residual[i] > max(CUT_RESIDUAL, CUT_SPIKE * typical_residual)
        and not (black[i] or black[i + 1])  # a black frame is reported as black, not as a cut
    ]
    normalised_luma = exposure / 255
    jitter = (
        np.abs(normalised_luma[1:-1] - (normalised_luma[:-2] + normalised_luma[2:]) / 2) if count >= 3 else np.zeros(1)
    )
    elapsed = time.perf_counter() - started
    return QualityReport(
        frames=count,
        fps=clip.fps,
        width=analysed_w,
        height=height,
        series={
            "exposure": exposure.round(3).tolist(),
            "contrast": contrast.round(3).tolist(),
            "noise": noise.round(3).tolist(),
            "sharpness": sharpness.round(2).tolist(),
            "change": change.round(5).tolist(),
            "peak_change": peak_change.round(2).tolist(),
            "residual": residual.round(5).tolist(),
            "ssim": similarity.round(4).tolist(),
            "ssim_to_first": to_first.round(4).tolist(),
            "histogram": histogram.round(4).tolist(),
            "flow": flow_top.round(5).tolist(),
            "interpolation_error": interpolation.round(5).tolist(),
            "luma_jitter": jitter.round(5).tolist(),
        },
        temporal_flicker=float(1 - change.mean()),
        luma_jitter=float(np.percentile(jitter, 90)),
        max_change=float(change.max()),
        black_frames=int(black.sum()),
        black_indices=np.flatnonzero(black).tolist(),
        frozen_run=int(frozen_run),
        frozen_run_s=float(frozen_run / clip.fps) if frozen_run > 1 else 0.0,
        hard_cuts=cuts,
        incoherence=float(np.median(residual)),
        motion_smoothness=float(1 - interpolation.mean()) if interpolation.size else 1.0,
        dynamic_degree=float((flow_top > DYNAMIC_FLOW).mean()),
        consistency=float(similarity.mean()),
        min_consistency=float(similarity.min()),
        first_consistency=float(to_first.mean()),
        noise=float(np.median(noise)),
        sharpness=float(np.median(sharpness)),
        exposure=float(exposure.mean()),
        ms_per_frame=round(1000 * elapsed / count, 3),
    )
