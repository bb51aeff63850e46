"""A deployment's skill configs (BOTKIT_SKILLS_CONFIG): loading, precedence, and the brand kit's
end card reaching the rendered video."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from botkit.errors import InputError
from botkit.post.decode import read_frames
from botkit.skills import load_skills
from botkit.skills.configs import load_skill_configs

BRAND = """
[marketing]
brand_name = "Lumo"
colours = ["#FF6600", "#222222"]
logo = "brand/logo.png"
cta = "Shop now"
url = "lumo.example"
"""


def write_config(tmp_path: Path, text: str = BRAND) -> Path:
    (tmp_path / "brand").mkdir(exist_ok=True)
    Image.new("RGB", (64, 32), (30, 30, 200)).save(tmp_path / "brand" / "logo.png")
    path = tmp_path / "skills.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_configs_load_resolve_paths_and_apply_unless_a_request_brings_its_own(tmp_path: Path) -> None:
    skills = load_skills()
    load_skill_configs(write_config(tmp_path), skills)
    config = skills.config_for("marketing")
    assert config.brand_name == "Lumo"  # type: ignore[attr-defined]
    assert config.logo == (tmp_path / "brand" / "logo.png").resolve()  # type: ignore[attr-defined]
    assert skills.config_for("marketing", {"brand_name": "Other"}).brand_name == "Other"  # type: ignore[attr-defined]
    assert skills.config_for("social") == skills.get("social").parse_config(None)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[marketing\nbrand_name = 1", "is not valid TOML"),
        ("[painting]\nbrand_name = 'x'", "[painting] is not an installed skill; installed: "),
        ("marketing = 3", "marketing must be a table"),
        ("[marketing]\ncolours = ['orange']", "[marketing] colours: Value error, colours must look like #1A2B3C"),
        ("[marketing]\nfont = 'Comic'", "[marketing] font: Extra inputs are not permitted"),
        ("[marketing]\nlogo = 'missing.png'", "[marketing] logo: "),
    ],
)
def test_bad_configs_say_which_file_table_and_field(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        load_skill_configs(write_config(tmp_path, text), load_skills())
    assert str(caught.value).startswith(f"skills config {tmp_path / 'skills.toml'}: ") or "not valid TOML" in message
    assert message in str(caught.value)


def test_missing_config_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        load_skill_configs(tmp_path / "nope.toml", load_skills())


def test_brand_kit_end_card_is_drawn_at_the_end_of_the_video(tmp_path: Path, tiny_engine) -> None:
    from botkit.bot import Bot
    from botkit.settings import Settings

    settings = Settings(data_dir=tmp_path / "data", engine="tiny-wan", skills_config=write_config(tmp_path))
    bot = Bot.open(settings, engine=tiny_engine)
    turn = bot.plan("a 4 second promo for our desk lamp with a call to action", platforms=["instagram-feed"])
    assert turn.plan.skill == "marketing" and turn.plan.end_card is not None
    assert turn.plan.end_card.logo == str((tmp_path / "brand" / "logo.png").resolve())
    turn = bot.render(turn)
    (output,) = turn.outputs
    frames = read_frames(bot.assets.path(output.path)).frames
    first, last = frames[0].astype(int), frames[-1].astype(int)
    orange = np.array([255, 102, 0])
    # the last frame is the card: mostly the brand's background colour, with the logo's blue in it
    assert (np.abs(last - orange).sum(-1) < 60).mean() > 0.5
    assert (np.abs(last - np.array([30, 30, 200])).sum(-1) < 60).mean() > 0.01
    assert (np.abs(first - orange).sum(-1) < 60).mean() < 0.5  # the video itself is not the card
