"""A harness for skill authors: send a request through a real Bot with a tiny engine, get the plan
and the rendered, post-processed outputs back. Like pytest's ``pytester``, in a few lines::

    from botkit.testing import SkillHarness

    def test_my_skill(tmp_path):
        harness = SkillHarness(MySkill, tmp_path)
        result = harness.send("a 4 second tour of the flat", render=True)
        assert result.plan.skill == "my-skill"
        assert result.outputs[0].width == 1920

The harness loads the installed skills (as the Bot would) and adds the skill under test, replacing
an installed one of the same name, so a skill can be tested before it is installed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from botkit.agent.offline import OfflinePlanner, PlanRequest
from botkit.bot import Bot
from botkit.domain import Output, ShotPlan
from botkit.engine import Engine, load_engine
from botkit.settings import Settings
from botkit.skills import Skill, SkillLoadError, SkillRegistry, load_skills, validate_skill

TEST_ENGINE = "animatic"
"""Default engine: the animatic preview (camera moves over images, title cards for text shots) renders
text- and image-to-video shots in well under a second. ``engine="tiny-wan"`` (text-to-video) or
``"tiny-ltx"`` (both) run real diffusers pipelines with tiny random weights instead."""


@cache
def engine_for_tests(name: str = TEST_ENGINE) -> Engine:
    """An engine for tests, built once per process and name."""
    return load_engine(name)


@dataclass
class Result:
    plan: ShotPlan
    reply: str
    outputs: list[Output] = field(default_factory=list)
    conversation_id: str = ""


class _ConfiguredPlanner:
    """Passes the harness's skill args and config along with every request."""

    def __init__(self, planner: OfflinePlanner) -> None:
        self.planner = planner
        self.name = planner.name
        self.skills = planner.skills
        self.args: dict[str, Any] | None = None
        self.config: dict[str, Any] | None = None

    def plan(self, request: PlanRequest) -> ShotPlan:
        return self.planner.plan(request.model_copy(update={"args": self.args, "config": self.config}))


class SkillHarness:
    def __init__(
        self, skill: type[Skill] | Skill, tmp_path: Path, *, engine: str = TEST_ENGINE, include_installed: bool = True
    ) -> None:
        self.skill = validate_skill(skill, "skill under test")  # a broken skill fails here, with the reason
        installed = load_skills() if include_installed else SkillRegistry()
        others = [s for s in installed if s.name != self.skill.name]
        self.registry = SkillRegistry([*others, self.skill])
        if self.skill.name not in self.registry:
            raise SkillLoadError(next(iter(self.registry.refused.values())))
        self.tmp_path = Path(tmp_path)
        self.engine_name = engine
        self.planner = _ConfiguredPlanner(OfflinePlanner(skills=self.registry))
        self._bot: Bot | None = None

    @property
    def bot(self) -> Bot:
        if self._bot is None:
            settings = Settings(data_dir=self.tmp_path / "botkit-data", engine=self.engine_name)
            self._bot = Bot.open(settings, engine=engine_for_tests(self.engine_name), planner=self.planner)
            # the harness runs post_process itself, with the per-request skill config
            self._bot.context.render.after_produce = []
        return self._bot

    def image(self, name: str, color: tuple[int, int, int] = (200, 120, 40), size: tuple[int, int] = (64, 64)) -> Path:
        """A small PNG to attach to a request (a product photo, a storyboard panel)."""
        from PIL import Image

        path = self.tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        Image.new("RGB", size, color).save(path)
        return path

    def plan(self, text: str, **kwargs: Any) -> ShotPlan:
        """Plan only, without a database: the fastest check of a skill's planning."""
        return self.send(text, render=False, **kwargs).plan

    def send(
        self,
        text: str,
        *,
        images: list[Path] | None = None,
        platforms: list[str] | None = None,
        skill: str | None = None,
        seed: int | None = None,
        args: dict[str, Any] | None = None,
        config: dict[str, Any] | None = None,
        render: bool = False,
    ) -> Result:
        """One chat turn. ``skill`` defaults to the skill under test (pass ``""`` to let routing choose)."""
        self.planner.args, self.planner.config = args, config
        chosen = self.skill.name if skill is None else (skill or None)
        if not render and not images:
            plan = self.planner.plan(PlanRequest(text=text, platforms=platforms or [], skill=chosen, seed=seed))
            return Result(plan=plan, reply=plan.summary())
        turn = self.bot.plan(
            text, images=images or [], platforms=platforms or [], skill=chosen, seed=seed, channel="test"
        )
        result = Result(plan=turn.plan, reply=turn.plan.summary(), conversation_id=turn.conversation_id)
        if render:
            turn = self.bot.render(turn)
            result.outputs = self.registry.post_process(turn.plan, turn.outputs, config)
        return result

    def close(self) -> None:
        if self._bot is not None:
            self._bot.db.dispose()
