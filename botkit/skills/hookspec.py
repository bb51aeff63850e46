"""Hook specifications: what a skill may implement, documented as stubs (like pluggy's hookspec).

A skill implements a hook by defining a method of the same name on its ``Skill`` subclass. A hook
may accept any *subset* of the arguments below, by name, so new arguments can be added to a spec
without breaking skills written against an older one. Unknown argument names are refused at load.
Every hook is optional; returning ``None`` means "no change".

Arguments the host passes:

``draft``    the ShotPlan a planner (offline or LLM) made with this skill's defaults and template
``plan``     the current ShotPlan
``request``  the ``SkillRequest``: cleaned text, images, explicit platforms, seed
``args``     this skill's ``Args`` model instance (structured arguments: LLM tool call or a form)
``config``   this skill's ``Config`` model instance (per workspace / site settings: brand kit ...)
``outputs``  the finished ``Output`` list, one per platform
"""

from __future__ import annotations

from botkit.domain import Output, ShotPlan
from botkit.skills.skill import SkillArgs, SkillConfig, SkillRequest


def plan(draft: ShotPlan, request: SkillRequest, args: SkillArgs, config: SkillConfig) -> ShotPlan | None:
    """Refine a drafted plan: reorder or add shots (an end card), set captions, camera moves.

    Must return a valid ``ShotPlan`` (the host re-validates it) or ``None`` to keep the draft.
    """


def revise(plan: ShotPlan, request: SkillRequest, config: SkillConfig) -> ShotPlan | None:
    """Adjust a plan the host has already revised from a follow-up ("make it 5 seconds").

    Called after the generic revision; return ``None`` to keep the host's revision.
    """


def post_process(plan: ShotPlan, outputs: list[Output], config: SkillConfig) -> list[Output] | None:
    """Look at or replace the finished outputs (e.g. add a watermark file, rename, add metadata).

    Return ``None`` to keep the outputs as they are.
    """


HOOKS: dict[str, tuple[str, ...]] = {
    "plan": ("draft", "request", "args", "config"),
    "revise": ("plan", "request", "config"),
    "post_process": ("plan", "outputs", "config"),
}
"""Hook name -> the argument names the host passes (a hook may accept any subset)."""
