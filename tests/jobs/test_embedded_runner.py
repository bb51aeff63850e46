"""The embedded runner: worker threads with a warm engine each, cancel, and restart recovery."""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from botkit.bot import Bot
from botkit.domain.jobs import JobState
from botkit.settings import Settings
from botkit.store import models
from botkit.store.jobs import now


def wait_for(predicate, timeout: float = 60.0, interval: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError("timed out waiting")


@pytest.fixture
def make_bot(tmp_path: Path, tiny_engine):
    bots: list[Bot] = []

    def make(**overrides) -> Bot:
        settings = Settings(
            data_dir=tmp_path / "data", engine="tiny-wan", heartbeat_s=0.2, job_stale_s=1.0, **overrides
        )
        bot = Bot.open(settings, engine=tiny_engine)
        bots.append(bot)
        return bot

    yield make
    for bot in bots:
        bot.stop_workers()
        bot.db.dispose()


def test_runs_queued_jobs_to_completion(make_bot) -> None:
    bot = make_bot()
    bot.start_workers()
    job_ids = [bot.submit(bot.plan(f"a 1 second teaser number {i}", platforms=["x"])) for i in range(3)]
    statuses = wait_for(
        lambda: all(bot.jobs.status(j).state.finished for j in job_ids) and [bot.jobs.status(j) for j in job_ids]
    )
    assert [s.state for s in statuses] == [JobState.SUCCEEDED] * 3
    assert all(s.worker.startswith("embedded:") and s.attempts == 1 for s in statuses)
    for status in statuses:
        [output] = bot.outputs(status.conversation_id)
        assert Path(output.path).is_file()


def test_cancel_a_running_job_leaves_no_files(make_bot) -> None:
    bot = make_bot(steps=200)
    bot.start_workers()
    turn = bot.plan("a 2 second teaser for our lamp", platforms=["x"])
    job_id = bot.submit(turn)
    wait_for(lambda: any(e.kind == "rendering" for e in bot.jobs.events(job_id=job_id)))
    assert bot.jobs.cancel(job_id) is JobState.RUNNING
    status = wait_for(lambda: bot.jobs.status(job_id).state.finished and bot.jobs.status(job_id))
    assert status.state is JobState.CANCELLED
    assert bot.jobs.events(job_id=job_id)[-1].kind == "cancelled"
    assert not list(bot.assets.root.rglob("*.mp4"))
    assert not list((bot.assets.root / ".staging").glob("*"))


def test_restart_picks_up_queued_and_orphaned_running_jobs(make_bot) -> None:
    bot = make_bot()
    queued = bot.submit(bot.plan("a 1 second teaser for our lamp", platforms=["x"]))
    orphan = bot.submit(bot.plan("a 1 second teaser for our chair", platforms=["x"]))
    # a process that died mid-render: running, stale heartbeat, a half-written file on disk
    assert bot.context.jobs.claim(orphan, "embedded:dead-host:1:1", stale_after_s=1)
    with bot.context.jobs.sessions.begin() as session:
        session.execute(
            update(models.RenderJob)
            .where(models.RenderJob.id == orphan)
            .values(heartbeat_at=now() - timedelta(minutes=1))
        )
    status = bot.jobs.status(orphan)
    leftover = bot.assets.root / f"conversations/{status.conversation_id}/jobs/{orphan}/video-x.mp4"
    leftover.parent.mkdir(parents=True)
    leftover.write_bytes(b"half")
    restarted = make_bot()
    restarted.start_workers()
    for job_id in (queued, orphan):
        wait_for(lambda job_id=job_id: restarted.jobs.status(job_id).state is JobState.SUCCEEDED)
    assert restarted.jobs.status(orphan).attempts == 2
    assert leftover.stat().st_size > 1000  # replaced by the real render
