"""The Slack adapter's durable bookkeeping: which jobs are watched in which thread, each
workspace's settings, and the AI-app (assistant) threads with their context (tables
``slack_job_watches``, ``slack_workspaces`` and ``slack_assistant_threads``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import case, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from botkit.store import models
from botkit.store.db import changed_rows


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
    user: str | None = None  # who asked: the recipient of a streamed reply
    assistant: bool = False  # an AI-app thread: its status line shows progress too
    streaming: bool = False  # progress goes into a streamed message (until Slack refuses one)
    stream_ts: str | None = None  # that message, once started


class AssistantThread(BaseModel):
    """An assistant thread and its context: the channel (and workspace) the user was looking at."""

    channel: str
    thread_ts: str
    team: str
    user: str | None = None
    context: dict[str, Any] = Field(default_factory=dict)


class RecentVideo(BaseModel):
    """A job asked for in a workspace, for its App Home."""

    job_id: str
    conversation_id: str
    channel: str
    thread_ts: str
    state: str
    title: str
    platforms: list[str]
    created_at: datetime


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
        user=row.user_id,
        assistant=row.assistant,
        streaming=row.streaming,
        stream_ts=row.stream_ts,
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
                        user_id=record.user,
                        assistant=record.assistant,
                        streaming=record.streaming,
                        stream_ts=record.stream_ts,
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
        back and a finished job stays finished, whoever writes last; a stream that stopped (Slack
        refused it, or it ended) never streams again. False when not watched."""
        watch = models.SlackJobWatch
        values: dict[str, Any] = {
            "last_event_id": case((watch.last_event_id > record.after, watch.last_event_id), else_=record.after)
        }
        if record.status_ts is not None:
            values["status_ts"] = record.status_ts
        if record.stream_ts is not None:
            values["stream_ts"] = record.stream_ts
        if not record.streaming:
            values["streaming"] = False
        if record.finished:
            values["finished"] = True
        with self.sessions.begin() as session:
            saved = changed_rows(session, update(watch).where(watch.job_id == record.job_id).values(**values))
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

    def recent_videos(self, team: str, limit: int = 10) -> list[RecentVideo]:
        """The workspace's latest jobs, newest first, with their state and plan title."""
        watch, job, plan = models.SlackJobWatch, models.RenderJob, models.ShotPlanRow
        with self.sessions() as session:
            rows = session.execute(
                select(watch, job.state, plan.plan)
                .join(job, job.id == watch.job_id)
                .join(plan, plan.id == job.plan_id)
                .where(watch.team_id == team)
                .order_by(watch.created_at.desc(), watch.job_id)
                .limit(limit)
            ).all()
            return [
                RecentVideo(
                    job_id=row.job_id,
                    conversation_id=row.conversation_id,
                    channel=row.channel,
                    thread_ts=row.thread_ts,
                    state=state,
                    title=str((data or {}).get("title") or "video"),
                    platforms=list((data or {}).get("platforms") or []),
                    created_at=row.created_at,
                )
                for row, state, data in rows
            ]

    # -- assistant threads ------------------------------------------------------------------

    def save_thread(self, thread: AssistantThread) -> None:
        """Record an assistant thread or its new context (the latest context wins)."""
        table = models.SlackAssistantThread
        for _ in range(2):  # an insert that lost a race to another delivery becomes an update
            with self.sessions.begin() as session:
                row = session.get(table, (thread.channel, thread.thread_ts))
                if row is not None:
                    row.context = dict(thread.context)
                    row.user_id = thread.user or row.user_id
                    return
            try:
                with self.sessions.begin() as session:
                    session.add(
                        table(
                            channel=thread.channel,
                            thread_ts=thread.thread_ts,
                            team_id=thread.team,
                            user_id=thread.user,
                            context=dict(thread.context),
                        )
                    )
                return
            except IntegrityError:
                continue

    def thread(self, channel: str, thread_ts: str) -> AssistantThread | None:
        with self.sessions() as session:
            row = session.get(models.SlackAssistantThread, (channel, thread_ts))
            if row is None:
                return None
            return AssistantThread(
                channel=row.channel,
                thread_ts=row.thread_ts,
                team=row.team_id,
                user=row.user_id,
                context=dict(row.context or {}),
            )

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
