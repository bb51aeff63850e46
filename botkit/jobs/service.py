"""The one job API every channel uses: submit, status, cancel, events.

A ``Dispatcher`` tells workers that a job is waiting: the embedded runner wakes its threads, the
Celery dispatcher sends a task to the engine's queue. Dispatching twice is harmless (a job is
claimed once), so ``sweep`` can re-dispatch anything that looks forgotten.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Protocol

from botkit.domain.jobs import JobEvent, JobState, JobStatus
from botkit.store.jobs import JobRepository, TooManyJobs

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

__all__ = ["Dispatcher", "JobService", "NoDispatch", "TooManyJobs"]

logger = logging.getLogger(__name__)


class Dispatcher(Protocol):
    def dispatch(self, job_id: str, engine: str) -> None: ...


class NoDispatch:
    """The caller runs jobs itself (the CLI renders inline)."""

    def dispatch(self, job_id: str, engine: str) -> None:
        return None


class JobService:
    def __init__(
        self, jobs: JobRepository, dispatcher: Dispatcher, *, max_attempts: int = 3, stale_after_s: float = 30.0
    ) -> None:
        self.jobs = jobs
        self.dispatcher = dispatcher
        self.max_attempts = max_attempts
        self.stale_after_s = stale_after_s

    def submit(
        self,
        conversation_id: str,
        plan_id: str,
        engine: str,
        *,
        idempotency_key: str | None = None,
        max_active: int | None = None,
        purpose: str = "render",
        preview_id: str | None = None,
    ) -> str:
        """Queue a render; the same idempotency key always gives the same job. ``max_active``: the
        most queued or running jobs the conversation's owner may have (``TooManyJobs`` past it).
        ``purpose`` ``preview``: the plan's animatic; ``preview_id``: the preview this render was
        approved from."""
        job_id, created = self.jobs.create(
            conversation_id,
            plan_id,
            engine,
            idempotency_key=idempotency_key,
            max_attempts=self.max_attempts,
            max_active=max_active,
            purpose=purpose,
            preview_id=preview_id,
        )
        if created:
            self._dispatch([job_id])
        return job_id

    def submit_in(
        self,
        session: Session,
        conversation_id: str,
        plan_id: str,
        engine: str,
        *,
        idempotency_key: str | None = None,
        max_active: int | None = None,
        owner: str | None = None,
    ) -> str:
        """Queue a render inside the caller's transaction (see ``Bot.plan(queue=...)``); call
        ``dispatch_new`` once it has committed."""
        return self.jobs.create_in(
            session,
            conversation_id,
            plan_id,
            engine,
            idempotency_key=idempotency_key,
            max_attempts=self.max_attempts,
            max_active=max_active,
            dispatched=True,
            owner=owner,
        )

    def dispatch_new(self, job_id: str, engine: str) -> None:
        """Tell a worker about a job ``submit_in`` queued (already marked dispatched; if this
        fails, ``sweep`` dispatches it again later)."""
        try:
            self.dispatcher.dispatch(job_id, engine)
        except Exception:
            logger.exception("dispatch failed", extra={"job_id": job_id})

    def status(self, job_id: str) -> JobStatus:
        return self.jobs.status(job_id)

    def of_conversation(self, conversation_id: str) -> list[JobStatus]:
        return self.jobs.of_conversation(conversation_id)

    def last_event_id(self, conversation_id: str) -> int:
        return self.jobs.last_event_id(conversation_id)

    def cancel(self, job_id: str) -> JobState:
        return self.jobs.request_cancel(job_id)

    def events(
        self, *, conversation_id: str | None = None, job_id: str | None = None, after: int = 0, limit: int = 1000
    ) -> list[JobEvent]:
        return self.jobs.events(conversation_id=conversation_id, job_id=job_id, after=after, limit=limit)

    def sweep(self, *, redispatch_after_s: float = 60.0) -> list[str]:
        """Requeue jobs whose worker died, and re-dispatch queued jobs nobody picked up."""
        self.jobs.recover(stale_after_s=self.stale_after_s)
        forgotten = self.jobs.queued(dispatched_s_ago=redispatch_after_s, limit=100)
        self._dispatch(forgotten)
        return forgotten

    def _dispatch(self, job_ids: list[str]) -> None:
        for job_id in job_ids:
            try:
                self.dispatcher.dispatch(job_id, self.jobs.engine_of(job_id))
            except Exception:  # the job stays queued; sweep() dispatches it again
                logger.exception("dispatch failed", extra={"job_id": job_id})
                continue
        self.jobs.mark_dispatched(job_ids)
