"""Skills for the SDK tests: one good, several broken in the ways authors break them."""

from __future__ import annotations

from botkit.domain import ShotPlan
from botkit.skills import API_VERSION, PlanDefaults, Skill, SkillArgs, SkillConfig


class RecipeArgs(SkillArgs):
    dish: str | None = None


class RecipeSkill(Skill):
    name = "recipe"
    description = "Cooking videos: one shot per step of a recipe."
    priority = 1
    keywords = (r"\brecipe\b|\breceta\b|\brecette\b|\brezept\b",)
    defaults = PlanDefaults(
        platforms=("reels",),
        total_s=None,
        shot_s=2.5,
        shots=4,
        captions=True,
        shot_per="step",
        caption_style="numbered",
    )
    Args = RecipeArgs

    def plan(self, draft: ShotPlan, args: RecipeArgs) -> ShotPlan:  # a subset of the spec's arguments
        if args.dish:
            return draft.model_copy(update={"title": f"Recipe: {args.dish}"})
        return draft


class RaisingSkill(Skill):
    name = "raising"
    description = "Fails in its plan hook."

    def plan(self, draft: ShotPlan) -> ShotPlan:
        raise RuntimeError("brand kit service unreachable")


class InvalidPlanSkill(Skill):
    name = "invalid-plan"
    description = "Returns a plan that breaks the limits."

    def plan(self, draft: ShotPlan) -> ShotPlan:
        draft.shots[0].duration_s = 99  # in place: pydantic does not check assignment
        return draft


class NotASkill:
    name = "plain"


class BadName(Skill):
    name = "Bad Name!"
    description = "x"


class FutureSkill(Skill):
    name = "future"
    description = "Written for a newer SDK."
    api_version = API_VERSION + 1


class UnknownHookArgument(Skill):
    name = "unknown-arg"
    description = "Its hook asks for something the host does not pass."

    def plan(self, draft: ShotPlan, workspace: str) -> ShotPlan:
        return draft


class StarArgs(Skill):
    name = "star-args"
    description = "Its hook takes *args."

    def post_process(self, *things):  # type: ignore[no-untyped-def]
        return None


class BadKeyword(Skill):
    name = "bad-keyword"
    description = "Broken regular expression."
    keywords = (r"(unclosed",)


class BadConfig(Skill):
    name = "bad-config"
    description = "Config is not a SkillConfig."
    Config = dict  # type: ignore[assignment]


class RequiredConfigField(SkillConfig):
    api_token: str  # no default: the host could not build an empty config


class NeedsConfig(Skill):
    name = "needs-config"
    description = "Config has a required field."
    Config = RequiredConfigField


class NoDescription(Skill):
    name = "nodesc"
    description = "   "


raise_on_import = None  # see broken_import.py
