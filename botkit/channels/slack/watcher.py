"""Job watchers: one thread per job reads the durable event log and reports it in the thread.

Two ways to report: a classic status message, edited with ``chat.update``; or a streamed message
(``botkit.channels.slack.stream``: the plan, one task per shot) for AI-app threads. Either is
updated at every stage change and at most every ``update_every_s`` seconds while shots render
(Slack rate-limits both). In an assistant thread the status line under the composer says the same
("rendering shot 2 of 4…"). When the job is done the videos, posters and caption files go into the
thread (``upload``: files_upload_v2's steps, streamed from disk) and the report gets the result and feedback buttons.

Anything Slack refuses about a stream (rate limited, too long, a workspace without the AI-app
feature, a stream Slack already ended) switches that job to a status message for the rest of its
life; a refused status line is given up. The job itself never hears of it. Where a watcher got to
is stored (``SlackRecords``), so a restarted process picks up where it left.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from slack_sdk.errors import SlackApiError

from botkit.bot import Bot
from botkit.channels.slack import messages
from botkit.channels.slack.blocks import (
    describe_outputs,
    escape,
    feedback_block,
    plan_blocks,
    preview_blocks,
    result_blocks,
    status_blocks,
)
from botkit.channels.slack.records import JobRecord, SlackRecords
from botkit.channels.slack.settings import SlackSettings
from botkit.channels.slack.stream import CLOSED, StreamedReply
from botkit.channels.slack.upload import upload_files
from botkit.domain import ShotPlan
from botkit.domain.jobs import JobEvent
from botkit.provenance.disclosure import with_disclosure

logger = logging.getLogger(__name__)

FINAL_KINDS = ("done", "failed", "cancelled")


def describe(event: JobEvent, platforms: Sequence[str]) -> str:
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
    if event.kind == "narration":
        return messages.NARRATION.format(detail=escape(str(data.get("detail") or "shots timed to it")))
    if event.kind == "retrying":
        return messages.RETRYING.format(reason=data.get("reason") or "restarted")
    if event.kind == "failed":
        return messages.FAILED.format(error=escape(str(data.get("error") or "unknown error")))
    if event.kind == "cancelled":
        return messages.CANCELLED
    return messages.UPLOADING


def status_line(event: JobEvent, platforms: Sequence[str]) -> str:
    """What the assistant thread's status line says for an event (Slack shows it after the app's name)."""
    if event.kind == "rendering":
        shots = max(int(event.data.get("shots") or 1), 1)
        return messages.STATUS_RENDERING.format(shot=int(event.data.get("shot") or 0) + 1, shots=shots)
    if event.kind == "post":
        return messages.STATUS_POST.format(platforms=", ".join(platforms))
    if event.kind == "narration":
        return messages.STATUS_NARRATION
    if event.kind == "upload":
        return messages.STATUS_UPLOADING
    return messages.STATUS_QUEUED


def error_of(exc: SlackApiError) -> str:
    return str(exc.response.get("error") or exc)


# A status line refused for these reasons may work on the next try; any other refusal is final.
TRANSIENT = frozenset({"ratelimited", "rate_limited", "internal_error", "fatal_error", "request_timeout"})


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
        self._status_ok = record.assistant  # the status line is only for assistant threads
        self._status_set = False
        self.plan_id = ""
        self.preview = False  # a preview job: it ends with Approve / Revise / Cancel
        self.plan: ShotPlan | None = None
        self.stream: StreamedReply | None = None

    def run(self) -> None:
        try:
            self.follow()
        except Exception as exc:  # never silent: say so in the thread
            logger.exception("slack watcher failed", extra={"job_id": self.record.job_id})
            self.say(messages.TROUBLE.format(error=type(exc).__name__))

    def follow(self) -> None:
        record = self.record
        status = self.bot.jobs.status(record.job_id)
        self.plan_id, self.preview = status.plan_id, status.purpose == "preview"
        self.plan = self.bot.repo.get_plan(self.plan_id)
        plan = self.plan
        platforms = plan.platforms
        if record.streaming:
            self.stream = StreamedReply(self.client, record, self.plan, max_age_s=self.settings.stream_max_age_s)
            if record.stream_ts is None and self.streamed(self.stream.start):
                self.records.save_job(record)  # at once: a restart must append to this message, not start another
        wanted: JobEvent | None = None  # the newest event not shown yet
        while not self.stopping.is_set():
            for event in self.bot.jobs.events(job_id=record.job_id, after=record.after):
                if event.kind.startswith("preview_"):  # a preview's decision: not a stage to show
                    record.after = event.id
                    continue
                if event.kind in FINAL_KINDS:  # ``after`` moves past it only once it was reported
                    self.finish(event, plan)
                    return
                record.after = event.id
                wanted = event
            if wanted is not None and self.due(wanted.kind, describe(wanted, platforms)):
                self.show_event(wanted, platforms)
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

    def show_event(self, event: JobEvent, platforms: Sequence[str]) -> None:
        """Report the latest state (older ones were never worth a call): the stream's tasks or the
        status message, and the assistant thread's status line."""
        text = describe(event, platforms)
        self._shown, self._shown_kind, self._shown_at = text, event.kind, time.monotonic()
        self.set_status(status_line(event, platforms))
        if self.stream is not None and self.record.streaming:
            if self.stream.expired():  # Slack would end it soon; the status message takes over
                self.fall_back(None)
            elif self.streamed(self.stream.progress, event):
                self.records.save_job(self.record)
                return
        self.update(status_blocks(text, job_id=self.record.job_id, running=True), text)
        self.records.save_job(self.record)

    def show(self, kind: str, text: str) -> None:
        """Edit the status message with ``text`` (a stage that has no event of its own)."""
        self._shown, self._shown_kind, self._shown_at = text, kind, time.monotonic()
        self.update(status_blocks(text, job_id=self.record.job_id, running=True), text)
        self.records.save_job(self.record)

    def finish(self, event: JobEvent, plan: ShotPlan) -> None:
        record = self.record
        platforms = plan.platforms
        if event.kind == "done":
            uploading = event.model_copy(update={"kind": "upload"})
            if self.stream is not None and record.streaming:
                self.show_event(uploading, platforms)
            else:
                self.set_status(status_line(uploading, platforms))
                self.show("upload", messages.UPLOADING)
            outputs = self.bot.outputs(record.conversation_id, job_id=record.job_id)
            if self.preview:  # drawn, not generated: no AI disclosure; the buttons decide what renders
                text = messages.PREVIEW_READY.format(outputs=describe_outputs(outputs))
            else:
                text = with_disclosure(messages.DONE.format(outputs=describe_outputs(outputs)))
            try:
                self.upload(outputs, text)
            except SlackApiError as exc:
                logger.warning("upload failed", extra={"job_id": record.job_id, "error": error_of(exc)})
                text = messages.UPLOAD_FAILED.format(error=error_of(exc))
                self.say(text)
            if self.preview:
                blocks = preview_blocks(text, record.job_id)
            else:
                blocks = [
                    *result_blocks(text, record.conversation_id, plan, job_id=record.job_id),
                    feedback_block(record.job_id),
                ]
            self.conclude(event, text, blocks)
        else:
            text = describe(event, platforms)
            streamed = self.conclude(event, text, status_blocks(text, job_id=record.job_id, running=False))
            if event.kind == "failed" and not streamed:
                self.say(text)
        self.clear_status()
        record.after = event.id
        record.finished = True
        self.records.save_job(record)
        logger.info("slack job reported", extra={"job_id": record.job_id, "kind": event.kind})

    def conclude(self, event: JobEvent, text: str, blocks: list[dict[str, Any]]) -> bool:
        """The outcome in the stream (True) or, failing that, in the status message."""
        if self.stream is not None and self.record.streaming:
            if self.streamed(self.stream.stop, event, text, blocks):
                return True
        self.update(blocks, text)
        return False

    # -- the streamed reply and its fallback ------------------------------------------------

    def streamed(self, call: Callable[..., Any], *args: Any) -> bool:
        """Run one stream call; a refusal switches the job to the status message (False)."""
        try:
            call(*args)
        except SlackApiError as exc:
            self.fall_back(exc)
            return False
        return True

    def fall_back(self, exc: SlackApiError | None) -> None:
        """Stop streaming this job: end the stream if Slack still holds it open, and show the plan
        as a message if the stream never showed it. ``exc`` None: the stream got too old."""
        record = self.record
        error = error_of(exc) if exc is not None else "stream_too_old"
        logger.warning(
            "slack refused the streamed reply; using a status message", extra={"job_id": record.job_id, "error": error}
        )
        record.streaming = False
        self.records.save_job(record)
        if record.stream_ts is None:  # the stream never showed the plan: a plan message does
            if self.plan is not None:
                blocks = plan_blocks(self.plan, self.plan_id, record.conversation_id, approval=False)
                try:
                    self.post(escape(self.plan.summary())[:3000], blocks)
                except SlackApiError as again:
                    logger.warning("plan reply failed", extra={"job_id": record.job_id, "error": error_of(again)})
            return
        if error not in CLOSED and self.stream is not None:
            try:
                self.stream.abandon()
            except SlackApiError as again:
                logger.info("could not end the stream", extra={"job_id": record.job_id, "error": error_of(again)})

    # -- the assistant thread's status line -------------------------------------------------

    def set_status(self, text: str) -> None:
        if not self._status_ok:
            return
        try:
            self.client.assistant_threads_setStatus(
                channel_id=self.record.channel, thread_ts=self.record.thread_ts, status=text
            )
            self._status_set = True
        except SlackApiError as exc:
            error = error_of(exc)
            self._status_ok = error in TRANSIENT  # a workspace without the feature: stop asking
            logger.info("status line refused", extra={"job_id": self.record.job_id, "error": error})

    def clear_status(self) -> None:
        if self._status_set:
            self.set_status("")
            self._status_set = False

    def upload(self, outputs: list[Any], comment: str) -> None:
        """One upload message per platform (its video, poster and caption file where the render
        wrote one next to the video), the comment on the first."""
        for i, output in enumerate(outputs):
            uploads = [{"file": output.path, "filename": f"{output.platform}.mp4", "title": f"{output.platform}"}]
            if output.poster:
                uploads.append({"file": output.poster, "filename": f"{output.platform}-poster.png", "title": "poster"})
            captions = next(
                (p for p in (Path(output.path).with_suffix(s) for s in (".srt", ".vtt")) if p.is_file()), None
            )
            if captions is not None:
                uploads.append(
                    {"file": str(captions), "filename": f"{output.platform}{captions.suffix}", "title": "captions"}
                )
            upload_files(  # streamed from disk (files_upload_v2 reads each file whole into memory)
                self.client,
                uploads,
                channel=self.record.channel,
                thread_ts=self.record.thread_ts,
                initial_comment=comment if i == 0 else None,
            )

    def update(self, blocks: list[dict[str, Any]], text: str) -> None:
        try:
            self._update(blocks, text)
        except SlackApiError as exc:
            if error_of(exc) == "invalid_blocks" and any(b.get("type") == "context_actions" for b in blocks):
                # feedback buttons are for AI-app messages; where Slack refuses them, go without
                self.update([b for b in blocks if b.get("type") != "context_actions"], text)
                return
            logger.warning("status update failed", extra={"job_id": self.record.job_id, "error": error_of(exc)})

    def _update(self, blocks: list[dict[str, Any]], text: str) -> None:
        if self.record.status_ts:
            self.client.chat_update(channel=self.record.channel, ts=self.record.status_ts, text=text, blocks=blocks)
        else:
            self.record.status_ts = self.post(text, blocks)

    def post(self, text: str, blocks: list[dict[str, Any]]) -> str:
        response = self.client.chat_postMessage(
            channel=self.record.channel, thread_ts=self.record.thread_ts, text=text, blocks=blocks
        )
        return str(response["ts"])

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
