"""What the web API accepts and returns (pydantic): the OpenAPI schema is built from these."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class ErrorOut(BaseModel):
    error: str = Field(description="What was wrong and what is allowed, readable by a person.")


class GuestTokenIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    site_key: str = Field(min_length=1, max_length=64)


class TokenOut(BaseModel):
    token: str
    user_id: str
    expires_at: int


class TurnOut(BaseModel):
    """The immediate reply to a message: the plan, and the job that renders it."""

    conversation_id: str
    plan_id: str
    job_id: str
    summary: str
    plan: dict[str, Any]
    intro: str | None = Field(
        default=None, description="A new conversation's first bot message: it says the bot is an AI assistant."
    )
    preview: bool = Field(
        default=False, description="True: ``job_id`` is a preview (an animatic) waiting for approve or cancel."
    )


class MessageOut(BaseModel):
    id: int
    role: str
    text: str
    images: list[str] = Field(default_factory=list, description="Signed URLs of the message's images.")
    created_at: datetime


class JobOut(BaseModel):
    id: str
    plan_id: str
    state: str
    attempts: int
    error: str | None = None
    created_at: datetime
    finished_at: datetime | None = None
    purpose: str = Field(default="render", description="render, or preview (an animatic for approval)")
    decision: str | None = Field(default=None, description="A preview's: approved, cancelled, superseded; null: waits")
    preview_id: str | None = Field(default=None, description="A render's approved preview (a job id)")


class OutputOut(BaseModel):
    id: str
    job_id: str | None
    platform: str
    width: int
    height: int
    fps: float
    duration_s: float
    url: str = Field(description="Signed, expiring URL of the MP4 (supports HTTP Range).")
    download_url: str
    poster_url: str | None = None
    disclosure: str = Field(default="AI-generated video", description="Show it with the video.")
    credentials_url: str | None = Field(default=None, description="Its content credentials (needs the bearer token).")
    subtitles_url: str | None = Field(
        default=None, description="Signed URL of the WebVTT captions of a narrated video."
    )
    subtitles_language: str | None = Field(
        default=None, description="The captions' language (BCP 47, from the narration: en, es, ja ...)."
    )


class SuggestionOut(BaseModel):
    """A follow-up worth offering under the latest video: show ``label``, send ``text`` as a message."""

    id: str
    label: str
    text: str


class ConversationOut(BaseModel):
    id: str
    channel: str
    created_at: datetime
    messages: list[MessageOut]
    plan: dict[str, Any] | None
    summary: str | None
    jobs: list[JobOut]
    outputs: list[OutputOut]
    suggestions: list[SuggestionOut] = Field(
        default_factory=list,
        description="Follow-ups that fit the latest plan (no 'Vertical version' under a vertical one).",
    )
    last_event_id: int = Field(description="Resume the event stream after this id.")


class CancelOut(BaseModel):
    job_id: str
    state: str


class ApprovalOut(BaseModel):
    """A preview's decision: approved (``job_id`` renders it; ``created`` False: an earlier approval
    started that render) or cancelled (``job_id`` null)."""

    preview_id: str
    decision: str
    job_id: str | None = None
    created: bool = False
    summary: str | None = None
