"""Finding, validating and calling skills: the ``botkit.skills`` entry-point group.

Built-in skills are loaded exactly like third-party ones. Each entry point is validated when it is
loaded; a broken or incompatible skill is refused with a message saying why (kept in
``SkillRegistry.refused`` and logged) while the others still load.
"""

from __future__ import annotations

import inspect
import logging
import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from importlib.metadata import EntryPoint, entry_points
from typing import Any

from pydantic import BaseModel, ValidationError

from botkit.domain import Output, ShotPlan
from botkit.errors import InputError
from botkit.skills.errors import SkillHookError, SkillLoadError
from botkit.skills.hookspec import HOOKS
from botkit.skills.skill import (
    API_VERSION,
    NAME_PATTERN,
    PlanDefaults,
    ShotTemplate,
    Skill,
    SkillArgs,
    SkillConfig,
)

logger = logging.getLogger(__name__)

GROUP = "botkit.skills"
MAX_DESCRIPTION_CHARS = 500

# Per registry (by id), the configs a tenant (a Slack workspace, a site) set for the current
# thread or task only; see ``SkillRegistry.scoped_configs``.
_SCOPED: ContextVar[dict[int, dict[str, SkillConfig]] | None] = ContextVar("botkit_scoped_skill_configs", default=None)


def validate_skill(candidate: object, source: str = "") -> Skill:
    """A ready ``Skill`` instance from a class or instance, or ``SkillLoadError`` saying what is wrong."""
    where = f" ({source})" if source else ""
    if isinstance(candidate, type) and issubclass(candidate, Skill):
        try:
            skill = candidate()
        except Exception as exc:
            raise SkillLoadError(f"skill class {candidate.__name__}{where} could not be created: {exc}") from exc
    elif isinstance(candidate, Skill):
        skill = candidate
    else:
        raise SkillLoadError(f"{candidate!r}{where} is not a botkit.skills.Skill subclass or instance")

    name = getattr(skill, "name", None)
    if not isinstance(name, str) or not re.match(NAME_PATTERN, name):
        raise SkillLoadError(
            f"skill{where} has name {name!r}; a name is 1-40 of a-z, 0-9, '-', '_' starting with a letter"
        )
    label = f"skill {name!r}{where}"
    api = getattr(skill, "api_version", None)
    if not isinstance(api, int) or api < 1:
        raise SkillLoadError(f"{label}: api_version must be a positive int, got {api!r}")
    if api > API_VERSION:
        raise SkillLoadError(
            f"{label} needs skills API v{api}; this botkit provides v{API_VERSION}. Upgrade botkit to use it."
        )
    description = getattr(skill, "description", None)
    if not isinstance(description, str) or not description.strip() or len(description) > MAX_DESCRIPTION_CHARS:
        raise SkillLoadError(
            f"{label}: description must be a non-empty string of at most {MAX_DESCRIPTION_CHARS} characters"
        )
    for pattern in skill.keywords:
        try:
            re.compile(pattern)
        except (re.error, TypeError) as exc:
            raise SkillLoadError(
                f"{label}: keyword pattern {pattern!r} is not a valid regular expression: {exc}"
            ) from exc
    if not isinstance(skill.defaults, PlanDefaults):
        raise SkillLoadError(f"{label}: defaults must be a botkit.skills.PlanDefaults")
    if skill.template is not None and not isinstance(skill.template, ShotTemplate):
        raise SkillLoadError(f"{label}: template must be a botkit.skills.ShotTemplate or None")
    for attribute, base in (("Args", SkillArgs), ("Config", SkillConfig)):
        schema = getattr(skill, attribute, None)
        if not (isinstance(schema, type) and issubclass(schema, base)):
            raise SkillLoadError(f"{label}: {attribute} must be a subclass of botkit.skills.{base.__name__}")
        try:
            schema.model_json_schema()
            schema()
        except Exception as exc:
            raise SkillLoadError(
                f"{label}: {attribute} needs a JSON schema and defaults for every field: {exc}"
            ) from exc
    for hook, allowed in HOOKS.items():
        method = getattr(skill, hook, None)
        if method is None:
            continue
        if not callable(method):
            raise SkillLoadError(f"{label}: {hook} must be a method")
        parameters = inspect.signature(method).parameters.values()
        for parameter in parameters:
            if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
                raise SkillLoadError(f"{label}: hook {hook} takes *{parameter.name}; name the arguments it needs")
            if parameter.name not in allowed:
                raise SkillLoadError(
                    f"{label}: hook {hook} takes unknown argument {parameter.name!r}; it may take any of: {', '.join(allowed)}"
                )
    return skill


