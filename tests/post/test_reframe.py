"""Every reframe mode from odd source sizes: exact even output, square pixels, picture where expected."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, features

from botkit.domain import Clip
from botkit.post.captions import CaptionStyle, render_text
from botkit.post.decode import read_frames
from botkit.post.encode import encode_platforms
from botkit.post.presets import PRESETS, PlatformPreset
from botkit.post.preview import contact_sheet, write_preview
from botkit.post.probe import probe

VERTICAL = PlatformPreset(id="v", name="vertical", width=90, height=160, fps=24, max_duration_s=60)


def centre_marked(width: int, height: int, frames: int = 12) -> Clip:
    """Grey frames with a green block at the centre."""
    data = np.full((frames, height, width, 3), 100, np.uint8)
    cy, cx = height // 2, width // 2
    data[:, cy - height // 6 : cy + height // 6, cx - width // 12 : cx + width // 12] = (0, 220, 0)
    return Clip(data, 12)


@pytest.mark.parametrize("mode", ["crop", "blur-pad", "follow"])
@pytest.mark.parametrize("size", [(101, 57), (99, 99), (57, 101)])
def test_odd_sources_give_exact_geometry_in_every_mode(tmp_path: Path, mode: str, size: tuple[int, int]) -> None:
    [video] = encode_platforms(centre_marked(*size), [VERTICAL], tmp_path, mode=mode)
    info = probe(video.video)
    assert (info.width, info.height, info.sar, info.pix_fmt, info.frames) == (90, 160, "1:1", "yuv420p", 24)
    frame = read_frames(video.video).frames[12]
    green = (frame[:, :, 1] > 180) & (frame[:, :, 0] < 80)
    rows, cols = np.nonzero(green)
    assert green.sum() > 30
    # the centre of the source stays at the centre of the output (no stretch, no shift)
    assert abs(rows.mean() - 80) < 4 and abs(cols.mean() - 45) < 4


def test_blur_pad_fill_is_not_stretched_picture(tmp_path: Path) -> None:
    [video] = encode_platforms(centre_marked(160, 90), [VERTICAL], tmp_path, mode="blur-pad")
    frame = read_frames(video.video).frames[5].astype(int)
    # the fitted picture is 90x50 in the middle; above it only the blurred fill
    assert np.abs(frame[5:50] - 100).max() < 60 and frame[5:50, :, 1].max() < 200


def test_many_platforms_one_run(tmp_path: Path) -> None:
    presets = [PRESETS[p].scaled(0.1) for p in ("tiktok", "youtube", "instagram-feed", "instagram-portrait", "x")]
    videos = encode_platforms(centre_marked(128, 72, frames=24), presets, tmp_path, mode="auto")
    for video, preset in zip(videos, presets, strict=True):
        info = probe(video.video)
        assert (info.width, info.height, info.frames) == (preset.width, preset.height, 2 * preset.fps)
    assert [v.mode for v in videos] == ["blur-pad", "crop", "blur-pad", "blur-pad", "crop"]


@pytest.mark.skipif(not features.check("raqm"), reason="Pillow built without raqm")
def test_complex_scripts_are_shaped() -> None:
    arabic = render_text("مرحبا بالعالم", 400, 200, 40, CaptionStyle())
    assert np.asarray(arabic)[:, :, 3].max() == 255 and arabic.width > 100


def test_preview_and_contact_sheet(tmp_path: Path) -> None:
    clip = centre_marked(160, 90, frames=48)
    for i in range(48):  # something moves, so no two preview frames are the same
        clip.frames[i, :4, : 3 * i + 3] = 255
    webp = write_preview(clip, tmp_path / "p.webp", width=80, fps=6)
    with Image.open(webp) as image:
        assert image.format == "WEBP" and image.n_frames == 24 and image.size == (80, 45)
    sheet = contact_sheet(clip, tmp_path / "c.png", count=8, columns=4, thumb_width=100)
    with Image.open(sheet) as image:
        assert image.size == (4 * 104 + 4, 2 * (56 + 18 + 4) + 4)
