"""Captions and end cards: word wrap, legibility, placement inside safe zones, bad fonts and logos."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from botkit.errors import InputError
from botkit.post.captions import (
    Brand,
    CaptionStyle,
    caption_overlay,
    end_card,
    load_font,
    render_text,
    wrap_lines,
)
from botkit.post.presets import PRESETS

LONG = "Unplug the router from the wall socket and wait for every light on the front to go dark"


def test_wrap_never_breaks_words_and_fits_the_width() -> None:
    font = load_font(40)
    lines = wrap_lines(LONG, font, 400)
    assert len(lines) > 2
    assert " ".join(lines).split() == LONG.split()  # every word whole, in order
    assert all(font.getlength(line) <= 400 for line in lines)


def test_a_word_wider_than_the_line_is_split_only_then() -> None:
    font = load_font(40)
    lines = wrap_lines("Donaudampfschifffahrtsgesellschaft ok", font, 200)
    assert len(lines) >= 2 and "".join(lines).replace(" ", "") == "Donaudampfschifffahrtsgesellschaftok"
    assert all(font.getlength(line) <= 200 for line in lines)


def test_text_block_shrinks_to_max_lines() -> None:
    style = CaptionStyle(max_lines=2)
    image = render_text(LONG, 600, 400, 48, style)
    assert image.width <= 600 and image.height <= 400
    alpha = np.asarray(image)[:, :, 3]
    assert alpha.max() == 255 and alpha.min() == 0  # text on transparent


@pytest.mark.parametrize("platform", ["tiktok", "reels", "shorts", "youtube", "instagram-feed", "x"])
@pytest.mark.parametrize("position", ["bottom", "top", "center"])
def test_caption_lies_inside_the_safe_zone(tmp_path: Path, platform: str, position: str) -> None:
    preset = PRESETS[platform]
    overlay = caption_overlay(LONG, preset, 0, 1, tmp_path / "c.png", CaptionStyle(position=position))
    assert preset.safe_zone.contains(overlay.x, overlay.y, overlay.width, overlay.height)
    assert Image.open(overlay.image).size == (overlay.width, overlay.height)


def test_box_style_draws_an_opaque_backing(tmp_path: Path) -> None:
    style = CaptionStyle(box="#000000C0")
    overlay = caption_overlay("Step two", PRESETS["youtube"], 0, 1, tmp_path / "c.png", style)
    alpha = np.asarray(Image.open(overlay.image))[:, :, 3]
    assert (alpha[alpha.shape[0] // 2] >= 0xC0).mean() > 0.8


def test_end_card_draws_logo_and_cta_inside_the_safe_zone(tmp_path: Path) -> None:
    logo = tmp_path / "logo.png"
    Image.new("RGB", (200, 100), (0, 200, 0)).save(logo)
    preset = PRESETS["tiktok"]
    brand = Brand(name="Trailblazer", cta="Shop now", logo=logo, background="#102030", accent="#FF8800")
    overlay = end_card(brand, preset, 8, 10, tmp_path / "card.png", CaptionStyle())
    card = np.asarray(Image.open(overlay.image).convert("RGB")).astype(int)
    background = np.all(card == (0x10, 0x20, 0x30), axis=2)
    drawn = np.argwhere(~background)
    zone = preset.safe_zone
    assert drawn[:, 0].min() >= zone.top and drawn[:, 0].max() < zone.bottom
    assert drawn[:, 1].min() >= zone.left and drawn[:, 1].max() < zone.right
    assert np.all(card == (0, 200, 0), axis=2).sum() > 1000  # the logo
    assert np.all(card == (0xFF, 0x88, 0x00), axis=2).sum() > 1000  # the CTA button


def test_missing_font_logo_and_bad_colour_are_input_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        load_font(20, tmp_path / "nope.ttf")
    not_a_font = tmp_path / "bad.ttf"
    not_a_font.write_bytes(b"not a font")
    with pytest.raises(InputError, match="could not be read"):
        render_text("hi", 100, 100, 20, CaptionStyle(font=not_a_font))
    with pytest.raises(InputError, match="logo"):
        end_card(Brand(name="x", logo=tmp_path / "none.png"), PRESETS["x"], 0, 1, tmp_path / "c.png", CaptionStyle())
    with pytest.raises(ValueError, match="not a colour"):
        Brand(name="x", accent="blurple")
