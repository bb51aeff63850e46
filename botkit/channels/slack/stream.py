"""A job's progress as one streamed message: the plan, one task per shot and one for cutting and
encoding (``task_display_mode="plan"``), and at the end the result text with its buttons.

Slack's streaming methods are ``chat.startStream`` -> ``chat.appendStream`` -> ``chat.stopStream``.
slack-sdk's ``chat_stream`` helper keeps the stream's ts in memory only, and a watcher resumed
after a restart must go on with the message it started, so this calls the three methods directly
with the stored ts (the calls the helper makes, with the SDK's chunk models). A stream started
with chunks must be appended to with chunks (``streaming_mode_mismatch`` otherwise), so even the
text goes in ``markdown_text`` chunks. Slack ends a stream by itself about five minutes after it
started; ``expired`` tells the watcher to hand over to a status message before that.
"""

from __future__ import annotations

import time
from typing import Any

from slack_sdk.models.messages.chunk import MarkdownTextChunk, PlanUpdateChunk, TaskUpdateChunk

from botkit.channels.slack import messages
from botkit.channels.slack.blocks import escape
from botkit.domain import ShotPlan
from botkit.domain.jobs import JobEvent
from botkit.store.slack import JobRecord

TASK_CHARS = 256  # Slack's limit for a task's title
POST_TASK = "post"

# errors after which the streamed message takes nothing more (stopping it again would fail too)
CLOSED = frozenset({"message_not_in_streaming_state", "stopped_by_user", "message_not_found"})


def shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def task_id(index: int) -> str:
    return f"shot-{index + 1}"


class StreamedReply:
    """The streamed message of one job in one thread (its ts lives in the job's ``JobRecord``)."""

    def __init__(self, client: Any, record: JobRecord, plan: ShotPlan, *, max_age_s: float) -> None:
        self.client = client
        self.record = record
        self.plan = plan
        self.max_age_s = max_age_s
        self._sent: dict[str, str] = {}  # task id -> the status Slack has; empty after a restart

    # -- what the message shows -----------------------------------------------------------------

    def _title(self, task: str) -> str:
        if task == POST_TASK:
            return shorten(messages.TASK_POST.format(platforms=", ".join(self.plan.platforms)), TASK_CHARS)
        index = int(task.removeprefix("shot-")) - 1
        return shorten(messages.TASK_SHOT.format(shot=index + 1, prompt=self.plan.shots[index].prompt), TASK_CHARS)

    def statuses(self, event: JobEvent) -> dict[str, str]:
        """Every task's status once ``event`` happened."""
        shots = len(self.plan.shots)
        tasks = [task_id(i) for i in range(shots)] + [POST_TASK]
        if event.kind == "rendering":
            current = min(max(int(event.data.get("shot") or 0), 0), shots - 1)
            done = current
        elif event.kind == "post":
            current, done = shots, shots
        elif event.kind in ("upload", "done"):
            current, done = shots + 1, shots + 1
        elif event.kind in ("failed", "cancelled"):
            before = {task: status for task, status in self._sent.items() if status != "in_progress"}
            running = [task for task, status in self._sent.items() if status == "in_progress"]
            return {**{task: before.get(task, "pending") for task in tasks}, **dict.fromkeys(running, "error")}
        else:  # queued, started, retrying: nothing has rendered yet
            current, done = -1, 0
        return {
            task: "complete" if i < done else "in_progress" if i == current else "pending"
            for i, task in enumerate(tasks)
        }

    def _changed(self, event: JobEvent) -> list[TaskUpdateChunk]:
        chunks = []
        for task, status in self.statuses(event).items():
            if self._sent.get(task) != status:
                chunks.append(TaskUpdateChunk(id=task, title=self._title(task), status=status))
        return chunks

    def _mark(self, chunks: list[Any]) -> None:
        for chunk in chunks:
            if isinstance(chunk, TaskUpdateChunk):
                self._sent[chunk.id] = chunk.status

    # -- the three calls --------------------------------------------------------------------

    def start(self) -> str:
        """Post the plan with every task pending; returns the message's ts."""
        plan = self.plan
        summary = f"{len(plan.shots)} shot(s), {plan.total_duration_s:g} s for {', '.join(plan.platforms)}"
        intro = messages.STREAM_PLAN.format(title=escape(plan.title), summary=summary)
        queued = JobEvent(id=0, conversation_id=self.record.conversation_id, job_id=None, kind="queued", created_at=0)
        chunks: list[Any] = [
            MarkdownTextChunk(text=intro),
            PlanUpdateChunk(title=shorten(plan.title, TASK_CHARS)),
            *self._changed(queued),
        ]
        response = self.client.chat_startStream(
            channel=self.record.channel,
            thread_ts=self.record.thread_ts,
            recipient_user_id=self.record.user,
            recipient_team_id=self.record.team,
            task_display_mode="plan",
            chunks=chunks,
        )
        self._mark(chunks)
        self.record.stream_ts = str(response["ts"])
        return self.record.stream_ts

    def progress(self, event: JobEvent) -> bool:
        """Append the tasks whose status changed; False when nothing changed (no call made)."""
        chunks = self._changed(event)
        if not chunks:
            return False
        self.client.chat_appendStream(channel=self.record.channel, ts=self.record.stream_ts, chunks=chunks)
        self._mark(chunks)
        return True

    def stop(self, event: JobEvent, text: str, blocks: list[dict[str, Any]]) -> None:
        """Finish the message: the tasks' final statuses, the result line, the buttons."""
        chunks: list[Any] = [*self._changed(event), MarkdownTextChunk(text="\n\n" + text)]
        self.client.chat_stopStream(channel=self.record.channel, ts=self.record.stream_ts, chunks=chunks, blocks=blocks)
        self._mark(chunks)

    def abandon(self) -> None:
        """End a stream the watcher no longer uses, pointing at the status message that follows."""
        self.client.chat_stopStream(
            channel=self.record.channel,
            ts=self.record.stream_ts,
            chunks=[MarkdownTextChunk(text="\n\n" + messages.STREAM_CONTINUED)],
        )

    def expired(self) -> bool:
        """Too old to trust with more appends (a message ts is its posting time)."""
        if not self.record.stream_ts:
            return False
        return time.time() - float(self.record.stream_ts) > self.max_age_s
