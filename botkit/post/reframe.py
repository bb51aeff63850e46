"""Reframing filter chains: centre crop, blur-pad (whole picture over a blurred fill) and
subject-following crop; every chain ends in square pixels (``setsar=1``) at an even output size."""

from __future__ import annotations

from typing import Literal

from botkit.errors import InputError
from botkit.post.follow import CropPath
from botkit.post.presets import PlatformPreset

ReframeMode = Literal["auto", "crop", "blur-pad", "follow"]
ConcreteMode = Literal["crop", "blur-pad", "follow"]
REFRAME_MODES: tuple[str, ...] = ReframeMode.__args__  # type: ignore[attr-defined]
CROP_TOLERANCE = 1.3  # "auto" crops when the aspect ratios differ by at most this factor
BLUR_SCALE = 4


def choose_mode(mode: ReframeMode, source: tuple[int, int], preset: PlatformPreset) -> ConcreteMode:
    """``auto``: centre crop when the aspects are close (little is lost), blur-pad otherwise."""
    if mode not in REFRAME_MODES:
        raise InputError(f"unknown reframe mode {mode!r}; choose from: {', '.join(REFRAME_MODES)}")
    if mode != "auto":
        return mode
    ratio = (source[0] / source[1]) / preset.aspect
    return "crop" if max(ratio, 1 / ratio) <= CROP_TOLERANCE else "blur-pad"


def reframe_filter(
    mode: ConcreteMode, width: int, height: int, *, path: CropPath | None = None, label: str = ""
) -> str:
    """Filter chain from the source to a ``width`` x ``height`` frame with square pixels.

    ``label`` keeps the internal pad names of several chains in one graph apart; ``path`` is the
    subject path that ``follow`` needs.
    """
    cover = f"scale={width}:{height}:force_original_aspect_ratio=increase:flags=lanczos,crop={width}:{height}"
    if mode == "crop":
        return f"{cover},setsar=1"
    if mode == "follow":
        if path is None:
            raise InputError("reframe mode 'follow' needs a subject path (botkit.post.follow.subject_path)")
        offset = path.expression()
        x, y = (f"'{offset}'", "0") if path.axis == "x" else ("0", f"'{offset}'")
        return (
            f"crop={path.crop_width}:{path.crop_height}:{x}:{y}:exact=1,scale={width}:{height}:flags=lanczos,setsar=1"
        )
    if mode != "blur-pad":
        raise InputError(f"unknown reframe mode {mode!r}; choose from: crop, blur-pad, follow")
    fit = f"scale={width}:{height}:force_original_aspect_ratio=decrease:flags=lanczos"
    # fitted size rounded down to even so the overlay sits centred on whole pixels
    fit += ",scale=trunc(iw/2)*2:trunc(ih/2)*2"
    # The fill is blurred at a quarter of the size and scaled up: a heavy blur of a full 1080x1920
    # frame is the slowest filter in the graph, and at a quarter size it looks the same.
    small_w, small_h = max(2, width // BLUR_SCALE // 2 * 2), max(2, height // BLUR_SCALE // 2 * 2)
    sigma = max(1.0, min(width, height) / 50 / BLUR_SCALE)
    fill = (
        f"scale={small_w}:{small_h}:force_original_aspect_ratio=increase:flags=bilinear,crop={small_w}:{small_h},"
        f"gblur=sigma={sigma:.2f},scale={width}:{height}:flags=bilinear"
    )
    return (
        f"split[bgsrc{label}][fgsrc{label}];[bgsrc{label}]{fill}[bg{label}];"
        f"[fgsrc{label}]{fit}[fg{label}];[bg{label}][fg{label}]overlay=(W-w)/2:(H-h)/2,setsar=1"
    )
