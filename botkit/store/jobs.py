"""Render job rows and the event log: the source of truth for every job's state.

Every state change is one conditional UPDATE, so two workers can never both claim or both
complete a job: ``claim`` takes a queued job (or a running one whose worker stopped sending
heartbeats), ``complete`` records outputs and success only while the caller still owns the job.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import DateTime, and_, bindparam, func, insert, or_, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from botkit.domain.jobs import JobEvent, JobState, JobStatus
from botkit.errors import InputError
from botkit.store import models
from botkit.store.db import changed_rows
from botkit.store.notify import EVENTS, JOBS, notify
from botkit.store.repo import NewAsset, Repository
from botkit.store.usage import UsageRepository, tenant_parts

ACTIVE_STATES = (JobState.QUEUED.value, JobState.RUNNING.value)
ACTIVE_LOCKS, QUOTA_LOCKS = 1, 2
"""PostgreSQL advisory lock spaces (the first key of ``pg_advisory_xact_lock(int, int)``): an
owner's active-job count, a tenant's quota."""

# statements each chat POST runs, built once: their construction and cache keys are paid once
_jobs, _conversations = models.table(models.RenderJob), models.table(models.Conversation)
ADD_JOB = insert(_jobs)
ADD_EVENT = insert(models.table(models.JobEvent)).returning(models.table(models.JobEvent).c.id)
_owner_of = select(_conversations.c.owner).where(_conversations.c.id == bindparam("cid")).scalar_subquery()
COUNT_ACTIVE = (
    select(func.count())
    .select_from(_jobs)
    .where(
        _jobs.c.conversation_id.in_(
            select(_conversations.c.id).where(
                or_(_conversations.c.owner == _owner_of, _conversations.c.id == bindparam("cid"))
            )
        ),
        _jobs.c.state.in_(ACTIVE_STATES),
    )
)
"""Queued or running jobs of every conversation with the same owner as ``cid`` (or of ``cid``)."""
ACTIVE_OF = (
    select(func.count())
    .select_from(_jobs.join(_conversations, _conversations.c.id == _jobs.c.conversation_id))
    .where(_conversations.c.owner == bindparam("owner"), _jobs.c.state.in_(ACTIVE_STATES))
)
"""Queued or running jobs of an owner's conversations (the web's pre-check, before planning)."""
_events = models.table(models.JobEvent)
_EVENT_COLUMNS = (
    _events.c.id,
    _events.c.conversation_id,
    _events.c.job_id,
    _events.c.kind,
    _events.c.data,
    _events.c.created_at,
)
CONVERSATION_EVENTS = (
    select(*_EVENT_COLUMNS)
    .where(_events.c.conversation_id == bindparam("cid"), _events.c.id > bindparam("after"))
    .order_by(_events.c.id)
    .limit(bindparam("limit"))
)
"""A conversation's events after ``after``, oldest first (what each stream polls)."""
ADVISORY_LOCK = text("SELECT pg_advisory_xact_lock(:space, hashtext(:key))")
SQLITE_WRITE_LOCK = (
    update(_conversations).where(_conversations.c.id == bindparam("cid")).values(skill=_conversations.c.skill)
)
"""A no-op write: takes SQLite's one write lock until commit."""


class TooManyJobs(InputError):
    """The owner has as many queued or running jobs as allowed (HTTP 429)."""

    http_status = 429

    def __init__(self, message: str, active: int, limit: int, retry_after_s: float = 10.0) -> None:
        super().__init__(message)
        self.active = active
        self.limit = limit
        self.retry_after_s = retry_after_s


def now() -> datetime:
    return datetime.now(UTC)


def lease_clock(session: Session) -> Any:
    """The clock job leases (claims, heartbeats, staleness) are measured by: the database's on
    PostgreSQL, so a worker whose own clock is off neither loses its job (a slow clock writes old
    heartbeats) nor takes live jobs from others (a fast one sees every heartbeat as stale); this
    process's on SQLite, whose processes all share one machine and so one clock."""
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        return func.statement_timestamp(type_=DateTime(timezone=True))
    return now()


