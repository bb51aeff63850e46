"""Durable Slack bookkeeping: watched jobs, per-workspace settings, assistant threads, feedback.

Stored in their own tables through ``botkit.store.slack`` (``slack_job_watches``,
``slack_workspaces``, ``slack_assistant_threads``) and ``botkit.store.feedback`` (``job_feedback``).
Only delivery keys of events, ``slack:<event_id>``, live in ``inbound_events`` (see
``botkit.channels.slack.app``).
"""

from __future__ import annotations

from typing import Any

from botkit.store.feedback import FeedbackRepository
from botkit.store.repo import Repository
from botkit.store.slack import AssistantThread, JobRecord, RecentVideo, SlackRecordsRepository

__all__ = ["AssistantThread", "JobRecord", "RecentVideo", "SlackRecords"]


class SlackRecords:
    def __init__(self, repo: Repository) -> None:
        self.store = SlackRecordsRepository(repo.sessions)
        self.feedback = FeedbackRepository(repo.sessions)

    def claim_job(self, record: JobRecord) -> bool:
        """Start watching a job; False when some delivery already did (a duplicate)."""
        return self.store.watch(record)

    def save_job(self, record: JobRecord) -> None:
        self.store.save_watch(record)

    def job(self, job_id: str) -> JobRecord | None:
        return self.store.get_watch(job_id)

    def unfinished_jobs(self) -> list[JobRecord]:
        """Jobs whose Slack thread has not been told the outcome yet (resumed after a restart)."""
        return self.store.unfinished_watches()

    def workspace(self, team: str) -> dict[str, Any]:
        return self.store.workspace_settings(team)

    def update_workspace(self, team: str, **changes: Any) -> dict[str, Any]:
        return self.store.update_workspace_settings(team, **changes)

    def recent_videos(self, team: str, limit: int = 10) -> list[RecentVideo]:
        return self.store.recent_videos(team, limit)

    def save_thread(self, thread: AssistantThread) -> None:
        self.store.save_thread(thread)

    def thread(self, channel: str, thread_ts: str) -> AssistantThread | None:
        """The assistant thread at this place, or None (a classic channel or DM thread)."""
        return self.store.thread(channel, thread_ts)
