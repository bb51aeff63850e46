"""``GET /api/usage``: the caller's own usage this day and month, and its site's quotas (what is
left, when each resets), e.g. for a widget that shows "2 of 5 videos left today"."""

from __future__ import annotations

from datetime import UTC, datetime

import anyio
from fastapi import APIRouter
from pydantic import BaseModel

from botkit.store.usage import window_start

from ..schemas import ErrorOut
from ..services import Current, Services
from .common import PREFIX

router = APIRouter(prefix=PREFIX, tags=["usage"], responses={code: {"model": ErrorOut} for code in (401, 403, 422)})


class UsageTotals(BaseModel):
    jobs: int
    engine_s: float
    video_s: float
    bytes: int


class QuotaOut(BaseModel):
    limit: str  # daily_jobs | monthly_video_s ...
    used: float
    max: float
    left: float
    resets_at: datetime


class UsageOut(BaseModel):
    tenant: str | None
    today: UsageTotals
    this_month: UsageTotals
    quotas: list[QuotaOut]


def totals(rows: list[dict]) -> UsageTotals:
    return UsageTotals(
        jobs=sum(r["jobs"] for r in rows),
        engine_s=round(sum(r["engine_s"] for r in rows), 3),
        video_s=round(sum(r["video_s"] for r in rows), 3),
        bytes=sum(r["bytes"] for r in rows),
    )


@router.get("/usage", response_model=UsageOut, summary="Your usage (succeeded jobs) and your site's quotas")
async def get_usage(services: Services, principal: Current) -> UsageOut:
    bot = services.bot

    def read() -> UsageOut:
        usage = bot.context.jobs.usage
        now = datetime.now(UTC)
        owner = principal.owner
        today = usage.report(since=window_start("day", now), by="user", owner=owner)
        month = usage.report(since=window_start("month", now), by="user", owner=owner)
        return UsageOut(
            tenant=f"site:{principal.site.site_key}",
            today=totals(today),
            this_month=totals(month),
            quotas=[
                QuotaOut(limit=s.name, used=s.used, max=s.limit, left=s.left, resets_at=s.resets_at)
                for s in usage.standing_of(owner)
            ],
        )

    return await anyio.to_thread.run_sync(read)
