"""Agent tools as LangChain tools: plan a video, render it, re-frame it, and look up what was made.

The tools know nothing of SQL or engines: the host hands in a ``VideoHost`` (the Bot implements
it over its engine, post-processing and store), so the agent layer depends only on the domain.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol

from langchain_core.tools import BaseTool, StructuredTool
from pydantic import BaseModel, Field, create_model

from botkit.agent.offline import PlanRequest
from botkit.domain import Output, PlatformId, ShotPlan
from botkit.errors import BotkitError, InputError
from botkit.skills import Skill


@dataclass(frozen=True)
class VideoRecord:
    """One finished video, as the look-up tool reports it."""

    conversation_id: str
    title: str
    platform: str
    path: str
    duration_s: float
    created_at: datetime


class VideoHost(Protocol):
    def render(self, plan: ShotPlan) -> list[Output]:
        """Render every shot of ``plan`` and encode it for its platforms."""

    def reframe(self, plan: ShotPlan, platforms: list[str]) -> list[Output]:
        """Encode an already rendered plan for more platforms; renders nothing."""

    def find_videos(
        self, since: datetime | None, until: datetime | None, platform: str | None, limit: int
    ) -> list[VideoRecord]:
        """Finished videos made in [since, until), newest first."""


class Planner(Protocol):
    def plan(self, request: PlanRequest) -> ShotPlan: ...


def day_range(day: str, now: datetime) -> tuple[datetime | None, datetime | None]:
    """ "today", "yesterday", "last week", "2026-11-23" or "" -> [since, until) in UTC."""
    start_of_today = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    key = day.strip().lower()
    if not key or key in ("any", "all", "ever"):
        return None, None
    if key == "today":
        return start_of_today, None
    if key == "yesterday":
        return start_of_today - timedelta(days=1), start_of_today
    if key in ("last week", "this week", "past week"):
        return start_of_today - timedelta(days=7), None
    try:
        date = datetime.fromisoformat(key).replace(tzinfo=UTC)
    except ValueError:
        raise InputError(f"unknown day {day!r}; use today, yesterday, last week or a date like 2026-11-23") from None
    return date, date + timedelta(days=1)


class PlanVideoArgs(BaseModel):
    request: str = Field(description="What the video should show, in the user's words.")
    platforms: list[PlatformId] = Field(default_factory=list, description="Target platforms, if the user named any.")
    skill: str | None = Field(default=None, description="Skill to use (marketing, social, storyboard, training ...).")


class PlanRefArgs(BaseModel):
    plan: str = Field(description='A plan handle returned by plan_video, e.g. "plan-1".')


class ReframeArgs(PlanRefArgs):
    platforms: list[PlatformId] = Field(min_length=1, description="Extra platforms to encode for.")


class FindVideosArgs(BaseModel):
    day: str = Field(default="", description='"today", "yesterday", "last week", a date (YYYY-MM-DD) or "" for any.')
    platform: PlatformId | None = Field(default=None, description="Only videos for this platform.")
    limit: int = Field(default=10, ge=1, le=50)


@dataclass
class ToolSession:
    """The tools of one conversation; plans made by ``plan_video`` are kept here by handle."""

    planner: Planner
    host: VideoHost
    now: Callable[[], datetime] = lambda: datetime.now(UTC)
    plans: dict[str, ShotPlan] = field(default_factory=dict)

    def _plan(self, handle: str) -> ShotPlan:
        try:
            return self.plans[handle]
        except KeyError:
            raise InputError(f"no plan {handle!r}; plans so far: {', '.join(self.plans) or 'none'}") from None

    def plan_video(self, request: str, platforms: list[str] | None = None, skill: str | None = None) -> str:
        plan = self.planner.plan(PlanRequest(text=request, platforms=platforms or [], skill=skill))
        handle = f"plan-{len(self.plans) + 1}"
        self.plans[handle] = plan
        return f"{handle}: {plan.summary()}"

    def plan_with_skill(self, skill: str, request: str, **arguments: object) -> str:
        """Plan with one skill and its structured arguments (a tool call filled from the skill's Args schema)."""
        args = {key: value for key, value in arguments.items() if value is not None}
        plan = self.planner.plan(PlanRequest(text=request, skill=skill, args=args))
        handle = f"plan-{len(self.plans) + 1}"
        self.plans[handle] = plan
        return f"{handle}: {plan.summary()}"

    def skill_tools(self, skills: Iterable[Skill]) -> list[BaseTool]:
        """One ``plan_<skill>_video`` tool per skill; its arguments are the skill's ``Args`` JSON schema."""
        tools: list[BaseTool] = []
        for skill in skills:
            schema = create_model(
                f"{skill.Args.__name__}Call",
                __base__=skill.Args,
                request=(str, Field(description="What the video should show, in the user's words.")),
            )

            def run(skill_name: str = skill.name, **arguments: object) -> str:
                try:
                    request = str(arguments.pop("request"))
                    return self.plan_with_skill(skill_name, request, **arguments)
                except BotkitError as exc:
                    return f"error: {exc}"

            tools.append(
                StructuredTool.from_function(
                    run,
                    name=f"plan_{skill.name.replace('-', '_')}_video",
                    description=f"Plan a video with the {skill.name} skill. {skill.description}"[:1024],
                    args_schema=schema,
                )
            )
        return tools

    def render_video(self, plan: str) -> str:
        outputs = self.host.render(self._plan(plan))
        return json.dumps([output.model_dump() for output in outputs])

    def reframe_video(self, plan: str, platforms: list[str]) -> str:
        shot_plan = self._plan(plan)
        outputs = self.host.reframe(shot_plan, platforms)
        self.plans[plan] = shot_plan.model_copy(
            update={"platforms": list(dict.fromkeys([*shot_plan.platforms, *platforms]))}
        )
        return json.dumps([output.model_dump() for output in outputs])

    def find_videos(self, day: str = "", platform: str | None = None, limit: int = 10) -> str:
        since, until = day_range(day, self.now())
        records = self.host.find_videos(since, until, platform, limit)
        return json.dumps(
            [
                {
                    "title": r.title,
                    "platform": r.platform,
                    "path": r.path,
                    "duration_s": r.duration_s,
                    "created_at": r.created_at.isoformat(),
                    "conversation_id": r.conversation_id,
                }
                for r in records
            ]
        )

    def tools(self) -> list[BaseTool]:
        """The LangChain tools; a tool's failure comes back to the model as text, not as a crash."""

        def wrap(function: Callable[..., str]) -> Callable[..., str]:
            def run(**kwargs: object) -> str:
                try:
                    return function(**kwargs)
                except BotkitError as exc:
                    return f"error: {exc}"

            return run

        return [
            StructuredTool.from_function(
                wrap(self.plan_video),
                name="plan_video",
                description="Plan a short video from a request; returns a plan handle and its shots.",
                args_schema=PlanVideoArgs,
            ),
            StructuredTool.from_function(
                wrap(self.render_video),
                name="render_video",
                description="Render a planned video; returns the output files.",
                args_schema=PlanRefArgs,
            ),
            StructuredTool.from_function(
                wrap(self.reframe_video),
                name="reframe_video",
                description="Encode an already rendered plan for more platforms without rendering again.",
                args_schema=ReframeArgs,
            ),
            StructuredTool.from_function(
                wrap(self.find_videos),
                name="find_videos",
                description="List videos made before, e.g. yesterday's.",
                args_schema=FindVideosArgs,
            ),
        ]
