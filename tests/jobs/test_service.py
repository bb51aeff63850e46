"""The job API and the job rows: idempotent submit, exclusive claims, guarded completion,
recovery of jobs whose worker died, cancel, and the ordered event log."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import update

from botkit.bot import Bot
from botkit.domain.jobs import JobState
from botkit.settings import Settings
from botkit.store import models
from botkit.store.jobs import now


@pytest.fixture
def any_bot(database_url: str, tmp_path, tiny_engine):
    bot = Bot.open(Settings(data_dir=tmp_path / "data", database_url=database_url), engine=tiny_engine)
    yield bot
    bot.db.dispose()


def planned(bot: Bot):
    return bot.plan("a 1 second teaser for our lamp", platforms=["x"])


def test_same_idempotency_key_gives_one_job_even_when_racing(any_bot: Bot) -> None:
    turn = planned(any_bot)
    ids: list[str] = []
    threads = [
        threading.Thread(target=lambda: ids.append(any_bot.submit(turn, idempotency_key="Ev123"))) for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(ids)) == 1
    assert [e.kind for e in any_bot.jobs.events(conversation_id=turn.conversation_id)] == ["queued"]
    assert any_bot.submit(turn, idempotency_key="Ev124") != ids[0]


def test_claim_is_exclusive_and_completion_guarded(any_bot: Bot) -> None:
    jobs = any_bot.context.jobs
    job_id = any_bot.submit(planned(any_bot))
    assert jobs.claim(job_id, "w1", stale_after_s=30)
    assert not jobs.claim(job_id, "w2", stale_after_s=30)
    assert not jobs.complete(job_id, "w2", [], "nope", {})
    assert jobs.complete(job_id, "w1", [], "done", {})
    assert not jobs.complete(job_id, "w1", [], "twice", {})
    status = any_bot.jobs.status(job_id)
    assert (status.state, status.attempts, status.worker) == (JobState.SUCCEEDED, 1, "w1")


def make_stale(bot: Bot, job_id: str) -> None:
    with bot.context.jobs.sessions.begin() as session:
        session.execute(
            update(models.RenderJob)
            .where(models.RenderJob.id == job_id)
            .values(heartbeat_at=now() - timedelta(minutes=5))
        )


def test_recover_retries_then_fails_with_a_reason(any_bot: Bot) -> None:
    jobs = any_bot.context.jobs
    job_id = any_bot.submit(planned(any_bot))
    for attempt in range(1, 4):
        assert jobs.claim(job_id, f"w{attempt}", stale_after_s=30)
        make_stale(any_bot, job_id)
        requeued = jobs.recover(stale_after_s=30)
        assert requeued == ([job_id] if attempt < 3 else [])
    status = any_bot.jobs.status(job_id)
    assert status.state is JobState.FAILED and status.attempts == 3
    assert "worker died" in status.error and "3 attempts" in status.error
    kinds = [e.kind for e in any_bot.jobs.events(job_id=job_id)]
    assert kinds == ["queued", "started", "retrying", "started", "retrying", "started", "failed"]


def test_stale_running_job_can_be_taken_over_but_not_a_fresh_one(any_bot: Bot) -> None:
    jobs = any_bot.context.jobs
    job_id = any_bot.submit(planned(any_bot))
    assert jobs.claim(job_id, "dead", stale_after_s=30)
    assert not jobs.claim(job_id, "new", stale_after_s=30)
    make_stale(any_bot, job_id)
    assert jobs.claim(job_id, "new", stale_after_s=30)
    assert jobs.heartbeat(job_id, "dead") is True  # the old owner learns it lost the job
    assert not jobs.complete(job_id, "dead", [], "late", {})


def test_cancel_queued_and_running(any_bot: Bot) -> None:
    queued = any_bot.submit(planned(any_bot))
    assert any_bot.jobs.cancel(queued) is JobState.CANCELLED
    running = any_bot.submit(planned(any_bot))
    assert any_bot.context.jobs.claim(running, "w", stale_after_s=30)
    assert any_bot.jobs.cancel(running) is JobState.RUNNING
    assert any_bot.context.jobs.heartbeat(running, "w") is True  # the worker is told to stop


def test_events_are_ordered_and_resumable(any_bot: Bot) -> None:
    turn = planned(any_bot)
    any_bot.render(turn)
    events = any_bot.jobs.events(conversation_id=turn.conversation_id)
    kinds = [e.kind for e in events]
    assert kinds[:2] == ["queued", "started"] and kinds[-2:] == ["post", "done"]
    assert "rendering" in kinds
    assert [e.id for e in events] == sorted(e.id for e in events)
    resumed = any_bot.jobs.events(conversation_id=turn.conversation_id, after=events[2].id)
    assert resumed == events[3:]
    done = events[-1].data
    assert {o["kind"] for o in done["outputs"]} == {"video", "poster"}


def test_sweep_redispatches_forgotten_queued_jobs(any_bot: Bot) -> None:
    sent: list[str] = []

    class Recorder:
        def dispatch(self, job_id: str, engine: str) -> None:
            sent.append(job_id)

    any_bot.jobs.dispatcher = Recorder()
    job_id = any_bot.submit(planned(any_bot))
    assert sent == [job_id]
    assert any_bot.jobs.sweep(redispatch_after_s=60) == []
    time.sleep(0.05)
    assert any_bot.jobs.sweep(redispatch_after_s=0.01) == [job_id]
    assert sent == [job_id, job_id]


def test_an_owner_gets_at_most_max_active_jobs_even_when_racing(any_bot: Bot) -> None:
    from botkit.jobs.service import TooManyJobs

    turns = [any_bot.plan("a 1 second teaser for our lamp", platforms=["x"], owner="site:s:guest:g1") for _ in range(6)]
    other = any_bot.plan("a 1 second teaser for our mug", platforms=["x"], owner="site:s:guest:g2")
    results: list[object] = []

    def submit(turn) -> None:  # type: ignore[no-untyped-def]
        try:
            results.append(any_bot.submit(turn, max_active=2))
        except TooManyJobs as exc:
            results.append(exc)

    threads = [threading.Thread(target=submit, args=(turn,)) for turn in turns]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    refused = [r for r in results if isinstance(r, TooManyJobs)]
    assert len(refused) == 4 and "at most 2" in str(refused[0])
    assert any_bot.context.jobs.active_of("site:s:guest:g1") == 2
    assert isinstance(any_bot.submit(other, max_active=2), str)  # another owner is not affected
    any_bot.jobs.cancel(next(r for r in results if isinstance(r, str)))  # a finished job frees a place
    assert isinstance(any_bot.submit(turns[0], max_active=2), str)
