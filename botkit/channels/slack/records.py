"""Durable Slack bookkeeping in botkit's ``inbound_events`` table: watched jobs, workspace settings.

Keys: ``slack-job:<job_id>`` (where a job's status message lives, how far its event log was read,
whether it finished) and ``slack-workspace:<team_id>`` (per-workspace settings). Delivery keys of
events themselves are ``slack:<event_id>`` (see ``botkit.channels.slack.app``).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from sqlalchemy import select

from botkit.store import models
from botkit.store.repo import Repository

JOB_CHANNEL = "slack-job"
WORKSPACE_CHANNEL = "slack-workspace"


class JobRecord(BaseModel):
    """Where a job's progress is shown in Slack."""

    job_id: str
    conversation_id: str
    team: str
    channel: str
    thread_ts: str
    status_ts: str | None = None
    after: int = 0  # last event id already shown
    finished: bool = False


class SlackRecords:
    def __init__(self, repo: Repository) -> None:
        self.repo = repo

    def claim_job(self, record: JobRecord) -> bool:
        """Start watching a job; False when some delivery already did (a duplicate)."""
        key = f"{JOB_CHANNEL}:{record.job_id}"
        if not self.repo.claim_inbound(key, JOB_CHANNEL):
            return False
        self.save_job(record)
        return True

    def save_job(self, record: JobRecord) -> None:
        self.repo.set_inbound_result(f"{JOB_CHANNEL}:{record.job_id}", record.model_dump())

    def job(self, job_id: str) -> JobRecord | None:
        result = self.repo.inbound_result(f"{JOB_CHANNEL}:{job_id}")
        return JobRecord.model_validate(result) if result else None

    def unfinished_jobs(self) -> list[JobRecord]:
        """Jobs whose Slack thread has not been told the outcome yet (resumed after a restart)."""
        with self.repo.sessions() as session:
            rows = session.scalars(
                select(models.InboundEvent)
                .where(models.InboundEvent.channel == JOB_CHANNEL)
                .order_by(models.InboundEvent.created_at)
            ).all()
        records = [JobRecord.model_validate(row.result) for row in rows if row.result]
        return [record for record in records if not record.finished]

    def workspace(self, team: str) -> dict[str, Any]:
        return self.repo.inbound_result(f"{WORKSPACE_CHANNEL}:{team}") or {}

    def update_workspace(self, team: str, **changes: Any) -> dict[str, Any]:
        key = f"{WORKSPACE_CHANNEL}:{team}"
        self.repo.claim_inbound(key, WORKSPACE_CHANNEL)
        config = {**(self.repo.inbound_result(key) or {}), **changes}
        self.repo.set_inbound_result(key, config)
        return config
