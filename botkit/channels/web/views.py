"""Domain objects -> API responses, with signed, expiring asset URLs."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Any
from urllib.parse import urlencode

from botkit.agent.suggest import suggestions_for
from botkit.bot import Bot
from botkit.domain import ShotPlan
from botkit.domain.jobs import JobEvent
from botkit.provenance.disclosure import ai_generated_line

from .schemas import ConversationOut, JobOut, MessageOut, OutputOut, SuggestionOut
from .sites import SiteInfo
from .tokens import sign_asset

QUEUED_PLANS = 1024
"""Plans of jobs queued here lately, kept for their streams' first event."""


class Views:
    def __init__(self, bot: Bot, asset_ttl_s: int) -> None:
        self.bot = bot
        self.asset_ttl_s = asset_ttl_s
        # job id -> (plan as JSON, summary): a job's plan never changes, so the stream that opens
        # right after a POST shows the plan without reading it back (two queries and a validation)
        self._queued: OrderedDict[str, tuple[dict[str, Any], str]] = OrderedDict()
        self._queued_lock = threading.Lock()

    def remember_plan(self, job_id: str, plan: dict[str, Any], summary: str) -> None:
        """The plan of a job just queued here (``plan``: its JSON form, as the POST answered it)."""
        with self._queued_lock:
            self._queued[job_id] = (plan, summary)
            while len(self._queued) > QUEUED_PLANS:
                self._queued.popitem(last=False)

    def queued_plan(self, job_id: str) -> tuple[dict[str, Any], str]:
        with self._queued_lock:
            found = self._queued.get(job_id)
        if found is not None:
            return found
        plan: ShotPlan = self.bot.repo.get_plan(self.bot.jobs.status(job_id).plan_id)
        return plan.model_dump(mode="json"), plan.summary()

    def asset_url(self, base: str, site: SiteInfo, asset_id: str, *, download: bool = False) -> str:
        # expiry rounded to a window so a page reload gets the same URL (browser caches keep working)
        expires = (int(time.time()) // self.asset_ttl_s + 2) * self.asset_ttl_s
        query = {
            "site": site.site_key,
            "exp": expires,
            "sig": sign_asset(site.secret, site.site_key, asset_id, expires),
        }
        if download:
            query["download"] = 1
        return f"{base.rstrip('/')}/api/assets/{asset_id}?{urlencode(query)}"

    def outputs(self, base: str, site: SiteInfo, conversation_id: str, job_id: str | None = None) -> list[OutputOut]:
        subtitles = {
            (row["job_id"], row["platform"]): (row["id"], (row["metrics"] or {}).get("language"))
            for row in self.bot.repo.assets_of(conversation_id, "subtitles", job_id=job_id)
            if row["mime"] == "text/vtt"
        }
        return [
            OutputOut(
                id=output.id,
                job_id=output.job_id,
                platform=output.platform,
                width=output.width,
                height=output.height,
                fps=output.fps,
                duration_s=output.duration_s,
                url=self.asset_url(base, site, output.id),
                download_url=self.asset_url(base, site, output.id, download=True),
                poster_url=self.asset_url(base, site, output.poster_id) if output.poster_id else None,
                disclosure=ai_generated_line(),
                credentials_url=f"{base.rstrip('/')}/api/assets/{output.id}/credentials",
                subtitles_url=self.asset_url(base, site, subtitles[(output.job_id, output.platform)][0])
                if (output.job_id, output.platform) in subtitles
                else None,
                subtitles_language=subtitles.get((output.job_id, output.platform), (None, None))[1],
            )
            for output in self.bot.repo.outputs(conversation_id, job_id=job_id)
            if output.id is not None  # recorded outputs always have their asset id
        ]

    def jobs(self, conversation_id: str) -> list[JobOut]:
        return [
            JobOut(
                id=status.id,
                plan_id=status.plan_id,
                state=status.state.value,
                attempts=status.attempts,
                error=status.error,
                created_at=status.created_at,
                finished_at=status.finished_at,
                purpose=status.purpose,
                decision=status.decision,
                preview_id=status.preview_id,
            )
            for status in self.bot.jobs.of_conversation(conversation_id)
        ]

    def conversation(self, base: str, site: SiteInfo, row: dict[str, Any]) -> ConversationOut:
        conversation_id = row["id"]
        image_ids = self.bot.repo.input_images(conversation_id)
        messages = [
            MessageOut(
                id=message["id"],
                role=message["role"],
                text=message["text"],
                images=[
                    self.asset_url(base, site, image_ids[path])
                    for path in (message["attachments"] or {}).get("images", [])
                    if path in image_ids
                ],
                created_at=message["created_at"],
            )
            for message in self.bot.repo.messages(conversation_id)
        ]
        try:
            _plan_id, plan = self.bot.repo.latest_plan(conversation_id)
        except KeyError:
            plan = None
        return ConversationOut(
            id=conversation_id,
            channel=row["channel"],
            created_at=row["created_at"],
            messages=messages,
            plan=None if plan is None else plan.model_dump(mode="json"),
            summary=None if plan is None else plan.summary(),
            jobs=self.jobs(conversation_id),
            outputs=self.outputs(base, site, conversation_id),
            suggestions=[] if plan is None else [SuggestionOut(**s.model_dump()) for s in suggestions_for(plan)],
            last_event_id=self.bot.jobs.last_event_id(conversation_id),
        )

    def events(self, base: str, site: SiteInfo, events: list[JobEvent]) -> list[dict[str, Any]]:
        return [self.event(base, site, event) for event in events]

    def event(self, base: str, site: SiteInfo, event: JobEvent) -> dict[str, Any]:
        """One log entry as the stream sends it: the plan rides on ``queued``, signed outputs on ``done``."""
        data = dict(event.data)
        if event.kind == "queued" and event.job_id:
            data["plan"], data["summary"] = self.queued_plan(event.job_id)
        elif event.kind == "done":
            data["outputs"] = [o.model_dump() for o in self.outputs(base, site, event.conversation_id, event.job_id)]
            if event.job_id:  # the buttons under this video fit this video's plan
                plan = self.bot.repo.get_plan(self.bot.jobs.status(event.job_id).plan_id)
                data["suggestions"] = [s.model_dump() for s in suggestions_for(plan)]
        return {
            "id": event.id,
            "job_id": event.job_id,
            "kind": event.kind,
            "data": data,
            "created_at": event.created_at.isoformat(),
        }
