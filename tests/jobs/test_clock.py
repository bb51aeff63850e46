"""A worker whose clock is off: on PostgreSQL job leases run on the database's clock, so a slow
clock does not lose its job to a sweep and a fast one does not take live jobs from others."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from botkit.bot import Bot
from botkit.domain.jobs import JobState
from botkit.settings import Settings
from botkit.store import jobs as job_rows

pytestmark = pytest.mark.postgres


def skewed(monkeypatch: pytest.MonkeyPatch, offset: timedelta) -> None:
    """This process's clock, as the job rows read it, is ``offset`` off."""
    monkeypatch.setattr(job_rows, "now", lambda: datetime.now(UTC) + offset)


@pytest.fixture
def bot(tmp_path: Path, postgres_url: str, tiny_engine) -> Bot:  # type: ignore[no-untyped-def]
    made = Bot.open(
        Settings(data_dir=tmp_path / "data", database_url=postgres_url, engine="tiny-wan"), engine=tiny_engine
    )
    yield made
    made.db.dispose()


@pytest.mark.parametrize("offset_min", [-10, 10])
def test_a_worker_with_a_wrong_clock_keeps_its_lease(bot: Bot, monkeypatch, offset_min: int) -> None:  # type: ignore[no-untyped-def]
    rows = bot.context.jobs
    job_id = bot.submit(bot.plan("a 1 second teaser for our lamp", platforms=["x"]))
    skewed(monkeypatch, timedelta(minutes=offset_min))  # the worker's clock
    assert rows.claim(job_id, "worker-off", stale_after_s=30)
    assert rows.heartbeat(job_id, "worker-off") is False  # still ours, no cancel
    started = rows.status(job_id).started_at
    assert started is not None and abs((started - datetime.now(UTC)).total_seconds()) < 60  # the database's time

    # another process's sweep and claim, with a right clock and with the same wrong one
    for offset in (timedelta(0), timedelta(minutes=offset_min)):
        skewed(monkeypatch, offset)
        assert rows.recover(stale_after_s=30) == []
        assert not rows.claim(job_id, "another-worker", stale_after_s=30)
    assert rows.status(job_id).state is JobState.RUNNING and rows.status(job_id).worker == "worker-off"
    assert bot.jobs.sweep(redispatch_after_s=60) == []  # dispatched just now, by the database's clock
