"""Discovery through the botkit.skills entry-point group, validation at load, hook calls."""

from __future__ import annotations

import pytest

from botkit.agent import OfflinePlanner, PlanRequest
from botkit.domain import Output
from botkit.skills import SkillHookError, SkillLoadError, SkillRegistry, load_skills, validate_skill
from tests.skills import sample_skills as sample

BUILTINS = {"marketing", "social", "storyboard", "training"}


def test_builtins_load_through_entry_points() -> None:
    registry = load_skills()
    assert BUILTINS <= set(registry.names())
    assert not registry.refused
    for skill in registry:
        described = skill.describe()
        assert described["args_schema"]["type"] == "object"
        assert "properties" in described["config_schema"]


@pytest.mark.parametrize(
    ("candidate", "message"),
    [
        (sample.NotASkill, "is not a botkit.skills.Skill"),
        (sample.BadName, "has name 'Bad Name!'"),
        (sample.FutureSkill, "needs skills API v2; this botkit provides v1"),
        (
            sample.UnknownHookArgument,
            "hook plan takes unknown argument 'workspace'; it may take any of: draft, request",
        ),
        (sample.StarArgs, "hook post_process takes *things"),
        (sample.BadKeyword, "keyword pattern '(unclosed' is not a valid regular expression"),
        (sample.BadConfig, "Config must be a subclass of botkit.skills.SkillConfig"),
        (sample.NeedsConfig, "Config needs a JSON schema and defaults for every field"),
        (sample.NoDescription, "description must be a non-empty string"),
    ],
)
def test_broken_skills_are_refused_with_the_reason(candidate: object, message: str) -> None:
    with pytest.raises(SkillLoadError, match=message.replace("*", r"\*").replace("(", r"\(")):
        validate_skill(candidate)


def test_a_broken_skill_is_refused_and_the_others_still_load(install_skills) -> None:
    install_skills(
        {
            "recipe": "tests.skills.sample_skills:RecipeSkill",
            "future": "tests.skills.sample_skills:FutureSkill",
            "missing": "tests.skills.broken_import:Anything",
            "wrong-name": "tests.skills.sample_skills:RaisingSkill",
        }
    )
    registry = load_skills()
    assert BUILTINS | {"recipe"} <= set(registry.names())
    assert not {"future", "missing", "wrong-name", "raising"} & set(registry.names())
    reasons = "\n".join(registry.refused.values())
    assert "'future'" in reasons and "needs skills API v2" in reasons
    assert "'missing'" in reasons and "failed to import: ModuleNotFoundError" in reasons
    assert "entry point 'wrong-name'" in reasons and "names skill 'raising'" in reasons
    # the planner routes to the new skill by its keywords, in any of its languages
    planner = OfflinePlanner(skills=registry)
    plan = planner.plan(PlanRequest(text="una receta de tortilla: 1. batir huevos 2. freír patatas 3. cuajar"))
    assert plan.skill == "recipe" and plan.platforms == ["reels"] and len(plan.shots) == 3
    assert plan.shots[0].caption == "1. batir huevos"


def test_duplicate_names_are_refused() -> None:
    registry = SkillRegistry([sample.RecipeSkill, sample.RecipeSkill()])
    assert registry.names() == ["recipe"]
    assert "already taken" in next(iter(registry.refused.values()))


def test_hooks_get_the_subset_of_arguments_they_ask_for() -> None:
    registry = SkillRegistry([*load_skills(), sample.RecipeSkill])
    planner = OfflinePlanner(skills=registry)
    plan = planner.plan(PlanRequest(text="a recipe video", skill="recipe", args={"dish": "paella"}))
    assert plan.title == "Recipe: paella"


def test_bad_arguments_and_config_name_the_field() -> None:
    planner = OfflinePlanner(skills=SkillRegistry([*load_skills(), sample.RecipeSkill]))
    with pytest.raises(ValueError, match="bad argument dish for skill 'recipe'"):
        planner.plan(PlanRequest(text="a recipe", skill="recipe", args={"dish": 5}))
    with pytest.raises(ValueError, match="bad argument spice for skill 'recipe'"):
        planner.plan(PlanRequest(text="a recipe", skill="recipe", args={"spice": "saffron"}))
    with pytest.raises(ValueError, match="bad config colours for skill 'marketing'"):
        planner.plan(PlanRequest(text="an ad", skill="marketing", config={"colours": ["red"]}))


def test_a_raising_skill_gives_a_clear_error() -> None:
    planner = OfflinePlanner(skills=SkillRegistry([sample.RaisingSkill, sample.InvalidPlanSkill]))
    with pytest.raises(
        SkillHookError, match=r"the 'raising' skill failed while running its plan step \(RuntimeError: brand kit"
    ):
        planner.plan(PlanRequest(text="anything", skill="raising"))
    with pytest.raises(SkillHookError, match=r"made an invalid plan: shots\.0\.duration_s"):
        planner.plan(PlanRequest(text="anything", skill="invalid-plan"))


def test_post_process_hook() -> None:
    registry = load_skills()
    plan = OfflinePlanner(skills=registry).plan(PlanRequest(text="a promo"))
    outputs = [Output(platform="youtube", path="v.mp4", width=1920, height=1080, fps=30, duration_s=15, poster="p.png")]
    assert registry.post_process(plan, outputs) == outputs  # marketing has no post_process hook: unchanged
    assert SkillRegistry([sample.RecipeSkill]).post_process(plan, outputs) == outputs  # skill since uninstalled


def test_the_readme_example_skill_is_valid_and_plans() -> None:
    import re
    from pathlib import Path

    import botkit.skills.builtin as botkit_skills

    readme = Path(botkit_skills.__file__).with_name("README.md").read_text(encoding="utf-8")
    code = re.search(r"```python\n(.*?)```", readme, re.S).group(1)
    namespace: dict = {}
    exec(compile(code, "skills/README.md", "exec"), namespace)
    skill = validate_skill(namespace["RecipeSkill"])
    registry = SkillRegistry([*load_skills(), skill])
    plan = OfflinePlanner(skills=registry).plan(
        PlanRequest(text="a recipe video: 1. chop onions 2. fry them", args={"dish": "onion jam"})
    )
    assert (plan.skill, plan.title, plan.platforms) == ("recipe", "Recipe: onion jam", ["reels"])
    assert [s.prompt for s in plan.shots] == ["step 1: chop onions", "step 2: fry them"]
