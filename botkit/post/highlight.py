"""Burned-in captions from timed cues: one PNG overlay per cue inside the platform's safe zone,
the spoken word drawn in the highlight colour for word-by-word captions (social), plain for line
captions. Drawn with the same font, wrap and placement as ``botkit.post.captions``."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

from botkit.errors import InputError
from botkit.post.captions import MIN_SHRINK, CaptionStyle, Overlay, load_font, place, wrap_lines
from botkit.post.presets import PlatformPreset
from botkit.post.subtitles import HIGHLIGHT, Cue


def _layout(words: list[str], font, max_width: float) -> list[list[int]]:
    """Word indices per line, wrapped by measured width (a word is never split here)."""
    lines: list[list[int]] = [[]]
    for index in range(len(words)):
        candidate = " ".join(words[i] for i in [*lines[-1], index])
        if lines[-1] and font.getlength(candidate) > max_width:
            lines.append([])
        lines[-1].append(index)
    return lines


def cue_image(cue: Cue, max_width: int, max_height: int, font_size: int, style: CaptionStyle,
              highlight: str = HIGHLIGHT) -> Image.Image:  # fmt: skip
    """The cue's text as RGBA, the highlighted word (if any) in ``highlight``."""
    words = cue.text.split()
    if not words:
        raise InputError("caption text is empty")
    marked: set[int] = set()
    if cue.highlight is not None:
        cursor = 0
        for index, word in enumerate(words):
            start = cue.text.index(word, cursor)
            cursor = start + len(word)
            if start < cue.highlight[1] and cursor > cue.highlight[0]:
                marked.add(index)
    size = font_size
    while True:
        font = load_font(size, style.font)
        stroke = round(size * style.stroke_width)
        pad = max(stroke, round(size * 0.3)) if style.box else stroke
        lines = _layout(words, font, max_width - 2 * pad)
        ascent, descent = font.getmetrics()
        line_height = round((ascent + descent) * 1.15)
        height = line_height * len(lines) + 2 * pad
        widest = max(font.getlength(" ".join(words[i] for i in line)) for line in lines)
        too_many = len(lines) > style.max_lines and size > font_size * MIN_SHRINK
        if (not too_many and height <= max_height and widest <= max_width - 2 * pad) or size <= 8:
            break
        size = max(8, int(size * 0.92))
    if height > max_height or widest > max_width - 2 * pad:
        if len(wrap_lines(cue.text, font, max_width - 2 * pad)) > len(lines):
            raise InputError(f"caption {cue.text[:40]!r} has a word too wide for a {max_width} px caption")
        raise InputError(f"caption {cue.text[:40]!r} does not fit a {max_width}x{max_height} px area")
    width = min(max_width, round(widest) + 2 * pad)
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if style.box:
        draw.rounded_rectangle((0, 0, width - 1, height - 1), radius=pad, fill=style.box)
    space = font.getlength(" ")
    for row, line in enumerate(lines):
        text = " ".join(words[i] for i in line)
        x = (width - font.getlength(text)) / 2
        y = pad + row * line_height + line_height / 2
        for index in line:
            fill = highlight if index in marked else style.fill
            draw.text((x, y), words[index], font=font, fill=fill, anchor="lm", stroke_width=stroke,
                      stroke_fill=style.stroke)  # fmt: skip
            x += font.getlength(words[index]) + space
    return image


def cue_overlays(cues: list[Cue], preset: PlatformPreset, out_dir: Path, style: CaptionStyle | None = None,
                 *, highlight: str = HIGHLIGHT) -> list[Overlay]:  # fmt: skip
    """One overlay per cue, shown ``cue.start_s <= t < cue.end_s``, inside ``preset``'s safe zone."""
    style = style or CaptionStyle()
    zone = preset.safe_zone
    short = min(preset.width, preset.height)
    padding = round(short * style.padding)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    overlays = []
    for index, cue in enumerate(cues):
        image = cue_image(cue, zone.width - 2 * padding, zone.height // 3, max(8, round(short * style.size)), style,
                          highlight)  # fmt: skip
        x, y = place(image.size, zone, style.position, padding)
        path = out_dir / f"cue-{preset.id}-{index:04d}.png"
        image.save(path)
        overlays.append(Overlay(path, x, y, image.width, image.height, cue.start_s, cue.end_s))
    return overlays
