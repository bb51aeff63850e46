"""The visible marks: a crisp AI badge inside every preset's safe zone, burnt in by ffmpeg through
the overlay fragment; the disclosure lines; upload metadata in each platform's field names."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from botkit.domain import Clip
from botkit.errors import InputError
from botkit.post.decode import read_frames
from botkit.post.encode import encode_platforms
from botkit.post.ffmpeg import run_ffmpeg
from botkit.post.presets import PRESETS
from botkit.provenance.disclosure import ai_generated_line, assistant_intro, language, with_disclosure
from botkit.provenance.label import BadgeStyle, badge_filter, badge_image, badge_overlay
from botkit.provenance.upload import metadata_path, upload_metadata, write_upload_metadata


def test_badge_is_crisp_text_on_a_pill() -> None:
    image = badge_image(54)
    assert image.mode == "RGBA" and image.height == 54 and 54 <= image.width <= 120
    pixels = np.asarray(image)
    alpha = pixels[..., 3]
    assert alpha[0, 0] == 0 and alpha[27, 8] >= 200  # rounded corner clear, the pill solid
    white = (pixels[..., :3].min(axis=2) > 230) & (alpha > 200)
    rows, cols = np.nonzero(white[6:-6, 6:-6])  # the text, inside the border
    assert white.sum() > 150 and np.ptp(rows) > 20 and np.ptp(cols) > 20
    with pytest.raises(ValueError, match="at least 12 px"):
        badge_image(8)


@pytest.mark.parametrize("corner", ["top-left", "top-right", "bottom-left", "bottom-right"])
@pytest.mark.parametrize("platform", sorted(PRESETS))
def test_badge_lies_inside_every_safe_zone(platform: str, corner: str, tmp_path: Path) -> None:
    preset = PRESETS[platform]
    overlay = badge_overlay(preset, tmp_path / "badge.png", style=BadgeStyle(corner=corner))
    assert preset.safe_zone.contains(overlay.x, overlay.y, overlay.width, overlay.height)
    with Image.open(overlay.image) as image:
        assert image.size == (overlay.width, overlay.height)
    zone = preset.safe_zone
    near_x = overlay.x - zone.left if corner.endswith("left") else zone.right - overlay.x - overlay.width
    near_y = overlay.y - zone.top if corner.startswith("top") else zone.bottom - overlay.y - overlay.height
    assert near_x == near_y == round(min(preset.width, preset.height) * 0.02)


def _grey_clip(frames: int = 8, size: tuple[int, int] = (216, 384)) -> Clip:
    return Clip(np.full((frames, size[1], size[0], 3), 128, np.uint8), 8)


def test_filter_fragment_burns_the_badge_in_with_ffmpeg(tmp_path: Path) -> None:
    preset = PRESETS["tiktok"].scaled(0.2)
    overlay = badge_overlay(preset, tmp_path / "badge.png", style=BadgeStyle(height=0.1))
    graph = badge_filter(overlay, video_in="0:v", badge_in="1:v", video_out="v")
    clip = _grey_clip(size=(preset.width, preset.height))
    out = tmp_path / "badged.mp4"
    run_ffmpeg(["-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{preset.width}x{preset.height}", "-r", "8",
                "-i", "pipe:0", "-i", str(overlay.image), "-filter_complex", graph, "-map", "[v]",
                "-c:v", "libx264", "-pix_fmt", "yuv420p", str(out)], stdin=clip.frames.tobytes())  # fmt: skip
    frames = read_frames(out).frames
    for frame in (frames[0], frames[-1]):
        box = frame[overlay.y : overlay.y + overlay.height, overlay.x : overlay.x + overlay.width].astype(int)
        assert (box.min(axis=2) > 200).sum() > 30  # white text
        assert (box.max(axis=2) < 80).sum() > 30  # dark pill
        outside = frame[overlay.y + overlay.height + 4 :, :].astype(int)
        assert np.abs(outside - 128).max() < 12  # nothing drawn elsewhere


def test_badge_overlay_works_with_post_encoder_time_window(tmp_path: Path) -> None:
    preset = PRESETS["tiktok"].scaled(0.2)
    overlay = badge_overlay(preset, tmp_path / "badge.png", style=BadgeStyle(height=0.1), start_s=0.5, end_s=1e9)
    [video] = encode_platforms(_grey_clip(16, (preset.width, preset.height)), [preset], tmp_path, mode="crop",
                               overlays={preset.id: [overlay]})  # fmt: skip
    frames = read_frames(video.video).frames
    region = (slice(overlay.y, overlay.y + overlay.height), slice(overlay.x, overlay.x + overlay.width))
    assert np.abs(frames[2][region].astype(int) - 128).max() < 12  # before 0.5 s: no badge
    assert (frames[-1][region].min(axis=2) > 200).sum() > 30
    assert "enable=" in badge_filter(overlay, video_in="a", badge_in="b", video_out="c")


def test_disclosure_lines() -> None:
    assert ai_generated_line() == "AI-generated video"
    assert ai_generated_line("de-AT") == "KI-generiertes Video"
    assert language("pt-BR") == "en" and language(None) == "en"
    intro = assistant_intro("Shoe bot")
    assert intro.startswith("Hi! I'm Shoe bot, an AI assistant.")
    assert "KI-Assistent" in assistant_intro(lang="de")
    text = with_disclosure("New trail shoes, out now")
    assert text == "New trail shoes, out now\n\nAI-generated video"
    assert with_disclosure(text) == text  # once only
    short = with_disclosure("x" * 500, max_chars=60)
    assert len(short) == 60 and short.endswith("…\n\nAI-generated video")
    moved = with_disclosure("AI-generated video. " + "y" * 100, max_chars=50)
    assert len(moved) <= 50 and moved.endswith("AI-generated video")
    assert with_disclosure("") == "AI-generated video"


def test_upload_metadata_uses_each_platforms_field_names(tmp_path: Path) -> None:
    video = tmp_path / "video-tiktok.mp4"
    video.write_bytes(b"\0")
    path = write_upload_metadata(video, title="Trail <shoes>", description="Grip for wet rock.", platform="tiktok")
    assert path == metadata_path(video) == tmp_path / "video-tiktok.upload.json"
    data = json.loads(path.read_text())
    assert data["youtube"]["status"]["containsSyntheticMedia"] is True
    assert data["youtube"]["snippet"]["title"] == "Trail ‹shoes›"  # YouTube refuses < and >
    assert data["youtube"]["snippet"]["description"].endswith("AI-generated video")
    assert data["tiktok"]["post_info"] == {"title": "Grip for wet rock.\n\nAI-generated video", "is_aigc": True}
    assert data["meta"]["instagram"]["media_type"] == "REELS"
    assert data["meta"]["instagram"]["caption"].endswith("AI-generated video")
    assert data["meta"]["facebook_reels"]["description"].endswith("AI-generated video")
    assert data["botkit"]["digital_source_type"].endswith("/trainedAlgorithmicMedia")
    assert not list(tmp_path.glob(".*"))
    with pytest.raises(InputError, match="no video"):
        write_upload_metadata(tmp_path / "gone.mp4", title="t")


def test_upload_metadata_limits_keep_the_disclosure() -> None:
    long = "ü" * 6000  # two bytes each in UTF-8
    data = upload_metadata(Path("v.mp4"), title="t" * 300, description=long, composite=True, lang="fr")
    assert len(data.youtube["snippet"]["title"]) == 100
    description = data.youtube["snippet"]["description"]
    assert len(description.encode()) <= 5000 and description.endswith("Vidéo générée par IA")
    caption = data.tiktok["post_info"]["title"]
    assert len(caption.encode("utf-16-le")) // 2 <= 2200 and caption.endswith("Vidéo générée par IA")
    assert data.botkit["digital_source_type"].endswith("/compositeWithTrainedAlgorithmicMedia")
    plain = upload_metadata(Path("v.mp4"), title="Our shop", ai_generated=False)
    assert plain.youtube["status"]["containsSyntheticMedia"] is False and plain.tiktok["post_info"]["is_aigc"] is False
