"""The skills SDK: declare a kind of video bot (``Skill``), its schemas, defaults and hooks.

A skill is a ``Skill`` subclass registered under the ``botkit.skills`` entry-point group::

    [project.entry-points."botkit.skills"]
    recipe = "my_package.skill:RecipeSkill"

Hook specifications are documented in ``botkit.skills.hookspec``; ``botkit.testing`` is the
harness for testing a skill in a few lines.
"""

from botkit.skills.errors import SkillError, SkillHookError, SkillLoadError
from botkit.skills.registry import GROUP, SkillRegistry, load_skills, validate_skill
from botkit.skills.skill import (
    API_VERSION,
    PlanDefaults,
    ShotTemplate,
    Skill,
    SkillArgs,
    SkillConfig,
    SkillRequest,
)
from botkit.skills.text import CallToAction, call_to_action, fold

__all__ = [
    "API_VERSION",
    "GROUP",
    "CallToAction",
    "PlanDefaults",
    "ShotTemplate",
    "Skill",
    "SkillArgs",
    "SkillConfig",
    "SkillError",
    "SkillHookError",
    "SkillLoadError",
    "SkillRegistry",
    "SkillRequest",
    "call_to_action",
    "fold",
    "load_skills",
    "validate_skill",
]
