"""The Slack adapter's durable bookkeeping: which jobs are watched in which thread, and each
workspace's settings (tables ``slack_job_watches`` and ``slack_workspaces``)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from sqlalchemy import case, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from botkit.store import models


class JobRecord(BaseModel):
    """Where a job's progress is shown in Slack, and how far it got."""

    job_id: str
    conversation_id: str
    team: str
    channel: str
    thread_ts: str
    status_ts: str | None = None
    after: int = 0  # last event id already shown
    finished: bool = False


def _record(row: models.SlackJobWatch) -> JobRecord:
    return JobRecord(
        job_id=row.job_id,
        conversation_id=row.conversation_id,
        team=row.team_id,
        channel=row.channel,
        thread_ts=row.thread_ts,
        status_ts=row.status_ts,
        after=row.last_event_id,
        finished=row.finished,
    )


class SlackRecordsRepository:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    # -- watched jobs -----------------------------------------------------------------------

    def watch(self, record: JobRecord) -> bool:
        """Start watching a job; False when it is watched already (a retry, or a delivery that
        raced this one: the primary key lets exactly one of them in)."""
        try:
            with self.sessions.begin() as session:
                session.add(
                    models.SlackJobWatch(
                        job_id=record.job_id,
                        conversation_id=record.conversation_id,
                        team_id=record.team,
                        channel=record.channel,
                        thread_ts=record.thread_ts,
                        status_ts=record.status_ts,
                        last_event_id=record.after,
                        finished=record.finished,
                    )
                )
        except IntegrityError:
            if self.get_watch(record.job_id) is None:
                raise  # not a duplicate: the job or its conversation does not exist
            return False
        return True

    def get_watch(self, job_id: str) -> JobRecord | None:
        with self.sessions() as session:
            row = session.get(models.SlackJobWatch, job_id)
            return None if row is None else _record(row)

    def save_watch(self, record: JobRecord) -> bool:
        """Store a watcher's progress. Progress only moves forward: the last event shown never goes
        back and a finished job stays finished, whoever writes last. False when not watched."""
        watch = models.SlackJobWatch
        values: dict[str, Any] = {
            "last_event_id": case((watch.last_event_id > record.after, watch.last_event_id), else_=record.after)
        }
        if record.status_ts is not None:
            values["status_ts"] = record.status_ts
        if record.finished:
            values["finished"] = True
        with self.sessions.begin() as session:
            saved = session.execute(update(watch).where(watch.job_id == record.job_id).values(**values)).rowcount
        return bool(saved)

    def unfinished_watches(self) -> list[JobRecord]:
        """Watched jobs whose thread has not heard the outcome yet, oldest first."""
        with self.sessions() as session:
            rows = session.scalars(
                select(models.SlackJobWatch)
                .where(models.SlackJobWatch.finished.is_(False))
                .order_by(models.SlackJobWatch.created_at)
            ).all()
            return [_record(row) for row in rows]

    # -- workspace settings -----------------------------------------------------------------

    def workspace_settings(self, team: str) -> dict[str, Any]:
        with self.sessions() as session:
            row = session.get(models.SlackWorkspace, team)
            return {} if row is None else dict(row.settings or {})

    def update_workspace_settings(self, team: str, **changes: Any) -> dict[str, Any]:
        """Merge ``changes`` into a workspace's settings; returns them all. Concurrent updates of
        different settings both land: the row is written (locked) before it is read."""
        self._ensure_workspace(team)
        workspace = models.SlackWorkspace
        with self.sessions.begin() as session:
            # Touching the row first takes its write lock (PostgreSQL: the row; SQLite: the
            # database), so the read below sees the latest settings and nobody writes in between.
            session.execute(update(workspace).where(workspace.team_id == team).values(updated_at=models.utcnow()))
            row = session.get(workspace, team)
            if row is None:
                raise KeyError(f"no slack workspace {team!r}")  # deleted in between; never expected
            row.settings = {**(row.settings or {}), **changes}
            return dict(row.settings)

    def _ensure_workspace(self, team: str) -> None:
        with self.sessions() as session:
            if session.get(models.SlackWorkspace, team) is not None:
                return
        try:
            with self.sessions.begin() as session:
                session.add(models.SlackWorkspace(team_id=team, settings={}))
        except IntegrityError:
            pass  # another request created it first
