"""Captions and end cards drawn with Pillow (own word wrap by measured width, stroke or box for
legibility, raqm shaping where present) as PNG overlays with time windows, inside the safe zone."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from PIL import Image, ImageColor, ImageDraw, ImageFont, UnidentifiedImageError, features
from pydantic import BaseModel, ConfigDict, Field, field_validator

from botkit.domain import ShotPlan
from botkit.errors import InputError
from botkit.post.presets import PlatformPreset, SafeZone

logger = logging.getLogger(__name__)

DEFAULT_FONT = Path(__file__).with_name("fonts") / "DejaVuSans-Bold.ttf"
MIN_SHRINK = 0.6  # a caption shrinks to 60 % of its size before it takes more lines
_NUMBERED = re.compile(r"^\s*\d+\s*[.)]")


def _colour(value: str) -> str:
    try:
        ImageColor.getrgb(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a colour (use #RRGGBB, #RRGGBBAA or a CSS name)") from None
    return value


class CaptionStyle(BaseModel):
    """How captions look; sizes are fractions of the output's shorter side so every platform matches."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    font: Path | None = None  # None: the DejaVu Sans Bold botkit ships
    size: float = Field(default=0.05, gt=0.01, le=0.2)
    fill: str = "#FFFFFF"
    stroke: str = "#000000"
    stroke_width: float = Field(default=0.08, ge=0, le=0.3)  # of the font size
    box: str | None = None  # a colour such as "#000000A0" draws a box behind the text instead of only a stroke
    max_lines: int = Field(default=3, ge=1, le=8)
    position: Literal["bottom", "top", "center"] = "bottom"
    padding: float = Field(default=0.02, ge=0, le=0.2)  # inside the safe zone, of the shorter side

    @field_validator("fill", "stroke", "box")
    @classmethod
    def _colours(cls, value: str | None) -> str | None:
        return value if value is None else _colour(value)


class Brand(BaseModel):
    """A marketing end card: logo, colours and a call to action."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=80)
    cta: str = Field(default="", max_length=80)
    url: str = Field(default="", max_length=120)
    logo: Path | None = None
    background: str = "#111827"
    foreground: str = "#FFFFFF"
    accent: str = "#F59E0B"

    @field_validator("background", "foreground", "accent")
    @classmethod
    def _colours(cls, value: str) -> str:
        return _colour(value)


@dataclass(frozen=True)
class Overlay:
    """A PNG laid over the video at (x, y) while ``start_s <= t < end_s``."""

    image: Path
    x: int
    y: int
    width: int
    height: int
    start_s: float
    end_s: float


def load_font(size: int, path: Path | None = None) -> ImageFont.FreeTypeFont:
    """A TrueType font at ``size`` px; complex scripts are shaped with raqm where Pillow has it."""
    font_path = Path(path) if path is not None else DEFAULT_FONT
    if not font_path.is_file():
        raise InputError(f"font file {font_path} does not exist; give a .ttf/.otf path or leave it unset")
    layout = ImageFont.Layout.RAQM if features.check("raqm") else ImageFont.Layout.BASIC
    try:
        return ImageFont.truetype(str(font_path), max(1, size), layout_engine=layout)
    except OSError as exc:
        raise InputError(f"font file {font_path} could not be read as a TrueType/OpenType font: {exc}") from None


def wrap_lines(text: str, font: ImageFont.FreeTypeFont, max_width: float) -> list[str]:
    """Greedy word wrap by measured width. Words are never split unless one alone is wider than a line."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        current = ""
        for word in paragraph.split():
            candidate = f"{current} {word}" if current else word
            if font.getlength(candidate) <= max_width:
                current = candidate
                continue
            if current:
                lines.append(current)
            current = word
            while font.getlength(current) > max_width and len(current) > 1:
                cut = len(current) - 1
                while cut > 1 and font.getlength(current[:cut]) > max_width:
                    cut -= 1
                lines.append(current[:cut])
                current = current[cut:]
        lines.append(current)
    return [line for line in lines if line] or [""]


def _fits(lines: list[str], font: ImageFont.FreeTypeFont, max_width: float) -> bool:
    return all(font.getlength(line) <= max_width for line in lines)


def render_text(
    text: str, max_width: int, max_height: int, font_size: int, style: CaptionStyle, *, fill: str | None = None
) -> Image.Image:
    """Text block as an RGBA image no wider than ``max_width`` and no taller than ``max_height``.

    Shrinks the font (to 60 %) before taking more than ``style.max_lines`` lines, then shrinks
    further if the block is still too tall.
    """
    if not text.strip():
        raise InputError("caption text is empty")
    size = font_size
    while True:
        font = load_font(size, style.font)
        stroke = round(size * style.stroke_width)
        pad = max(stroke, round(size * 0.3)) if style.box else stroke
        lines = wrap_lines(text, font, max_width - 2 * pad)
        ascent, descent = font.getmetrics()
        line_height = round((ascent + descent) * 1.15)
        height = line_height * len(lines) + 2 * pad
        too_many = len(lines) > style.max_lines and size > font_size * MIN_SHRINK
        if (not too_many and height <= max_height and _fits(lines, font, max_width - 2 * pad)) or size <= 8:
            break
        size = max(8, int(size * 0.92))
    if height > max_height:
        raise InputError(f"caption {text[:40]!r} does not fit a {max_width}x{max_height} px area")
    width = min(max_width, round(max(font.getlength(line) for line in lines)) + 2 * pad)
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if style.box:
        draw.rounded_rectangle((0, 0, width - 1, height - 1), radius=pad, fill=style.box)
    for row, line in enumerate(lines):
        draw.text(
            (width / 2, pad + row * line_height + line_height / 2),
            line,
            font=font,
            fill=fill or style.fill,
            anchor="mm",
            stroke_width=stroke,
            stroke_fill=style.stroke,
        )
    return image


