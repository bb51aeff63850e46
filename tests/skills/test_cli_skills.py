"""``botkit skills list``, and a failing skill answered clearly by ``botkit chat``."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from botkit.channels.cli.skills import app

runner = CliRunner()


def test_list_shows_the_builtins() -> None:
    result = runner.invoke(app, ["list"])
    assert result.exit_code == 0
    for name in ("marketing", "social", "storyboard", "training"):
        assert name in result.output


def test_list_json_has_the_schemas() -> None:
    result = runner.invoke(app, ["list", "--json"])
    payload = json.loads(result.output)
    skills = {skill["name"]: skill for skill in payload["skills"]}
    assert "cta" in skills["marketing"]["args_schema"]["properties"]
    assert "colours" in skills["marketing"]["config_schema"]["properties"]
    assert payload["refused"] == {}


def test_a_refused_skill_is_listed_with_its_reason(install_skills) -> None:
    install_skills(
        {"future": "tests.skills.sample_skills:FutureSkill", "recipe": "tests.skills.sample_skills:RecipeSkill"}
    )
    result = runner.invoke(app, ["list"])
    assert result.exit_code == 1
    assert "recipe" in result.stdout
    assert "refused:" in result.stderr and "needs skills API v2" in result.stderr


def test_chat_with_a_raising_skill_answers_with_a_clear_error(install_skills, tmp_path) -> None:
    from botkit.channels.cli import app as botkit_app

    install_skills({"raising": "tests.skills.sample_skills:RaisingSkill"})
    result = runner.invoke(
        botkit_app, ["chat", "a promo for our lamp", "--skill", "raising", "--dry-run", "--data-dir", str(tmp_path)]
    )
    assert result.exit_code == 2
    assert "the 'raising' skill failed while running its plan step" in result.stderr
    assert "Traceback" not in result.output