def _status(row: models.RenderJob) -> JobStatus:
    return JobStatus(
        id=row.id,
        conversation_id=row.conversation_id,
        plan_id=row.plan_id,
        state=JobState(row.state),
        engine=row.engine,
        attempts=row.attempts,
        max_attempts=row.max_attempts,
        error=row.error,
        worker=row.worker,
        cancel_requested=row.cancel_requested,
        created_at=row.created_at,
        started_at=row.started_at,
        finished_at=row.finished_at,
        timings=row.timings or {},
        purpose=row.purpose or "render",
        decision=row.decision,
        preview_id=row.preview_id,
    )


class JobRepository:
    def __init__(self, sessions: sessionmaker[Session], usage: UsageRepository | None = None) -> None:
        self.sessions = sessions
        self.usage = usage or UsageRepository(sessions)  # the ledger; its quotas are checked at submit

    # -- submit / read ---------------------------------------------------------------------------

    def create(
        self,
        conversation_id: str,
        plan_id: str,
        engine: str,
        *,
        idempotency_key: str | None = None,
        max_attempts: int = 3,
        max_active: int | None = None,
        purpose: str = "render",
        preview_id: str | None = None,
    ) -> tuple[str, bool]:
        """Insert a queued job; returns (job id, created). A repeated idempotency key returns the
        existing job instead of creating a second one. ``max_active``: refuse (``TooManyJobs``)
        when the conversation's owner already has that many jobs queued or running."""
        if idempotency_key is not None:
            existing = self.find_by_key(idempotency_key)
            if existing is not None:
                return existing, False
        try:
            with self.sessions.begin() as session:
                job_id = self.create_in(
                    session,
                    conversation_id,
                    plan_id,
                    engine,
                    idempotency_key=idempotency_key,
                    max_attempts=max_attempts,
                    max_active=max_active,
                    purpose=purpose,
                    preview_id=preview_id,
                )
        except IntegrityError:
            existing = self.find_by_key(idempotency_key) if idempotency_key else None
            if existing is None:
                raise
            return existing, False  # lost a race with an identical submit
        return job_id, True

    def create_in(
        self,
        session: Session,
        conversation_id: str,
        plan_id: str,
        engine: str,
        *,
        idempotency_key: str | None = None,
        max_attempts: int = 3,
        max_active: int | None = None,
        dispatched: bool = False,
        owner: str | None = None,
        purpose: str = "render",
        preview_id: str | None = None,
    ) -> str:
        """Insert a queued job and its ``queued`` event in the caller's transaction (a web POST
        writes its turn, its job and the event its stream shows first in one commit). ``dispatched``:
        the caller tells a worker right after the commit, so no separate write marks it. ``owner``:
        the conversation's owner when the caller knows it (saves a query)."""
        if owner is None and (max_active is not None or self.usage.quotas.rules):
            owner = session.scalar(select(models.Conversation.owner).where(models.Conversation.id == conversation_id))
        if max_active is not None:
            self._check_active(session, conversation_id, max_active, owner=owner)
        if self.usage.quotas.rules:  # the tenant's daily/monthly limits (QuotaExceeded)
            tenant = tenant_parts(owner)[0]
            if tenant is not None and self.usage.quotas.rule_for(tenant) is not None:
                # a tenant's submits take turns until commit: two at the edge of its quota
                # cannot both count the same "1 left" (other users of the same site included)
                self._take_turns(session, conversation_id, QUOTA_LOCKS, tenant)
            self.usage.check(session, owner)
        job_id = models.new_id()
        session.execute(
            ADD_JOB,
            {
                "id": job_id,
                "conversation_id": conversation_id,
                "plan_id": plan_id,
                "engine": engine,
                "idempotency_key": idempotency_key,
                "max_attempts": max_attempts,
                "state": JobState.QUEUED.value,
                "dispatched_at": now() if dispatched else None,
                "purpose": purpose,
                "preview_id": preview_id,
            },
        )
        queued: dict[str, Any] = {"engine": engine}
        if purpose != "render":
            queued["purpose"] = purpose
        if preview_id is not None:
            queued["preview_id"] = preview_id
        self._event(session, conversation_id, job_id, "queued", queued, wake=False)
        # the stream and a runner waiting on PostgreSQL wake at commit (one statement for both)
        notify(session, (EVENTS, conversation_id), (JOBS, engine))
        return job_id

    def active_of_owner(self, conversation_id: str) -> int:
        """Queued or running jobs of every conversation with the same owner as this one."""
        with self.sessions() as session:
            return self._count_active(session, conversation_id)

    def active_of(self, owner: str) -> int:
        """Queued or running jobs of an owner's conversations (e.g. one web user)."""
        with self.sessions() as session:
            return int(session.scalar(ACTIVE_OF, {"owner": owner}) or 0)

    @staticmethod
    def _count_active(session: Session, conversation_id: str) -> int:
        return int(session.scalar(COUNT_ACTIVE, {"cid": conversation_id}) or 0)

    @staticmethod
    def _take_turns(session: Session, conversation_id: str, space: int, key: str) -> None:
        """Hold a lock on ``key`` until the transaction ends, so submits that count the same
        thing take turns: a PostgreSQL advisory lock (``space``: which kind of key), or on SQLite
        its one write lock (a no-op write; nothing else can count until this commits)."""
        if session.bind is not None and session.bind.dialect.name == "postgresql":
            session.execute(ADVISORY_LOCK, {"space": space, "key": key})
        else:
            session.execute(SQLITE_WRITE_LOCK, {"cid": conversation_id})

    def _check_active(self, session: Session, conversation_id: str, limit: int, *, owner: str | None = None) -> None:
        # one owner's submits take turns, so two at once cannot both pass the count
        if owner is None and session.bind is not None and session.bind.dialect.name == "postgresql":
            owner = session.scalar(select(models.Conversation.owner).where(models.Conversation.id == conversation_id))
        self._take_turns(session, conversation_id, ACTIVE_LOCKS, owner or conversation_id)
        active = self._count_active(session, conversation_id)
        if active >= limit:
            raise TooManyJobs(
                f"{active} of your videos are already queued or rendering; at most {limit} at a time are allowed. "
                "Wait for one to finish (or cancel one), then send this again.",
                active,
                limit,
            )

    def find_by_key(self, idempotency_key: str) -> str | None:
        with self.sessions() as session:
            return session.scalar(
                select(models.RenderJob.id).where(models.RenderJob.idempotency_key == idempotency_key)
            )

    def status(self, job_id: str) -> JobStatus:
        with self.sessions() as session:
            row = session.get(models.RenderJob, job_id)
            if row is None:
                raise KeyError(f"no job {job_id!r}")
            return _status(row)

    def of_conversation(self, conversation_id: str) -> list[JobStatus]:
        """Every job of one conversation, oldest first (one query)."""
        with self.sessions() as session:
            rows = session.scalars(
                select(models.RenderJob)
                .where(models.RenderJob.conversation_id == conversation_id)
                .order_by(models.RenderJob.created_at, models.RenderJob.id)
            ).all()
            return [_status(row) for row in rows]

    # -- preview first ---------------------------------------------------------------------------

    def previews(self, conversation_id: str) -> list[JobStatus]:
        """The conversation's preview jobs, newest first."""
        job = models.RenderJob
        with self.sessions() as session:
            rows = session.scalars(
                select(job)
                .where(job.conversation_id == conversation_id, job.purpose == "preview")
                .order_by(job.created_at.desc(), job.id.desc())
            ).all()
            return [_status(row) for row in rows]

    def decide(self, preview_id: str, decision: str) -> bool:
        """Record a preview's decision once (one conditional UPDATE: of two approvals at the same
        moment, one wins). False when it was decided already."""
        job = models.RenderJob
        with self.sessions.begin() as session:
            changed = changed_rows(
                session,
                update(job)
                .where(job.id == preview_id, job.purpose == "preview", job.decision.is_(None))
                .values(decision=decision),
            )
            if changed:
                row = session.get(job, preview_id)
                assert row is not None
                self._event(session, row.conversation_id, preview_id, "preview_" + decision, {})
        return bool(changed)

    def supersede(self, conversation_id: str, keep: str) -> list[str]:
        """Mark the conversation's undecided previews other than ``keep`` as superseded."""
        job = models.RenderJob
        with self.sessions.begin() as session:
            ids = list(
                session.scalars(
                    select(job.id).where(
                        job.conversation_id == conversation_id,
                        job.purpose == "preview",
                        job.decision.is_(None),
                        job.id != keep,
                    )
                )
            )
            if ids:
                session.execute(
                    update(job).where(job.id.in_(ids), job.decision.is_(None)).values(decision="superseded")
                )
                for preview_id in ids:
                    self._event(session, conversation_id, preview_id, "preview_superseded", {"by": keep})
        return ids

    def approved_from(self, preview_id: str) -> str | None:
        """The render job approved from a preview, if one was created."""
        job = models.RenderJob
        with self.sessions() as session:
            return session.scalar(select(job.id).where(job.preview_id == preview_id).order_by(job.created_at).limit(1))

    def queued(
        self,
        *,
        engine: str | None = None,
        limit: int = 10,
        dispatched_before: datetime | None = None,
        dispatched_s_ago: float | None = None,
    ) -> list[str]:
        """Oldest queued jobs first; ``dispatched_s_ago``: only those not dispatched in that many
        seconds (by the lease clock)."""
        query = select(models.RenderJob.id).where(models.RenderJob.state == JobState.QUEUED.value)
        if engine is not None:
            query = query.where(models.RenderJob.engine == engine)
        with self.sessions() as session:
            if dispatched_s_ago is not None:
                dispatched_before = lease_clock(session) - timedelta(seconds=dispatched_s_ago)
            if dispatched_before is not None:
                query = query.where(
                    or_(models.RenderJob.dispatched_at.is_(None), models.RenderJob.dispatched_at < dispatched_before)
                )
            return list(session.scalars(query.order_by(models.RenderJob.created_at).limit(limit)))

    def queue_depth(self) -> dict[str, int]:
        """Queued jobs per engine (one GROUP BY; the metrics read it when scraped)."""
        job = models.RenderJob
        with self.sessions() as session:
            rows = session.execute(
                select(job.engine, func.count()).where(job.state == JobState.QUEUED.value).group_by(job.engine)
            ).all()
        return {engine: int(count) for engine, count in rows}

    def engine_of(self, job_id: str) -> str:
        return self.status(job_id).engine

    def mark_dispatched(self, job_ids: Iterable[str]) -> None:
        ids = list(job_ids)
        if ids:
            with self.sessions.begin() as session:
                session.execute(
                    update(models.RenderJob)
                    .where(models.RenderJob.id.in_(ids))
                    .values(dispatched_at=lease_clock(session))
                )

    # -- a worker's life cycle -------------------------------------------------------------------

    def claim(self, job_id: str, worker: str, *, stale_after_s: float) -> bool:
        """Take the job for ``worker``: queued, or running with a stale heartbeat (its worker died)."""
        job = models.RenderJob
        with self.sessions.begin() as session:
            clock = lease_clock(session)
            stale = clock - timedelta(seconds=stale_after_s)
            claimed = changed_rows(
                session,
                update(job)
                .where(
                    job.id == job_id,
                    job.attempts < job.max_attempts,
                    job.cancel_requested.is_(False),
                    or_(
                        job.state == JobState.QUEUED.value,
                        and_(job.state == JobState.RUNNING.value, job.heartbeat_at < stale),
                    ),
                )
                .values(
                    state=JobState.RUNNING.value,
                    attempts=job.attempts + 1,
                    worker=worker,
                    started_at=clock,
                    heartbeat_at=clock,
                    error=None,
                ),
            )
            if claimed:
                row = session.get(job, job_id)
                assert row is not None
                self._event(
                    session, row.conversation_id, job_id, "started", {"attempt": row.attempts, "worker": worker}
                )
            return bool(claimed)

    def heartbeat(self, job_id: str, worker: str) -> bool:
        """Refresh the heartbeat; returns True when a cancel was requested (or the job was lost)."""
        job = models.RenderJob
        with self.sessions.begin() as session:
            touched = changed_rows(
                session,
                update(job)
                .where(job.id == job_id, job.worker == worker, job.state == JobState.RUNNING.value)
                .values(heartbeat_at=lease_clock(session)),
            )
            if not touched:
                return True  # someone else owns it now: stop
            return bool(session.scalar(select(job.cancel_requested).where(job.id == job_id)))

    def complete(self, job_id: str, worker: str, assets: list[NewAsset], reply: str, timings: dict[str, Any]) -> bool:
        """Record outputs and success atomically, only if ``worker`` still owns the running job."""
        job = models.RenderJob
        with self.sessions.begin() as session:
            owned = changed_rows(
                session,
                update(job)
                .where(job.id == job_id, job.worker == worker, job.state == JobState.RUNNING.value)
                .values(state=JobState.SUCCEEDED.value, finished_at=now(), timings=timings),
            )
            if not owned:
                session.rollback()
                return False
            row = session.get(job, job_id)
            assert row is not None
            for asset in assets:
                session.add(Repository.asset_row(row.conversation_id, job_id, asset))
            owner = session.scalar(
                select(models.Conversation.owner).where(models.Conversation.id == row.conversation_id)
            )
            UsageRepository.record_in(session, row, assets, timings, owner)
            session.add(models.Message(conversation_id=row.conversation_id, role="assistant", text=reply))
            outputs = [
                {"platform": a.platform, "path": a.stored.path, "kind": a.kind, "width": a.width, "height": a.height}
                for a in assets
                if a.kind in ("video", "poster")
            ]
            self._event(session, row.conversation_id, job_id, "done", {"outputs": outputs, "reply": reply})
            return True

    def finish(
        self,
        job_id: str,
        worker: str | None,
        state: JobState,
        error: str | None = None,
        *,
        engine_s: float | None = None,
    ) -> bool:
        """End a job as failed or cancelled (only while ``worker`` owns it, or any worker if None).
        ``engine_s``: the engine seconds the attempt spent; they are written to the usage ledger in
        the same transaction (no video delivered), so a tenant pays for renders that failed too."""
        job = models.RenderJob
        conditions = [job.id == job_id, job.state.in_([JobState.RUNNING.value, JobState.QUEUED.value])]
        if worker is not None:
            conditions.append(job.worker == worker)
        with self.sessions.begin() as session:
            changed = changed_rows(
                session, update(job).where(*conditions).values(state=state.value, error=error, finished_at=now())
            )
            if changed:
                row = session.get(job, job_id)
                assert row is not None
                data = {"error": error} if error else {}
                self._event(session, row.conversation_id, job_id, state.value, data)
                if engine_s is not None:
                    owner = session.scalar(
                        select(models.Conversation.owner).where(models.Conversation.id == row.conversation_id)
                    )
                    UsageRepository.record_in(session, row, [], {"render_s": round(engine_s, 3)}, owner)
            return bool(changed)

    def request_cancel(self, job_id: str) -> JobState:
        """Cancel a queued job at once; ask a running one to stop. Returns the state after."""
        job = models.RenderJob
        self.finish_queued(job_id)
        with self.sessions.begin() as session:
            session.execute(
                update(job).where(job.id == job_id, job.state == JobState.RUNNING.value).values(cancel_requested=True)
            )
        return self.status(job_id).state

    def finish_queued(self, job_id: str) -> None:
        job = models.RenderJob
        with self.sessions.begin() as session:
            changed = changed_rows(
                session,
                update(job)
                .where(job.id == job_id, job.state == JobState.QUEUED.value)
                .values(state=JobState.CANCELLED.value, finished_at=now(), cancel_requested=True),
            )
            if changed:
                row = session.get(job, job_id)
                assert row is not None
                self._event(session, row.conversation_id, job_id, "cancelled", {})

    def recover(self, *, stale_after_s: float) -> list[str]:
        """Running jobs whose worker stopped: back to queued while attempts remain, else failed."""
        job = models.RenderJob
        requeued = []
        with self.sessions.begin() as session:
            stale = lease_clock(session) - timedelta(seconds=stale_after_s)
            rows = session.scalars(
                select(job).where(job.state == JobState.RUNNING.value, job.heartbeat_at < stale).with_for_update()
            ).all()
            for row in rows:
                if row.cancel_requested:
                    row.state, row.finished_at = JobState.CANCELLED.value, now()
                    self._event(session, row.conversation_id, row.id, "cancelled", {})
                elif row.attempts >= row.max_attempts:
                    row.state, row.finished_at = JobState.FAILED.value, now()
                    row.error = (
                        f"the render stopped {row.attempts} time(s) because its worker died "
                        f"(last: {row.worker}); giving up after {row.max_attempts} attempts"
                    )
                    self._event(session, row.conversation_id, row.id, "failed", {"error": row.error})
                else:
                    row.state, row.dispatched_at = JobState.QUEUED.value, None
                    self._event(
                        session, row.conversation_id, row.id, "retrying", {"reason": f"worker {row.worker} stopped"}
                    )
                    requeued.append(row.id)
        return requeued

    # -- events ----------------------------------------------------------------------------------

    def add_event(self, conversation_id: str, job_id: str | None, kind: str, data: dict[str, Any]) -> int:
        with self.sessions.begin() as session:
            return self._event(session, conversation_id, job_id, kind, data)

    def last_event_id(self, conversation_id: str) -> int:
        """The id of the conversation's newest event, 0 when it has none (a stream resumes after it)."""
        with self.sessions() as session:
            last = session.scalar(
                select(func.max(models.JobEvent.id)).where(models.JobEvent.conversation_id == conversation_id)
            )
            return int(last or 0)

    def events(
        self, *, conversation_id: str | None = None, job_id: str | None = None, after: int = 0, limit: int = 1000
    ) -> list[JobEvent]:
        if conversation_id is not None and job_id is None:
            query, params = CONVERSATION_EVENTS, {"cid": conversation_id, "after": after, "limit": limit}
        else:
            query, params = select(*_EVENT_COLUMNS).where(_events.c.id > after), {}
            if conversation_id is not None:
                query = query.where(_events.c.conversation_id == conversation_id)
            if job_id is not None:
                query = query.where(_events.c.job_id == job_id)
            query = query.order_by(_events.c.id).limit(limit)
        with self.sessions() as session:
            return [
                JobEvent(id=i, conversation_id=c, job_id=j, kind=k, data=d, created_at=t)
                for i, c, j, k, d, t in session.execute(query, params)
            ]

    @staticmethod
    def _event(
        session: Session,
        conversation_id: str,
        job_id: str | None,
        kind: str,
        data: dict[str, Any],
        *,
        wake: bool = True,
    ) -> int:
        session.flush()  # the caller's pending rows first (a no-op when there are none)
        event_id = session.execute(
            ADD_EVENT, {"conversation_id": conversation_id, "job_id": job_id, "kind": kind, "data": data}
        ).scalar_one()
        if wake:  # streams of this conversation wake at commit (PostgreSQL)
            notify(session, (EVENTS, conversation_id))
        return int(event_id)
