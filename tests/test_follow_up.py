"""Follow-ups revise the stored plan into a new revision; only shots whose render inputs changed
are rendered again."""

from __future__ import annotations

import pytest

from botkit.bot import Bot
from botkit.domain import Clip, ProgressFn, ShotRequest
from botkit.errors import InputError


class CountingEngine:
    """The real tiny engine, counting the shots it renders."""

    def __init__(self, engine) -> None:
        self.inner = engine
        self.name, self.native_fps, self.native_size = engine.name, engine.native_fps, engine.native_size
        self.capabilities, self.revision = engine.capabilities, engine.revision
        self.rendered: list[str] = []

    def generate(self, request: ShotRequest, on_progress: ProgressFn | None = None) -> Clip:
        self.rendered.append(request.prompt)
        return self.inner.generate(request, on_progress)


@pytest.fixture
def counting_bot(settings, tiny_engine):
    engine = CountingEngine(tiny_engine)
    return Bot.open(settings, engine=engine), engine


def test_vertical_too_renders_nothing_new(counting_bot) -> None:
    bot, engine = counting_bot
    first = bot.render(bot.plan("a 2 second promo for our lamp in 2 shots", platforms=["youtube"]))
    assert len(engine.rendered) == 2
    second = bot.follow_up(first.conversation_id, "make it vertical for TikTok too")
    assert second.plan.platforms == ["youtube", "tiktok"]
    bot.render(second)
    assert len(engine.rendered) == 2  # re-framing renders nothing
    assert sorted(o.platform for o in second.outputs) == ["tiktok", "youtube"]
    shots = bot.repo.asset(second.outputs[0].id)["metrics"]["shots"]
    assert [s["reused"] for s in shots] == [True, True]
    _plan_id, latest = bot.repo.latest_plan(first.conversation_id)
    assert latest == second.plan


def test_changed_shot_and_another_take(counting_bot) -> None:
    bot, engine = counting_bot
    first = bot.render(bot.plan("a 3 second promo for our lamp in 3 shots", platforms=["x"]))
    assert len(engine.rendered) == 3
    bot.render(bot.follow_up(first.conversation_id, "shot 2 should pan left"))
    assert len(engine.rendered) == 4  # only shot 2
    bot.render(bot.follow_up(first.conversation_id, "another take"))
    assert len(engine.rendered) == 7  # new seeds: every shot
    messages = [m["role"] for m in bot.repo.messages(first.conversation_id)]
    assert messages.count("user") == 3


def test_follow_up_to_unknown_conversation(bot: Bot) -> None:
    with pytest.raises(InputError, match="no conversation"):
        bot.follow_up("nope", "make it 5 seconds")


def test_a_new_request_in_the_same_conversation_is_planned_afresh(bot: Bot) -> None:
    first = bot.plan("a promo for our lamp")
    second = bot.follow_up(first.conversation_id, "now a training video: 1. open the box 2. plug it in")
    assert second.plan.skill == "training" and len(second.plan.shots) == 2
