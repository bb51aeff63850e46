"""A conversation's history as people read it: what was asked, each plan revision, its videos."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class ConversationSummary(BaseModel):
    """One line of ``botkit history``."""

    id: str
    channel: str
    created_at: datetime
    last_at: datetime = Field(description="When the last message was written.")
    title: str
    revisions: int
    outputs: int


class VideoSummary(BaseModel):
    platform: str
    width: int
    height: int
    duration_s: float
    path: str = Field(description="In the asset store (relative).")


class JobSummary(BaseModel):
    id: str
    state: str
    reply: str | None = Field(default=None, description="What the job said when it finished (quality checks too).")
    error: str | None = None
    videos: list[VideoSummary] = Field(default_factory=list)


class RevisionSummary(BaseModel):
    """One plan revision: the message that asked for it, the plan and the jobs that rendered it."""

    revision: int
    plan_id: str
    created_at: datetime
    request: str | None = Field(description="The user's message that made this revision.")
    summary: str
    planner: str
    jobs: list[JobSummary] = Field(default_factory=list)
