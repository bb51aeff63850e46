"""Job watchers: one thread per job reads the durable event log and edits one status message.

The status message is updated with ``chat.update`` at every stage change and at most every
``update_every_s`` seconds while shots render (Slack rate-limits edits). When the job is done the
videos and posters go into the thread with ``files_upload_v2`` and the status gets result buttons.
Where a watcher got to is stored (``SlackRecords``), so a restarted process picks up where it left.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from slack_sdk.errors import SlackApiError

from botkit.bot import Bot
from botkit.channels.slack import messages
from botkit.channels.slack.blocks import describe_outputs, escape, result_blocks, status_blocks
from botkit.channels.slack.records import JobRecord, SlackRecords
from botkit.channels.slack.settings import SlackSettings
from botkit.domain import ShotPlan
from botkit.domain.jobs import JobEvent

logger = logging.getLogger(__name__)

FINAL_KINDS = ("done", "failed", "cancelled")


def describe(event: JobEvent, platforms: list[str]) -> str:
    """One status line for an event."""
    data = event.data
    if event.kind == "queued":
        return messages.QUEUED
    if event.kind == "started":
        return messages.STARTED
    if event.kind == "rendering":
        shots = max(int(data.get("shots") or 1), 1)
        shot = int(data.get("shot") or 0)
        steps = max(int(data.get("steps") or 1), 1)
        percent = round(100 * (shot + min(int(data.get("step") or 0), steps) / steps) / shots)
        return messages.RENDERING.format(shot=shot + 1, shots=shots, percent=percent)
    if event.kind == "post":
        return messages.POST.format(platforms=", ".join(platforms))
    if event.kind == "retrying":
        return messages.RETRYING.format(reason=data.get("reason") or "restarted")
    if event.kind == "failed":
        return messages.FAILED.format(error=escape(str(data.get("error") or "unknown error")))
    if event.kind == "cancelled":
        return messages.CANCELLED
    return messages.UPLOADING


class JobWatcher(threading.Thread):
    """Follows one job until the thread in Slack has its outcome."""

    def __init__(self, bot: Bot, records: SlackRecords, record: JobRecord, client: Any, settings: SlackSettings):
        super().__init__(name=f"slack-watch-{record.job_id[:8]}", daemon=True)
        self.bot = bot
        self.records = records
        self.record = record
        self.client = client
        self.settings = settings
        self.stopping = threading.Event()
        self._shown = ""
        self._shown_kind = ""
        self._shown_at = 0.0

    def run(self) -> None:
        try:
            self.follow()
        except Exception as exc:  # never silent: say so in the thread
            logger.exception("slack watcher failed", extra={"job_id": self.record.job_id})
            self.say(messages.TROUBLE.format(error=type(exc).__name__))

    def follow(self) -> None:
        record = self.record
        plan = self.bot.repo.get_plan(self.bot.jobs.status(record.job_id).plan_id)
        platforms = plan.platforms
        wanted: tuple[str, str] | None = None  # the newest (kind, text) not shown yet
        while not self.stopping.is_set():
            for event in self.bot.jobs.events(job_id=record.job_id, after=record.after):
                if event.kind in FINAL_KINDS:  # ``after`` moves past it only once it was reported
                    self.finish(event, plan)
                    return
                record.after = event.id
                wanted = (event.kind, describe(event, platforms))
            if wanted is not None and self.due(*wanted):
                self.show(*wanted)
                wanted = None
            self.stopping.wait(self.settings.poll_s)

    def due(self, kind: str, text: str) -> bool:
        """Show a new stage after ``min_update_gap_s``; progress within a stage every ``update_every_s``."""
        if text == self._shown:
            return False
        waited = time.monotonic() - self._shown_at
        if kind != self._shown_kind:
            return waited >= self.settings.min_update_gap_s
        return waited >= self.settings.update_every_s

    def show(self, kind: str, text: str) -> None:
        """Edit the status message (the latest state only; older ones were never worth a call)."""
        self._shown, self._shown_kind, self._shown_at = text, kind, time.monotonic()
        self.update(status_blocks(text, job_id=self.record.job_id, running=True), text)
        self.records.save_job(self.record)

    def finish(self, event: JobEvent, plan: ShotPlan) -> None:
        record = self.record
        platforms = plan.platforms
        if event.kind == "done":
            self.show("upload", messages.UPLOADING)
            outputs = self.bot.outputs(record.conversation_id, job_id=record.job_id)
            text = messages.DONE.format(outputs=describe_outputs(outputs))
            try:
                self.upload(outputs, text)
            except SlackApiError as exc:
                logger.warning("upload failed", extra={"job_id": record.job_id, "error": exc.response.get("error")})
                text = messages.UPLOAD_FAILED.format(error=exc.response.get("error"))
                self.say(text)
            self.update(result_blocks(text, record.conversation_id, plan), text)
        else:
            text = describe(event, platforms)
            self.update(status_blocks(text, job_id=record.job_id, running=False), text)
            if event.kind == "failed":
                self.say(text)
        record.after = event.id
        record.finished = True
        self.records.save_job(record)
        logger.info("slack job reported", extra={"job_id": record.job_id, "kind": event.kind})

    def upload(self, outputs: list[Any], comment: str) -> None:
        """One ``files_upload_v2`` per platform (its video and poster), the comment on the first."""
        for i, output in enumerate(outputs):
            uploads = [{"file": output.path, "filename": f"{output.platform}.mp4", "title": f"{output.platform}"}]
            if output.poster:
                uploads.append({"file": output.poster, "filename": f"{output.platform}-poster.png", "title": "poster"})
            self.client.files_upload_v2(
                file_uploads=uploads,
                channel=self.record.channel,
                thread_ts=self.record.thread_ts,
                initial_comment=comment if i == 0 else None,
            )

    def update(self, blocks: list[dict[str, Any]], text: str) -> None:
        try:
            if self.record.status_ts:
                self.client.chat_update(channel=self.record.channel, ts=self.record.status_ts, text=text, blocks=blocks)
            else:
                response = self.client.chat_postMessage(
                    channel=self.record.channel, thread_ts=self.record.thread_ts, text=text, blocks=blocks
                )
                self.record.status_ts = response["ts"]
        except SlackApiError as exc:
            logger.warning(
                "status update failed", extra={"job_id": self.record.job_id, "error": exc.response.get("error")}
            )

    def say(self, text: str) -> None:
        try:
            self.client.chat_postMessage(channel=self.record.channel, thread_ts=self.record.thread_ts, text=text)
        except SlackApiError as exc:
            logger.warning(
                "thread reply failed", extra={"job_id": self.record.job_id, "error": exc.response.get("error")}
            )


class Watchers:
    """The running watchers of one process; ``client_for(team)`` gives a Web API client per workspace."""

    def __init__(
        self, bot: Bot, records: SlackRecords, settings: SlackSettings, client_for: Callable[[str], Any]
    ) -> None:
        self.bot = bot
        self.records = records
        self.settings = settings
        self.client_for = client_for
        self._threads: dict[str, JobWatcher] = {}
        self._lock = threading.Lock()

    def watch(self, record: JobRecord, client: Any | None = None) -> JobWatcher:
        with self._lock:
            running = self._threads.get(record.job_id)
            if running is not None and running.is_alive():
                return running
            watcher = JobWatcher(self.bot, self.records, record, client or self.client_for(record.team), self.settings)
            self._threads[record.job_id] = watcher
            watcher.start()
            return watcher

    def resume(self) -> list[str]:
        """Watch again every job whose thread has not heard the outcome (after a restart)."""
        resumed = []
        for record in self.records.unfinished_jobs():
            try:
                self.watch(record)
            except Exception:
                logger.exception("could not resume a slack watcher", extra={"job_id": record.job_id})
                continue
            resumed.append(record.job_id)
        return resumed

    def join(self, job_id: str, timeout: float | None = None) -> None:
        watcher = self._threads.get(job_id)
        if watcher is not None:
            watcher.join(timeout)

    def stop(self, timeout: float = 5.0) -> None:
        with self._lock:
            threads = list(self._threads.values())
        for watcher in threads:
            watcher.stopping.set()
        for watcher in threads:
            watcher.join(timeout)
