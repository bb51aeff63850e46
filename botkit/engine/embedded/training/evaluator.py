"""Score toy-world clips: background colour, object colour, motion direction, shape, object
presence and stability (one blob, steady size, straight path).

Works on the model's 32x32 frames (larger frames are box-downsampled first). Validated on
ground-truth clips from :mod:`toyworld`, where every attribute scores ~1.0.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from PIL import Image
from scipy import ndimage

from botkit.engine.embedded.vocab import COLOURS, PALETTE, Attributes

EVAL_SIZE = 32
MIN_TRAVEL_PX = 3.0
"""Below this net displacement over the clip the motion counts as "none"."""
MIN_BLOB_PX = 4
_PALETTE = np.asarray([PALETTE[c] for c in COLOURS], dtype=np.float32)


@dataclass(frozen=True)
class Analysis:
    """What the evaluator sees in one clip."""

    background: str
    colour: str | None
    direction: str | None
    shape: str | None
    presence: float
    single_blob: float
    size_variation: float
    path_residual: float
    travel: float


def _to_eval_size(frames: np.ndarray) -> np.ndarray:
    if frames.shape[1:3] == (EVAL_SIZE, EVAL_SIZE):
        return frames.astype(np.float32)
    return np.stack(
        [np.asarray(Image.fromarray(f).resize((EVAL_SIZE, EVAL_SIZE), Image.Resampling.BOX)) for f in frames]
    ).astype(np.float32)


def _nearest(rgb: np.ndarray) -> str:
    return COLOURS[int(np.argmin(((_PALETTE - rgb) ** 2).sum(-1)))]


def classify_shape(mask: np.ndarray) -> str | None:
    """circle | square | triangle from one binary mask (bounding-box fill and top/bottom widths)."""
    ys, xs = np.nonzero(mask)
    if len(ys) < MIN_BLOB_PX:
        return None
    y0, y1, x0, x1 = ys.min(), ys.max(), xs.min(), xs.max()
    box = mask[y0 : y1 + 1, x0 : x1 + 1]
    fill = box.sum() / box.size
    rows = box.sum(axis=1).astype(np.float32)
    quarter = max(1, len(rows) // 4)
    taper = rows[:quarter].mean() / max(rows[-quarter:].mean(), 1e-6)
    if taper < 0.6 and fill < 0.75:
        return "triangle"
    if fill > 0.88:
        return "square"
    return "circle"


def analyse(frames: np.ndarray) -> Analysis:
    """Measure one clip (uint8 ``[F, H, W, 3]``)."""
    video = _to_eval_size(frames)
    pixels = video.reshape(-1, 3)
    labels = np.argmin(((pixels[:, None, :] - _PALETTE[None]) ** 2).sum(-1), axis=1)
    bg_label = int(np.bincount(labels, minlength=len(COLOURS)).argmax())
    bg_rgb = np.median(pixels[labels == bg_label], axis=0)
    dist = np.sqrt(((video - bg_rgb) ** 2).sum(-1))  # [F, H, W]

    coarse = dist > 40.0
    core = dist > 0.7 * max(float(dist.max()), 1.0)
    colour = _nearest(np.median(video[core & coarse], axis=0)) if (core & coarse).sum() >= MIN_BLOB_PX else None
    if colour is not None:
        half = 0.5 * float(np.sqrt(((np.asarray(PALETTE[colour], np.float32) - bg_rgb) ** 2).sum()))
        mask = dist > max(half, 30.0)
    else:
        mask = coarse

    centres, areas, shapes, singles = [], [], [], []
    for f in range(len(video)):
        lab, n = ndimage.label(mask[f])
        sizes = np.bincount(lab.ravel())[1:] if n else np.zeros(0, dtype=np.int64)
        big = int((sizes >= MIN_BLOB_PX).sum())
        singles.append(big == 1)
        if big == 0:
            continue
        blob = lab == (int(sizes.argmax()) + 1)
        ys, xs = np.nonzero(blob)
        centres.append((f, xs.mean(), ys.mean()))
        areas.append(float(blob.sum()))
        shapes.append(classify_shape(blob))

    presence = len(centres) / len(video)
    direction, residual, travel = None, float("inf"), 0.0
    if len(centres) >= 2:
        c = np.asarray(centres, dtype=np.float64)
        fit_x, fit_y = np.polyfit(c[:, 0], c[:, 1], 1), np.polyfit(c[:, 0], c[:, 2], 1)
        span = len(video) - 1
        dx, dy = fit_x[0] * span, fit_y[0] * span
        res = np.concatenate([c[:, 1] - np.polyval(fit_x, c[:, 0]), c[:, 2] - np.polyval(fit_y, c[:, 0])])
        residual = float(np.sqrt((res**2).mean()))
        travel = float(max(abs(dx), abs(dy)))
        if travel >= MIN_TRAVEL_PX:
            direction = ("right" if dx > 0 else "left") if abs(dx) >= abs(dy) else ("down" if dy > 0 else "up")
    votes = [s for s in shapes if s is not None]
    shape = max(set(votes), key=votes.count) if votes else None
    size_variation = float(np.std(areas) / np.mean(areas)) if areas else float("inf")
    return Analysis(
        background=COLOURS[bg_label],
        colour=colour,
        direction=direction,
        shape=shape,
        presence=presence,
        single_blob=float(np.mean(singles)),
        size_variation=size_variation,
        path_residual=residual,
        travel=travel,
    )


def score_clip(frames: np.ndarray, attrs: Attributes) -> dict[str, float]:
    """Per-attribute scores in [0, 1] (1 = right) plus the raw stability measures."""
    a = analyse(frames)
    stable = a.single_blob >= 0.9 and a.size_variation < 0.25 and a.path_residual < 1.5
    return {
        "background": float(a.background == attrs.background),
        "colour": float(a.colour == attrs.colour),
        "direction": float(a.direction == attrs.direction),
        "shape": float(a.shape == attrs.shape),
        "presence": float(a.presence >= 0.9),
        "stable": float(stable),
        "single_blob": a.single_blob,
        "size_variation": min(a.size_variation, 10.0),
        "path_residual": min(a.path_residual, 32.0),
    }


def summarise(rows: Iterable[dict[str, float]]) -> dict[str, float]:
    """Mean of every key over the rows that have it, rounded for logs."""
    acc: dict[str, list[float]] = defaultdict(list)
    for row in rows:
        for k, v in row.items():
            acc[k].append(v)
    return {k: round(float(np.mean(v)), 4) for k, v in acc.items()}
