"""Burned-in cue captions: inside the safe zone, the spoken word in the highlight colour."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageColor

from botkit.audio.captions import word_cues
from botkit.errors import InputError
from botkit.post.captions import CaptionStyle
from botkit.post.highlight import cue_image, cue_overlays
from botkit.post.presets import PRESETS
from botkit.post.subtitles import HIGHLIGHT, Cue

TIKTOK = PRESETS["tiktok"].scaled(0.5)


def highlighted_pixels(image: Image.Image) -> np.ndarray:
    rgba = np.asarray(image)
    target = np.array(ImageColor.getrgb(HIGHLIGHT))
    return (np.abs(rgba[..., :3].astype(int) - target).sum(axis=2) < 40) & (rgba[..., 3] > 200)


def test_word_cues_become_overlays_inside_the_safe_zone(tmp_path: Path, track) -> None:
    cues = word_cues(track)
    overlays = cue_overlays(cues, TIKTOK, tmp_path)
    assert len(overlays) == len(cues)
    zone = TIKTOK.safe_zone
    for overlay, cue in zip(overlays, cues, strict=True):
        assert zone.contains(overlay.x, overlay.y, overlay.width, overlay.height)
        assert (overlay.start_s, overlay.end_s) == (cue.start_s, cue.end_s)
        assert overlay.image.is_file()


def test_the_spoken_word_is_drawn_in_the_highlight_colour() -> None:
    style_size = 40
    first = cue_image(Cue(start_s=0, end_s=1, text="grab yours today", highlight=(0, 4)), 600, 300, style_size,
                      CaptionStyle())  # fmt: skip
    last = cue_image(Cue(start_s=0, end_s=1, text="grab yours today", highlight=(11, 16)), 600, 300, style_size,
                     CaptionStyle())  # fmt: skip
    columns_first = np.nonzero(highlighted_pixels(first).any(axis=0))[0]
    columns_last = np.nonzero(highlighted_pixels(last).any(axis=0))[0]
    assert len(columns_first) and len(columns_last)
    assert columns_first.max() < first.width / 3  # "grab" sits on the left
    assert columns_last.min() > last.width * 0.6  # "today" on the right
    plain = cue_image(Cue(start_s=0, end_s=1, text="grab yours today"), 600, 300, style_size,
                      CaptionStyle())  # fmt: skip
    assert not highlighted_pixels(plain).any()


def test_a_caption_that_cannot_fit_is_an_error(tmp_path: Path) -> None:
    cue = Cue(start_s=0, end_s=1, text="W" * 400)
    with pytest.raises(InputError, match="too wide"):
        cue_overlays([cue], TIKTOK, tmp_path)
