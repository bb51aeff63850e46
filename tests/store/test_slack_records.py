"""SlackRecordsRepository: a job is watched once however deliveries race, progress only moves
forward, and concurrent workspace setting changes all land."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from botkit.store import models
from botkit.store.db import open_db, session_factory
from botkit.store.migrate import upgrade
from botkit.store.slack import JobRecord, SlackRecordsRepository


@pytest.fixture
def store(database_url: str) -> Iterator[SlackRecordsRepository]:
    engine = open_db(database_url)
    upgrade(engine)
    yield SlackRecordsRepository(session_factory(engine))
    engine.dispose()


def add_job(store: SlackRecordsRepository) -> JobRecord:
    conversation_id, plan_id, job_id = models.new_id(), models.new_id(), models.new_id()
    with store.sessions.begin() as session:
        session.add(models.Conversation(id=conversation_id, channel="slack"))
        session.flush()
        session.add(
            models.ShotPlanRow(
                id=plan_id, conversation_id=conversation_id, revision=1, skill="marketing", planner="offline", plan={}
            )
        )
        session.flush()
        session.add(models.RenderJob(id=job_id, conversation_id=conversation_id, plan_id=plan_id, engine="tiny-wan"))
    return JobRecord(job_id=job_id, conversation_id=conversation_id, team="T1", channel="C1", thread_ts="1.000100")


def at_once(count: int, call: Callable[[int], Any]) -> list[Any]:
    """Run ``call(i)`` in ``count`` threads released together; their results in order."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count
    errors: list[BaseException] = []

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = call(i)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors, errors
    return results


def test_a_job_is_watched_once_when_two_deliveries_race(store: SlackRecordsRepository) -> None:
    for _ in range(5):
        record = add_job(store)
        outcomes = at_once(2, lambda i, record=record: store.watch(record.model_copy(update={"status_ts": f"{i}.0"})))
        assert sorted(outcomes) == [False, True]
        with store.sessions() as session:
            rows = session.scalar(
                select(func.count())
                .select_from(models.SlackJobWatch)
                .where(models.SlackJobWatch.job_id == record.job_id)
            )
        assert rows == 1
        winner = outcomes.index(True)
        assert store.get_watch(record.job_id) == record.model_copy(update={"status_ts": f"{winner}.0"})
        assert not store.watch(record)  # a later retry too


def test_watching_a_job_that_does_not_exist_is_an_error(store: SlackRecordsRepository) -> None:
    record = add_job(store).model_copy(update={"job_id": models.new_id()})
    with pytest.raises(IntegrityError):
        store.watch(record)


def test_progress_only_moves_forward(store: SlackRecordsRepository) -> None:
    record = add_job(store)
    assert store.watch(record)
    assert store.save_watch(record.model_copy(update={"after": 9, "status_ts": "2.000200"}))
    assert store.save_watch(record.model_copy(update={"after": 4}))  # a stale writer
    assert store.get_watch(record.job_id) == record.model_copy(update={"after": 9, "status_ts": "2.000200"})
    assert [watch.job_id for watch in store.unfinished_watches()] == [record.job_id]

    assert store.save_watch(record.model_copy(update={"after": 12, "finished": True}))
    assert store.save_watch(record.model_copy(update={"after": 12, "finished": False}))  # stays finished
    assert store.get_watch(record.job_id) == record.model_copy(
        update={"after": 12, "status_ts": "2.000200", "finished": True}
    )
    assert store.unfinished_watches() == []
    assert not store.save_watch(record.model_copy(update={"job_id": "unwatched"}))


def test_workspace_settings_merge_and_concurrent_changes_all_land(store: SlackRecordsRepository) -> None:
    assert store.workspace_settings("T1") == {}
    assert store.update_workspace_settings("T1", approve_before_render=True) == {"approve_before_render": True}
    assert store.update_workspace_settings("T1", approve_before_render=False, skill="social") == {
        "approve_before_render": False,
        "skill": "social",
    }
    at_once(4, lambda i: store.update_workspace_settings("T2", **{f"setting_{i}": i}))
    assert store.workspace_settings("T2") == {f"setting_{i}": i for i in range(4)}
    assert store.workspace_settings("T1") == {"approve_before_render": False, "skill": "social"}
