"""Render jobs as every channel sees them: state, attempts, readable errors, and the event log."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel


class JobState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def finished(self) -> bool:
        return self in (JobState.SUCCEEDED, JobState.FAILED, JobState.CANCELLED)


class JobStatus(BaseModel):
    id: str
    conversation_id: str
    plan_id: str
    state: JobState
    engine: str
    attempts: int
    max_attempts: int
    error: str | None = None
    worker: str | None = None
    cancel_requested: bool = False
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    timings: dict[str, Any] = {}
    purpose: str = "render"
    """``render``, or ``preview``: the plan's animatic, waiting for a person to approve it."""
    decision: str | None = None
    """A preview's outcome: ``approved``, ``cancelled``, ``superseded`` (a newer preview replaced it); None while it waits."""
    preview_id: str | None = None
    """A render job's approved preview (a job id); None when the render was not previewed."""


class JobEvent(BaseModel):
    """One entry of the ordered event log. ``id`` increases; resume streams with ``after=id``.

    kinds: queued, started, rendering (data: shot, shots, step, steps), post, done (data: outputs),
    failed (data: error), cancelled, retrying (data: reason)."""

    id: int
    conversation_id: str
    job_id: str | None
    kind: str
    data: dict[str, Any] = {}
    created_at: datetime
