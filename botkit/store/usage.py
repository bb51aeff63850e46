"""Usage and quotas per tenant: what each job cost, and the daily/monthly limits a deployment sets.

A tenant is who pays: a widget site (``site:<key>``) or a Slack workspace (``slack:<team>``), read
from the conversation's owner. A finished job writes one ``job_usage`` row in the transaction that
ends it (engine seconds, video seconds delivered, bytes stored): a failed or cancelled render pays
its engine seconds with 0 seconds of video. A submit checks the tenant's limits in the transaction
that queues the job, holding a lock on the tenant until it commits (two submits at the edge of a
quota take turns), so a job that is already running always finishes and the next one is refused
with when the quota resets. Windows are calendar days and months in UTC.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from botkit.errors import InputError
from botkit.store import models

Period = Literal["day", "month"]
MEASURES = ("jobs", "video_s", "engine_s")
LIMIT_NAMES = tuple(f"{period}_{measure}" for period in ("daily", "monthly") for measure in MEASURES)
"""The keys a quota rule may set: daily_jobs, daily_video_s, daily_engine_s, monthly_..."""
WHAT = {"jobs": "videos", "video_s": "seconds of video", "engine_s": "engine seconds"}


class QuotaExceeded(InputError):
    """The tenant used up a daily or monthly quota (HTTP 429); ``retry_after_s``: until it resets."""

    http_status = 429

    def __init__(self, message: str, retry_after_s: float, resets_at: datetime) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s
        self.resets_at = resets_at


def tenant_parts(owner: str | None) -> tuple[str | None, str | None, str | None]:
    """(tenant, site, workspace) of a conversation owner: ``site:<key>:...`` -> a site,
    ``slack:<team>:...`` -> a Slack workspace; anything else (CLI, Python) has no tenant."""
    if not owner:
        return None, None, None
    parts = owner.split(":")
    if len(parts) >= 2 and parts[0] == "site" and parts[1]:
        return f"site:{parts[1]}", parts[1], None
    if len(parts) >= 2 and parts[0] == "slack" and parts[1]:
        return f"slack:{parts[1]}", None, parts[1]
    return None, None, None


def window_start(period: Period, at: datetime) -> datetime:
    at = at.astimezone(UTC)
    day = at.replace(hour=0, minute=0, second=0, microsecond=0)
    return day if period == "day" else day.replace(day=1)


def window_end(period: Period, at: datetime) -> datetime:
    start = window_start(period, at)
    if period == "day":
        return start + timedelta(days=1)
    return (start + timedelta(days=32)).replace(day=1)


@dataclass(frozen=True)
class QuotaRule:
    """Limits for one tenant; None: no limit on that measure."""

    limits: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        unknown = sorted(set(self.limits) - set(LIMIT_NAMES))
        if unknown:
            raise ValueError(f"unknown quota limit(s) {', '.join(unknown)}; allowed: {', '.join(LIMIT_NAMES)}")
        negative = [name for name, value in self.limits.items() if value < 0]
        if negative:
            raise ValueError(f"quota limit(s) {', '.join(negative)} must be 0 or more")


@dataclass(frozen=True)
class Quotas:
    """Rules by tenant (``site:<key>``, ``slack:<team>``), with ``"*"`` for every other tenant."""

    rules: dict[str, QuotaRule] = field(default_factory=dict)

    @classmethod
    def from_mapping(cls, raw: dict[str, dict[str, float]]) -> Quotas:
        return cls({tenant: QuotaRule(dict(limits)) for tenant, limits in raw.items()})

    def rule_for(self, tenant: str | None) -> QuotaRule | None:
        if tenant is None:
            return None
        return self.rules.get(tenant) or self.rules.get("*")


@dataclass(frozen=True)
class Standing:
    """One limit of one tenant right now."""

    name: str  # e.g. daily_jobs
    used: float
    limit: float
    resets_at: datetime

    @property
    def left(self) -> float:
        return max(0.0, self.limit - self.used)


class UsageRepository:
    def __init__(self, sessions: sessionmaker[Session], quotas: Quotas | None = None) -> None:
        self.sessions = sessions
        self.quotas = quotas or Quotas()

    # -- the ledger ------------------------------------------------------------------------------

    @staticmethod
    def record_in(
        session: Session, job: models.RenderJob, assets: Iterable[Any], timings: dict[str, Any], owner: str | None
    ) -> None:
        """One finished job's usage row, in the transaction that ends it. ``assets``: the outputs
        being recorded (videos give the seconds; none for a failed job); bytes are every file of
        the job, its new clips (recorded as they were stored) included."""
        tenant, site, workspace = tenant_parts(owner)
        assets = list(assets)
        session.flush()
        stored = session.scalar(
            select(func.coalesce(func.sum(models.Asset.bytes), 0)).where(models.Asset.job_id == job.id)
        )
        session.add(
            models.JobUsage(
                job_id=job.id,
                conversation_id=job.conversation_id,
                tenant=tenant,
                site=site,
                workspace=workspace,
                user=owner,
                engine=job.engine,
                engine_s=float(timings.get("render_s") or 0.0),
                video_s=round(sum(a.duration_s or 0.0 for a in assets if a.kind == "video"), 3),
                bytes=int(stored or 0),
            )
        )

    # -- quotas ------------------------------------------------------------------------------------

    def used(self, session: Session, tenant: str, period: Period, at: datetime) -> dict[str, float]:
        """jobs (queued, running or finished: every submit counts), video_s and engine_s of a tenant in
        the window holding ``at``."""
        start, end = window_start(period, at), window_end(period, at)
        site_or_team = tenant.split(":", 1)
        prefix = f"{site_or_team[0]}:{site_or_team[1]}:"
        conversation, job, usage = models.Conversation, models.RenderJob, models.JobUsage
        jobs = session.scalar(
            select(func.count())
            .select_from(job)
            .join(conversation, conversation.id == job.conversation_id)
            .where(
                (conversation.owner == tenant) | conversation.owner.startswith(prefix, autoescape=True),
                job.created_at >= start,
                job.created_at < end,
            )
        )
        video_s, engine_s = session.execute(
            select(func.coalesce(func.sum(usage.video_s), 0.0), func.coalesce(func.sum(usage.engine_s), 0.0)).where(
                usage.tenant == tenant, usage.created_at >= start, usage.created_at < end
            )
        ).one()
        return {"jobs": float(jobs or 0), "video_s": float(video_s or 0.0), "engine_s": float(engine_s or 0.0)}

    def standing(self, session: Session, tenant: str | None, at: datetime | None = None) -> list[Standing]:
        """Every limit set for the tenant, with what is used of it now."""
        rule = self.quotas.rule_for(tenant)
        if rule is None or not rule.limits or tenant is None:
            return []
        at = at or datetime.now(UTC)
        out = []
        for period, prefix in (("day", "daily"), ("month", "monthly")):
            names = [m for m in MEASURES if f"{prefix}_{m}" in rule.limits]
            if not names:
                continue
            used = self.used(session, tenant, period, at)  # type: ignore[arg-type]
            for measure in names:
                out.append(
                    Standing(
                        f"{prefix}_{measure}",
                        used[measure],
                        rule.limits[f"{prefix}_{measure}"],
                        window_end(period, at),  # type: ignore[arg-type]
                    )
                )
        return out

    def check(self, session: Session, owner: str | None, at: datetime | None = None) -> None:
        """Refuse (``QuotaExceeded``) a new job when its tenant used up any of its limits."""
        tenant, _site, _workspace = tenant_parts(owner)
        at = at or datetime.now(UTC)
        for standing in self.standing(session, tenant, at):
            if standing.used >= standing.limit:
                raise QuotaExceeded(
                    refusal(tenant or "", standing, at), (standing.resets_at - at).total_seconds(), standing.resets_at
                )

    def standing_of(self, owner: str | None) -> list[Standing]:
        with self.sessions() as session:
            return self.standing(session, tenant_parts(owner)[0])

    # -- reports ---------------------------------------------------------------------------------

    def report(
        self, *, since: datetime | None = None, by: Literal["tenant", "user"] = "tenant", owner: str | None = None
    ) -> list[dict[str, Any]]:
        """Totals per tenant (or per user): jobs, engine_s, video_s, bytes; newest use last."""
        usage = models.JobUsage
        key = usage.tenant if by == "tenant" else usage.user
        query = select(
            key.label("key"),
            func.count().label("jobs"),
            func.coalesce(func.sum(usage.engine_s), 0.0).label("engine_s"),
            func.coalesce(func.sum(usage.video_s), 0.0).label("video_s"),
            func.coalesce(func.sum(usage.bytes), 0).label("bytes"),
            func.max(usage.created_at).label("last"),
        ).group_by(key)
        if since is not None:
            query = query.where(usage.created_at >= since)
        if owner is not None:
            query = query.where(usage.user == owner)
        with self.sessions() as session:
            rows = session.execute(query.order_by(key)).all()
        return [
            {
                by: row.key,
                "jobs": int(row.jobs),
                "engine_s": round(float(row.engine_s), 3),
                "video_s": round(float(row.video_s), 3),
                "bytes": int(row.bytes),
                "last": row.last,
            }
            for row in rows
        ]


def refusal(tenant: str, standing: Standing, at: datetime) -> str:
    period, measure = standing.name.split("_", 1)
    wait = standing.resets_at - at
    hours, rest = divmod(int(wait.total_seconds()), 3600)
    when = standing.resets_at.strftime("%Y-%m-%d %H:%M UTC")
    shown = f"{standing.limit:g}"
    return (
        f"the {period} quota of {shown} {WHAT[measure]} for {tenant} is used up ({standing.used:g} used); "
        f"it resets at {when} (in {hours} h {rest // 60} min). Videos already rendering still finish."
    )
