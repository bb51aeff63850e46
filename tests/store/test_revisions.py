"""Concurrent follow-ups on one conversation: each revision is built on the one before, none is
lost, no revision number is used twice (SQLite and PostgreSQL)."""

from __future__ import annotations

import itertools
import threading

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from botkit.agent.revise import revise
from botkit.bot import Bot
from botkit.domain import ShotPlan
from botkit.settings import Settings
from botkit.store import models
from botkit.store.repo import StaleRevision

OTHER_PLATFORMS = ["tiktok", "reels", "shorts", "linkedin", "instagram-feed", "instagram-portrait", "x"]


@pytest.fixture
def shared_bot(tmp_path, database_url: str):
    bot = Bot.open(Settings(data_dir=tmp_path / "data", database_url=database_url, engine="tiny-wan"))
    yield bot
    bot.db.dispose()


def revisions(bot: Bot, conversation_id: str) -> list[tuple[int, ShotPlan, str | None]]:
    """(revision, plan, text of the user message that made it), oldest first."""
    with bot.repo.sessions() as session:
        rows = session.execute(
            select(models.ShotPlanRow.revision, models.ShotPlanRow.plan, models.Message.text)
            .outerjoin(models.Message, models.Message.id == models.ShotPlanRow.message_id)
            .where(models.ShotPlanRow.conversation_id == conversation_id)
            .order_by(models.ShotPlanRow.revision)
        ).all()
    return [(revision, ShotPlan.model_validate(plan), text) for revision, plan, text in rows]


def follow_up_at_once(bot: Bot, conversation_id: str, texts: list[str], threads: int) -> list[BaseException]:
    """Send ``texts`` as follow-ups from ``threads`` threads released together."""
    errors: list[BaseException] = []
    work = list(texts)
    lock = threading.Lock()
    barrier = threading.Barrier(threads)

    def run() -> None:
        barrier.wait()
        while True:
            with lock:
                if not work:
                    return
                text = work.pop()
            try:
                bot.follow_up(conversation_id, text)
            except BaseException as exc:
                errors.append(exc)

    pool = [threading.Thread(target=run) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(120)
    return errors


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    platforms=st.lists(st.sampled_from(OTHER_PLATFORMS), min_size=2, max_size=7, unique=True),
    threads=st.integers(min_value=2, max_value=8),
)
def test_concurrent_follow_ups_lose_nothing(shared_bot: Bot, platforms: list[str], threads: int) -> None:
    bot = shared_bot
    first = bot.plan("a 4 second promo for our lamp in 2 shots", platforms=["youtube"])
    texts = [f"for {platform} too" for platform in platforms]
    assert follow_up_at_once(bot, first.conversation_id, texts, threads) == []

    history = revisions(bot, first.conversation_id)
    assert [revision for revision, _plan, _text in history] == list(range(1, len(texts) + 2))  # no gaps, no repeats
    assert sorted(text for _r, _p, text in history[1:]) == sorted(texts)  # every message made one revision
    for (_r, before, _t), (_revision, after, text) in itertools.pairwise(history):
        assert text is not None
        assert revise(before, text, skills=bot.planner.skills) == after  # built on the one before
    final = history[-1][1]
    assert set(final.platforms) == {"youtube", *platforms}  # no change lost
    assert bot.repo.latest_plan(first.conversation_id)[1] == final


def test_a_stale_base_is_refused_not_overwritten(shared_bot: Bot) -> None:
    bot = shared_bot
    first = bot.plan("a 4 second promo for our lamp", platforms=["youtube"])
    bot.follow_up(first.conversation_id, "for tiktok too")
    stale = revise(first.plan, "for x too")
    with pytest.raises(StaleRevision):
        bot.repo.record_turn(
            conversation_id=first.conversation_id, text="for x too", plan=stale, inputs=[], base_revision=1
        )
    assert [r for r, _p, _t in revisions(bot, first.conversation_id)] == [1, 2]
    assert bot.repo.latest_plan(first.conversation_id)[1].platforms == ["youtube", "tiktok"]
