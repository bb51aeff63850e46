"""The AI app's rows on SQLite and PostgreSQL: feedback (one verdict per person and job, bad
values refused), assistant threads (the latest context wins, racing first deliveries both land),
recent videos per workspace, and stream bookkeeping that only moves forward."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from botkit.errors import InputError
from botkit.store import models
from botkit.store.db import open_db, session_factory
from botkit.store.feedback import FeedbackRepository
from botkit.store.migrate import upgrade
from botkit.store.slack import AssistantThread, JobRecord, SlackRecordsRepository


@pytest.fixture
def sessions(database_url: str) -> Iterator:
    engine = open_db(database_url)
    upgrade(engine)
    yield session_factory(engine)
    engine.dispose()


def add_job(sessions, title: str = "Lamp promo", team: str = "T1", channel: str = "C1") -> JobRecord:
    conversation_id, plan_id, job_id = models.new_id(), models.new_id(), models.new_id()
    with sessions.begin() as session:
        session.add(models.Conversation(id=conversation_id, channel="slack"))
        session.flush()
        session.add(
            models.ShotPlanRow(
                id=plan_id,
                conversation_id=conversation_id,
                revision=1,
                skill="marketing",
                planner="offline",
                plan={"title": title, "platforms": ["x"]},
            )
        )
        session.flush()
        session.add(models.RenderJob(id=job_id, conversation_id=conversation_id, plan_id=plan_id, engine="tiny-wan"))
    record = JobRecord(job_id=job_id, conversation_id=conversation_id, team=team, channel=channel, thread_ts="1.1")
    assert SlackRecordsRepository(sessions).watch(record)
    return record


def test_feedback_is_one_verdict_per_person(sessions):
    job = add_job(sessions)
    feedback = FeedbackRepository(sessions)
    feedback.record(job.job_id, "slack:T1:UA", "positive", channel="slack")
    feedback.record(job.job_id, "slack:T1:UB", "positive", channel="slack")
    feedback.record(job.job_id, "slack:T1:UA", "negative", channel="slack")
    assert feedback.counts(job.job_id).model_dump() == {"positive": 1, "negative": 1}
    with pytest.raises(InputError, match="positive, negative"):
        feedback.record(job.job_id, "slack:T1:UA", "meh", channel="slack")
    with pytest.raises(InputError, match="no job"):
        feedback.record("nope", "slack:T1:UA", "positive", channel="slack")
    # the same person clicking twice at once: one row, whichever verdict came last
    barrier = threading.Barrier(2)

    def click(value: str) -> None:
        barrier.wait()
        feedback.record(job.job_id, "slack:T1:UC", value, channel="slack")

    threads = [threading.Thread(target=click, args=(v,)) for v in ("positive", "negative")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    counts = feedback.counts(job.job_id)
    assert counts.positive + counts.negative == 3


def test_assistant_threads_keep_the_latest_context(sessions):
    store = SlackRecordsRepository(sessions)
    barrier = threading.Barrier(2)

    def save(channel_id: str) -> None:
        barrier.wait()
        store.save_thread(AssistantThread(channel="D1", thread_ts="9.9", team="T1", context={"channel_id": channel_id}))

    threads = [threading.Thread(target=save, args=(c,)) for c in ("C1", "C2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert store.thread("D1", "9.9").context["channel_id"] in ("C1", "C2")
    store.save_thread(
        AssistantThread(channel="D1", thread_ts="9.9", team="T1", user="UA", context={"channel_id": "C7"})
    )
    thread = store.thread("D1", "9.9")
    assert thread.context == {"channel_id": "C7"} and thread.user == "UA" and thread.team == "T1"
    assert store.thread("D1", "0.0") is None


def test_recent_videos_and_stream_bookkeeping(sessions):
    store = SlackRecordsRepository(sessions)
    first = add_job(sessions, "First")
    second = add_job(sessions, "Second")
    add_job(sessions, "Elsewhere", team="T2")
    recent = store.recent_videos("T1")
    assert [v.title for v in recent] == ["Second", "First"]
    assert recent[0].state == "queued" and recent[0].platforms == ["x"] and recent[0].channel == "C1"
    assert store.recent_videos("T1", limit=1)[0].job_id == second.job_id

    first.streaming, first.stream_ts, first.user, first.assistant = True, "5.5", "UA", True
    assert store.watch(first) is False  # already watched
    with sessions.begin() as session:
        row = session.get(models.SlackJobWatch, first.job_id)
        row.streaming, row.assistant, row.user_id = True, True, "UA"
    store.save_watch(first)
    saved = store.get_watch(first.job_id)
    assert (saved.streaming, saved.stream_ts, saved.user, saved.assistant) == (True, "5.5", "UA", True)
    first.streaming = False  # Slack refused the stream: the status message takes over for good
    store.save_watch(first)
    first.streaming = True  # a stale writer cannot turn it back on
    store.save_watch(first)
    assert store.get_watch(first.job_id).streaming is False
