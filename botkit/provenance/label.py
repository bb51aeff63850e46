"""The visible AI mark: a small "AI" corner badge drawn in code with the shipped font, placed inside
a platform preset's safe zone, and the ffmpeg overlay fragment that burns it in."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Literal

from PIL import Image, ImageDraw
from pydantic import BaseModel, ConfigDict, Field

from botkit.post.captions import Overlay, load_font
from botkit.post.presets import PlatformPreset

logger = logging.getLogger(__name__)

Corner = Literal["top-left", "top-right", "bottom-left", "bottom-right"]
WHOLE_VIDEO_S = 1e9  # an end time past any video: the badge stays on to the last frame
_SUPERSAMPLE = 4  # drawn 4x and scaled down: smooth edges at 40-60 px


class BadgeStyle(BaseModel):
    """How the badge looks and where it sits; sizes are fractions of the frame's short side."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str = Field(default="AI", min_length=1, max_length=16)
    corner: Corner = "top-left"  # captions sit at the bottom by default, platform buttons on the right
    height: float = Field(default=0.05, gt=0.01, le=0.2)
    margin: float = Field(default=0.02, ge=0, le=0.2)  # inside the safe zone
    background: tuple[int, int, int, int] = (17, 24, 39, 210)
    foreground: tuple[int, int, int, int] = (255, 255, 255, 255)
    border: tuple[int, int, int, int] = (255, 255, 255, 150)


def badge_image(height: int, style: BadgeStyle | None = None) -> Image.Image:
    """The badge as an RGBA image ``height`` px tall: a rounded dark pill, a thin light border (so it
    shows on dark and light footage), the text in the shipped bold font."""
    style = style or BadgeStyle()
    if height < 12:
        raise ValueError(f"badge height must be at least 12 px to stay legible, got {height}")
    big = height * _SUPERSAMPLE
    font = load_font(round(big * 0.58))
    left, _, right, _ = font.getbbox(style.text, anchor="mm")
    pad = round(big * 0.32)
    width = max(big, round(right - left) + 2 * pad)
    image = Image.new("RGBA", (width, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    border = max(_SUPERSAMPLE, round(big * 0.05))
    draw.rounded_rectangle(
        (0, 0, width - 1, big - 1), radius=round(big * 0.28), fill=style.background, outline=style.border, width=border
    )
    draw.text((width / 2, big / 2), style.text, font=font, fill=style.foreground, anchor="mm")
    return image.resize((max(1, round(width / _SUPERSAMPLE)), height), Image.Resampling.LANCZOS)


def badge_position(size: tuple[int, int], preset: PlatformPreset, style: BadgeStyle | None = None) -> tuple[int, int]:
    """Top-left pixel of a badge of ``size`` in ``style.corner`` of the preset's safe zone."""
    style = style or BadgeStyle()
    zone = preset.safe_zone
    margin = round(min(preset.width, preset.height) * style.margin)
    width, height = size
    x = zone.left + margin if style.corner.endswith("left") else zone.right - margin - width
    y = zone.top + margin if style.corner.startswith("top") else zone.bottom - margin - height
    return x, y


def badge_overlay(
    preset: PlatformPreset,
    out_path: Path,
    *,
    style: BadgeStyle | None = None,
    start_s: float = 0.0,
    end_s: float = WHOLE_VIDEO_S,
) -> Overlay:
    """Write the badge PNG for ``preset`` to ``out_path`` and return it as an ``Overlay`` (the
    type post's encoder lays over a video in its time window), inside the safe zone."""
    style = style or BadgeStyle()
    height = max(12, round(min(preset.width, preset.height) * style.height))
    image = badge_image(height, style)
    x, y = badge_position(image.size, preset, style)
    zone = preset.safe_zone
    if not zone.contains(x, y, image.width, image.height):
        raise ValueError(
            f"a {image.width}x{image.height} badge does not fit the {preset.id} safe zone "
            f"{zone.width}x{zone.height}; use a smaller BadgeStyle.height or margin"
        )
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    image.save(out_path)
    return Overlay(out_path, x, y, image.width, image.height, start_s, end_s)


def badge_filter(overlay: Overlay, *, video_in: str, badge_in: str, video_out: str) -> str:
    """The filter-graph fragment that lays the badge (input ``badge_in``, e.g. ``"1:v"``) over
    ``video_in`` for its time window, into ``video_out``; labels without brackets."""
    window = ""
    if overlay.start_s > 0 or overlay.end_s < WHOLE_VIDEO_S:
        window = f":enable='gte(t\\,{overlay.start_s:.6f})*lt(t\\,{overlay.end_s:.6f})'"
    return f"[{video_in}][{badge_in}]overlay=x={overlay.x}:y={overlay.y}:eof_action=repeat{window}[{video_out}]"
