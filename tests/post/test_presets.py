"""Platform presets: the shipped data, safe zones, and user overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

from botkit.domain import PLATFORM_IDS
from botkit.errors import InputError
from botkit.post.presets import PRESETS, load_presets, preset_for


def test_every_platform_has_a_preset_with_its_spec() -> None:
    assert set(PLATFORM_IDS) <= set(PRESETS)
    for platform in ("tiktok", "reels", "shorts"):
        assert (PRESETS[platform].width, PRESETS[platform].height, PRESETS[platform].aspect_label) == (
            1080,
            1920,
            "9:16",
        )
    assert (PRESETS["youtube"].width, PRESETS["youtube"].height) == (1920, 1080)
    assert (PRESETS["instagram-feed"].width, PRESETS["instagram-feed"].height) == (1080, 1080)
    assert (PRESETS["instagram-portrait"].width, PRESETS["instagram-portrait"].height) == (1080, 1350)
    for preset in PRESETS.values():
        assert preset.fps_min <= preset.fps <= preset.fps_max
        assert preset.width % 2 == 0 and preset.height % 2 == 0


def test_safe_zones_keep_clear_of_platform_ui() -> None:
    tiktok = PRESETS["tiktok"].safe_zone
    assert (tiktok.top, tiktok.bottom, tiktok.right) == (150, 1920 - 480, 1080 - 150)
    reels = PRESETS["reels"].safe_zone
    assert reels.top == round(0.14 * 1920) and reels.bottom == 1920 - round(0.35 * 1920)
    assert PRESETS["instagram-feed"].safe_zone.left == 64


def test_user_overrides_change_only_named_values(tmp_path: Path) -> None:
    override = tmp_path / "presets.toml"
    override.write_text('[tiktok]\nfps = 60\nsafe_bottom = 500\n\n[mastodon]\nname = "Mastodon"\nwidth = 1280\n'
                        'height = 720\nfps = 30\nmax_duration_s = 120\n')  # fmt: skip
    presets = load_presets(override)
    assert presets["tiktok"].fps == 60 and presets["tiktok"].safe_bottom == 500
    assert presets["tiktok"].width == 1080  # untouched
    assert presets["mastodon"].width == 1280
    assert preset_for("mastodon", presets).name == "Mastodon"
    assert PRESETS["tiktok"].fps == 30  # the defaults are not changed


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[tiktok]\nfps = 90\n", "fps 90 outside"),
        ("[tiktok]\nwidth = 1081\n", "even"),
        ("[tiktok]\nsafe_bottom = 1900\n", "safe zone"),
        ("[tiktok]\ncolour = 1\n", "invalid"),
        ("[tiktok\n", "not valid TOML"),
    ],
)
def test_bad_overrides_are_input_errors(tmp_path: Path, text: str, message: str) -> None:
    override = tmp_path / "bad.toml"
    override.write_text(text)
    with pytest.raises(InputError, match=message):
        load_presets(override)


def test_unknown_platform_names_the_choices() -> None:
    with pytest.raises(InputError, match="tiktok"):
        preset_for("myspace")