class SkillRegistry:
    """The skills a host can use, by name, plus the ones refused at load and why."""

    def __init__(self, skills: Iterable[object] = (), refused: dict[str, str] | None = None) -> None:
        self.skills: dict[str, Skill] = {}
        self.refused: dict[str, str] = dict(refused or {})
        self.configs: dict[str, SkillConfig] = {}  # this deployment's config per skill (brand kit ...)
        for candidate in skills:
            self.add(candidate)

    def add(self, candidate: object, source: str = "") -> Skill | None:
        """Validate and add one skill; a refused skill is recorded, logged and skipped."""
        try:
            skill = validate_skill(candidate, source)
            if skill.name in self.skills:
                raise SkillLoadError(
                    f"skill name {skill.name!r} ({source or skill!r}) is already taken by {self.skills[skill.name]!r}"
                )
        except SkillLoadError as exc:
            self.refused[source or repr(candidate)] = str(exc)
            logger.warning("skill refused: %s", exc)
            return None
        self.skills[skill.name] = skill
        return skill

    def configure(self, name: str, config: dict[str, Any] | SkillConfig) -> SkillConfig:
        """Set this deployment's config of skill ``name`` (validated by the skill's ``Config``)."""
        parsed = self.get(name).parse_config(config)
        self.configs[name] = parsed
        return parsed

    def config_for(self, name: str, data: dict[str, Any] | SkillConfig | None = None) -> SkillConfig:
        """``data`` (a request's own config) parsed by the skill, else a tenant's scoped one (see
        ``scoped_configs``), else the configured one, else defaults."""
        skill = self.get(name)
        if data is None:
            scoped = (_SCOPED.get() or {}).get(id(self), {})
            if name in scoped:
                return scoped[name]
            if name in self.configs:
                return self.configs[name]
        return skill.parse_config(data)

    @contextmanager
    def scoped_configs(self, configs: Mapping[str, dict[str, Any] | SkillConfig]) -> Iterator[None]:
        """Within the block, and in this thread or task only, ``configs`` replace the deployment's
        config of those skills: how a Slack workspace's brand kit reaches the planner and plan
        revisions while other workspaces plan at the same time. Each config is checked by its
        skill's ``Config`` first; ``InputError`` names the skill and the field at fault."""
        parsed: dict[str, SkillConfig] = {}
        for name, config in configs.items():
            try:
                parsed[name] = self.get(name).parse_config(config)
            except ValidationError as exc:
                first = exc.errors()[0]
                where = ".".join(map(str, first["loc"]))
                raise InputError(f"bad config {where} for skill {name!r}: {first['msg']}") from None
        scoped = dict(_SCOPED.get() or {})
        scoped[id(self)] = {**scoped.get(id(self), {}), **parsed}  # nested: an inner block adds to the outer
        token = _SCOPED.set(scoped)
        try:
            yield
        finally:
            _SCOPED.reset(token)

    def names(self) -> list[str]:
        return list(self.skills)

    def __contains__(self, name: object) -> bool:
        return name in self.skills

    def __iter__(self):
        return iter(self.skills.values())

    def __len__(self) -> int:
        return len(self.skills)

    def get(self, name: str) -> Skill:
        try:
            return self.skills[name]
        except KeyError:
            raise InputError(f"unknown skill {name!r}; choose from: {', '.join(self.skills)}") from None

    def route(self, folded: str, images: int = 0) -> str | None:
        """The skill a request is for: the first keyword hit by priority, else by image count."""
        ordered = sorted(self.skills.values(), key=lambda s: (s.priority, s.name))
        for skill in ordered:
            if any(re.search(pattern, folded) for pattern in skill.keywords):
                return skill.name
        for skill in ordered:
            if skill.min_images is not None and images >= skill.min_images:
                return skill.name
        return None

    # -- hooks -------------------------------------------------------------------------------

    def call(self, name: str, hook: str, **arguments: Any) -> Any:
        """Call ``hook`` on skill ``name`` with the subset of ``arguments`` it accepts.

        Anything the hook raises becomes a ``SkillHookError`` naming the skill (logged with the
        traceback); the caller decides whether to answer with it or carry on without the hook.
        """
        skill = self.get(name)
        method = getattr(skill, hook, None)
        if method is None:
            return None
        accepted = inspect.signature(method).parameters
        try:
            return method(**{key: value for key, value in arguments.items() if key in accepted})
        except Exception as exc:
            logger.exception("skill %s failed in hook %s", name, hook)
            detail = f"{type(exc).__name__}: {exc}"[:200]
            raise SkillHookError(f"the {name!r} skill failed while running its {hook} step ({detail})") from exc

    def apply_plan(self, draft: ShotPlan, request: Any, args: SkillArgs, config: SkillConfig) -> ShotPlan:
        result = self.call(draft.skill, "plan", draft=draft, request=request, args=args, config=config)
        return self._checked_plan(draft.skill, "plan", draft, result)

    def apply_revise(self, plan: ShotPlan, request: Any, config: SkillConfig) -> ShotPlan:
        result = self.call(plan.skill, "revise", plan=plan, request=request, config=config)
        return self._checked_plan(plan.skill, "revise", plan, result)

    def post_process(self, plan: ShotPlan, outputs: list[Output], config: dict[str, Any] | None = None) -> list[Output]:
        """Run the plan's skill's ``post_process`` hook on finished outputs (the host calls this).
        A plan whose skill is no longer installed keeps its outputs as they are."""
        if plan.skill not in self.skills:
            logger.warning("skill %s is not installed; outputs kept without post-processing", plan.skill)
            return list(outputs)
        skill = self.skills[plan.skill]
        result = self.call(
            plan.skill, "post_process", plan=plan, outputs=list(outputs), config=self.config_for(skill.name, config)
        )
        if result is None:
            return list(outputs)
        if not isinstance(result, list) or not all(isinstance(item, Output) for item in result):
            raise SkillHookError(
                f"the {plan.skill!r} skill's post_process step returned {type(result).__name__}, not a list of Output"
            )
        return result

    @staticmethod
    def _checked_plan(name: str, hook: str, before: ShotPlan, result: object) -> ShotPlan:
        if result is None:
            return before
        if not isinstance(result, BaseModel) or not isinstance(result, ShotPlan):
            raise SkillHookError(f"the {name!r} skill's {hook} step returned {type(result).__name__}, not a ShotPlan")
        try:  # hooks may edit fields in place; validate the whole plan again
            checked = ShotPlan.model_validate(result.model_dump())
        except ValidationError as exc:
            first = exc.errors()[0]
            raise SkillHookError(
                f"the {name!r} skill's {hook} step made an invalid plan: {'.'.join(map(str, first['loc']))}: {first['msg']}"
            ) from exc
        if checked.skill != name:
            raise SkillHookError(f"the {name!r} skill's {hook} step changed the plan's skill to {checked.skill!r}")
        return checked


def load_skills(group: str = GROUP, *, points: Iterable[EntryPoint] | None = None) -> SkillRegistry:
    """Load every skill registered under ``group``; refused ones are recorded, not raised."""
    registry = SkillRegistry()
    found = sorted(entry_points(group=group) if points is None else points, key=lambda p: p.name)
    for point in found:
        source = f"entry point {point.name} = {point.value}"
        try:
            candidate = point.load()
        except Exception as exc:
            message = f"skill {point.name!r} ({source}) failed to import: {type(exc).__name__}: {exc}"
            registry.refused[source] = message
            logger.warning("skill refused: %s", message)
            continue
        skill = registry.add(candidate, source)
        if skill is not None and skill.name != point.name:
            del registry.skills[skill.name]
            registry.refused[source] = (
                f"entry point {point.name!r} ({source}) names skill {skill.name!r}; they must match"
            )
            logger.warning("skill refused: %s", registry.refused[source])
    return registry