def place(image_size: tuple[int, int], zone: SafeZone, position: str, padding: int) -> tuple[int, int]:
    """Top-left corner for an image of ``image_size`` centred across ``zone`` at ``position``."""
    width, height = image_size
    x = zone.left + (zone.width - width) // 2
    if position == "top":
        y = zone.top + padding
    elif position == "center":
        y = zone.top + (zone.height - height) // 2
    else:
        y = zone.bottom - padding - height
    return x, y


def caption_overlay(
    text: str, preset: PlatformPreset, start_s: float, end_s: float, out_path: Path, style: CaptionStyle
) -> Overlay:
    """One caption as a PNG placed inside ``preset``'s safe zone for ``start_s <= t < end_s``."""
    zone = preset.safe_zone
    short = min(preset.width, preset.height)
    padding = round(short * style.padding)
    image = render_text(text, zone.width - 2 * padding, zone.height // 2, max(8, round(short * style.size)), style)
    x, y = place(image.size, zone, style.position, padding)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    image.save(out_path)
    return Overlay(out_path, x, y, image.width, image.height, start_s, end_s)


def shot_windows(plan: ShotPlan) -> list[tuple[float, float]]:
    """(start, end) seconds of each shot in the assembled timeline."""
    windows, start = [], 0.0
    for shot in plan.shots:
        windows.append((start, start + shot.duration_s))
        start += shot.duration_s
    return windows


def step_captions(
    plan: ShotPlan, preset: PlatformPreset, out_dir: Path, style: CaptionStyle, *, numbered: bool
) -> list[Overlay]:
    """A caption per shot that has one, shown while that shot plays; ``numbered`` makes each start
    with its step number ("2. ...") unless the planner already numbered it."""
    overlays = []
    for shot, (start, end) in zip(plan.shots, shot_windows(plan), strict=True):
        text = (shot.caption or "").strip()
        if not text:
            continue
        if numbered and not _NUMBERED.match(text):
            text = f"{shot.index + 1}. {text}"
        path = out_dir / f"caption-{preset.id}-{shot.index:02d}.png"
        overlays.append(caption_overlay(text, preset, start, end, path, style))
    return overlays


def _load_logo(path: Path) -> Image.Image:
    try:
        with Image.open(path) as logo:
            return logo.convert("RGBA")
    except FileNotFoundError:
        raise InputError(f"logo {path} does not exist") from None
    except (UnidentifiedImageError, OSError) as exc:
        raise InputError(f"logo {path} is not a readable image: {exc}") from None


def end_card(brand: Brand, preset: PlatformPreset, start_s: float, end_s: float, out_path: Path,
             style: CaptionStyle) -> Overlay:  # fmt: skip
    """A full-frame brand card (background colour, logo, name, call to action) for the video's end;
    everything drawn lies inside the safe zone."""
    zone = preset.safe_zone
    short = min(preset.width, preset.height)
    padding = round(short * style.padding)
    card = Image.new("RGBA", (preset.width, preset.height), brand.background)
    blocks: list[Image.Image] = []
    if brand.logo is not None:
        logo = _load_logo(brand.logo)
        # contain in half the safe zone's width and a third of its height, small logos scaled up too
        scale = min(zone.width * 0.5 / logo.width, zone.height * 0.35 / logo.height)
        logo = logo.resize((max(1, round(logo.width * scale)), max(1, round(logo.height * scale))),
                           Image.Resampling.LANCZOS)  # fmt: skip
        blocks.append(logo)
    name_style = style.model_copy(update={"stroke_width": 0.0, "box": None, "max_lines": 2})
    blocks.append(
        render_text(
            brand.name,
            zone.width - 2 * padding,
            zone.height // 4,
            round(short * 0.08),
            name_style,
            fill=brand.foreground,
        )
    )
    if brand.cta:
        cta_style = name_style.model_copy(update={"box": brand.accent, "max_lines": 2})
        blocks.append(
            render_text(
                brand.cta,
                zone.width - 2 * padding,
                zone.height // 5,
                round(short * 0.055),
                cta_style,
                fill=brand.background,
            )
        )
    if brand.url:
        blocks.append(
            render_text(
                brand.url,
                zone.width - 2 * padding,
                zone.height // 8,
                round(short * 0.035),
                name_style,
                fill=brand.foreground,
            )
        )
    gap = round(short * 0.03)
    total = sum(block.height for block in blocks) + gap * (len(blocks) - 1)
    if total > zone.height - 2 * padding:
        raise InputError(f"the end card for {brand.name!r} does not fit {preset.id}'s safe zone")
    y = zone.top + (zone.height - total) // 2
    for block in blocks:
        x = zone.left + (zone.width - block.width) // 2
        card.alpha_composite(block, (x, y))
        y += block.height + gap
    out_path.parent.mkdir(parents=True, exist_ok=True)
    card.save(out_path)
    return Overlay(out_path, 0, 0, preset.width, preset.height, start_s, end_s)
