"""botkit.testing: a skill author's harness, used here the way an author would."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from botkit.skills import SkillHookError, SkillLoadError
from botkit.store import models
from botkit.testing import SkillHarness
from tests.skills.sample_skills import FutureSkill, RaisingSkill, RecipeSkill


def test_an_uninstalled_skill_plans_and_renders(tmp_path: Path) -> None:
    harness = SkillHarness(RecipeSkill, tmp_path)
    plan = harness.plan("recipe: 1. crack eggs 2. whisk", args={"dish": "omelette"})
    assert plan.skill == "recipe" and plan.title == "Recipe: omelette"
    assert [s.caption for s in plan.shots] == ["1. crack eggs", "2. whisk"]
    assert harness.send("a 15 second promo for our lamp", skill="").plan.skill == "marketing"  # routing

    result = harness.send("recipe: 1. crack eggs 2. whisk", args={"duration_s": 1}, render=True)
    (output,) = result.outputs
    assert (output.platform, output.width, output.height) == ("reels", 1080, 1920)
    assert output.duration_s == pytest.approx(1.0, abs=0.05)
    assert Path(output.path).is_file() and Path(output.poster).is_file()
    assert "2 shot(s), 1 s, for reels" in result.reply
    harness.close()


def test_a_broken_skill_is_refused_by_the_harness(tmp_path: Path) -> None:
    with pytest.raises(SkillLoadError, match="needs skills API v2"):
        SkillHarness(FutureSkill, tmp_path)


def test_a_raising_skill_fails_clearly_and_writes_nothing(tmp_path: Path) -> None:
    harness = SkillHarness(RaisingSkill, tmp_path)
    with pytest.raises(SkillHookError, match="'raising' skill failed while running its plan step"):
        harness.send("anything at all", images=[harness.image("a.png")])
    with harness.bot.repo.sessions() as session:
        assert session.scalar(select(func.count()).select_from(models.Conversation)) == 0
    harness.close()
