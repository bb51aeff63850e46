"""SQLAlchemy 2 tables. Rows never leave ``botkit.store``: repositories return domain objects."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_id() -> str:
    return uuid.uuid4().hex


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp on every database. PostgreSQL keeps the offset itself
    (``timestamptz``); SQLite stores text without one, so values are written in UTC and read back
    with UTC attached. A naive value handed in is taken to be UTC already."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dict[str, Any]: JSON, datetime: UTCDateTime()}  # noqa: RUF012


def table(model: type[Base]) -> Table:
    """A model's table, for plain Core INSERTs where a row is written once per request (no unit
    of work to sort, no object to track)."""
    found = model.__table__
    assert isinstance(found, Table)
    return found


class Conversation(Base):
    __tablename__ = "conversations"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    channel: Mapped[str] = mapped_column(String(32))  # cli | web | slack | python
    external_key: Mapped[str | None] = mapped_column(String(255), index=True)  # e.g. slack team:channel:thread
    owner: Mapped[str | None] = mapped_column(String(255), index=True)  # who may read it, e.g. site:<key>:user:<id>
    skill: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    messages: Mapped[list[Message]] = relationship(back_populates="conversation", order_by="Message.id")


class Message(Base):
    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))  # user | assistant
    text: Mapped[str] = mapped_column(Text)
    attachments: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    conversation: Mapped[Conversation] = relationship(back_populates="messages")


class ShotPlanRow(Base):
    __tablename__ = "shot_plans"
    __table_args__ = (UniqueConstraint("conversation_id", "revision"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id", ondelete="SET NULL"))
    skill: Mapped[str] = mapped_column(String(40))
    planner: Mapped[str] = mapped_column(String(80))
    plan: Mapped[dict[str, Any]] = mapped_column()  # ShotPlan.model_dump(mode="json")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    shots: Mapped[list[ShotRow]] = relationship(back_populates="plan", order_by="ShotRow.index")


class ShotRow(Base):
    __tablename__ = "shots"
    __table_args__ = (UniqueConstraint("plan_id", "index"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    plan_id: Mapped[str] = mapped_column(ForeignKey("shot_plans.id", ondelete="CASCADE"), index=True)
    index: Mapped[int] = mapped_column(Integer)
    mode: Mapped[str] = mapped_column(String(8))
    prompt: Mapped[str] = mapped_column(Text)
    negative_prompt: Mapped[str] = mapped_column(Text)
    duration_s: Mapped[float] = mapped_column(Float)
    camera: Mapped[str | None] = mapped_column(String(80))
    seed: Mapped[int] = mapped_column(BigInteger)
    image_asset_id: Mapped[str | None] = mapped_column(ForeignKey("assets.id", ondelete="SET NULL"))

    plan: Mapped[ShotPlanRow] = relationship(back_populates="shots")


class RenderJob(Base):
    __tablename__ = "render_jobs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    plan_id: Mapped[str] = mapped_column(ForeignKey("shot_plans.id", ondelete="CASCADE"), index=True)
    state: Mapped[str] = mapped_column(String(16), index=True, default="queued")
    engine: Mapped[str] = mapped_column(String(80))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer, default=3, server_default="3")
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    error: Mapped[str | None] = mapped_column(Text)
    worker: Mapped[str | None] = mapped_column(String(120))
    idempotency_key: Mapped[str | None] = mapped_column(String(255), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    dispatched_at: Mapped[datetime | None] = mapped_column()
    started_at: Mapped[datetime | None] = mapped_column()
    heartbeat_at: Mapped[datetime | None] = mapped_column()
    finished_at: Mapped[datetime | None] = mapped_column()
    timings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # preview first (0009): a preview job renders the plan's animatic; a person approves or cancels it
    purpose: Mapped[str] = mapped_column(String(16), default="render", server_default="render")  # render | preview
    decision: Mapped[str | None] = mapped_column(String(16))  # a preview's: approved | cancelled | superseded
    preview_id: Mapped[str | None] = mapped_column(ForeignKey("render_jobs.id", ondelete="SET NULL"), index=True)
    """A render job's approved preview (its job id); None for a render that was not previewed."""


class Asset(Base):
    __tablename__ = "assets"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    job_id: Mapped[str | None] = mapped_column(ForeignKey("render_jobs.id", ondelete="SET NULL"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # input_image | clip | video | poster
    platform: Mapped[str | None] = mapped_column(String(32))
    path: Mapped[str] = mapped_column(Text)  # relative to the asset store root
    mime: Mapped[str] = mapped_column(String(64))
    bytes: Mapped[int] = mapped_column(BigInteger)
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    fps: Mapped[float | None] = mapped_column(Float)
    duration_s: Mapped[float | None] = mapped_column(Float)
    checksum: Mapped[str] = mapped_column(String(64))  # sha256
    render_key: Mapped[str | None] = mapped_column(String(64), index=True)
    metrics: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class JobEvent(Base):
    """Ordered log of what happened to jobs; channels stream it and resume from an event id."""

    __tablename__ = "job_events"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    job_id: Mapped[str | None] = mapped_column(ForeignKey("render_jobs.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Site(Base):
    """A website that embeds the widget: public site key, secret for minting user tokens, origins."""

    __tablename__ = "sites"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    site_key: Mapped[str] = mapped_column(String(64), unique=True)
    secret: Mapped[str] = mapped_column(String(128))
    name: Mapped[str] = mapped_column(String(120))
    allowed_origins: Mapped[dict[str, Any]] = mapped_column(default=dict)  # {"origins": [...]}
    config: Mapped[dict[str, Any]] = mapped_column(default=dict)  # skill config, limits, theme
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class InboundEvent(Base):
    """Deliveries (a Slack event id, a web idempotency key): a retry of a finished one gets its
    result. One being handled is leased to its holder, who renews the lease while it works; a lease
    that runs out means the holder died, and the next retry takes the key over."""

    __tablename__ = "inbound_events"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    channel: Mapped[str] = mapped_column(String(32))
    result: Mapped[dict[str, Any]] = mapped_column(default=dict)  # when done: the answer; before: progress
    done: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    holder: Mapped[str | None] = mapped_column(String(120))
    lease_until: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SlackWorkspace(Base):
    """Per-workspace Slack settings (e.g. ``approve_before_render``); a row once a workspace sets one."""

    __tablename__ = "slack_workspaces"

    team_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class SlackJobWatch(Base):
    """A job whose progress is shown in a Slack thread: where its status message is, how far its
    event log was reported, and whether the thread has heard the outcome."""

    __tablename__ = "slack_job_watches"

    job_id: Mapped[str] = mapped_column(ForeignKey("render_jobs.id", ondelete="CASCADE"), primary_key=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    team_id: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(64))
    thread_ts: Mapped[str] = mapped_column(String(32))
    status_ts: Mapped[str | None] = mapped_column(String(32))  # the status message, once posted
    last_event_id: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")  # last event shown
    finished: Mapped[bool] = mapped_column(Boolean, index=True, default=False, server_default=false())
    user_id: Mapped[str | None] = mapped_column(String(64))  # who asked: a streamed reply's recipient
    assistant: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())  # an AI-app thread
    streaming: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())  # still streamed
    stream_ts: Mapped[str | None] = mapped_column(String(32))  # the streamed message, once started
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class SlackAssistantThread(Base):
    """An AI-app (assistant) thread: who opened it, and the thread context Slack sent, i.e. the
    channel the user was looking at (``assistant_thread_started`` / ``_context_changed``)."""

    __tablename__ = "slack_assistant_threads"

    channel: Mapped[str] = mapped_column(String(64), primary_key=True)
    thread_ts: Mapped[str] = mapped_column(String(32), primary_key=True)
    team_id: Mapped[str] = mapped_column(String(64), index=True)
    user_id: Mapped[str | None] = mapped_column(String(64))
    context: Mapped[dict[str, Any]] = mapped_column(default=dict)  # channel_id, team_id, enterprise_id
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class JobFeedback(Base):
    """A person's verdict on a finished video (thumbs up or down), one per person and job: a
    later click replaces the earlier one."""

    __tablename__ = "job_feedback"
    __table_args__ = (UniqueConstraint("job_id", "voter"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    job_id: Mapped[str] = mapped_column(ForeignKey("render_jobs.id", ondelete="CASCADE"), index=True)
    voter: Mapped[str] = mapped_column(String(255))  # e.g. slack:<team>:<user>
    value: Mapped[str] = mapped_column(String(16))  # positive | negative
    channel: Mapped[str] = mapped_column(String(32))  # slack | web | ...
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class JobUsage(Base):
    """What one finished job cost, per tenant (a widget site or a Slack workspace) and user: the
    ledger behind quotas and ``botkit usage``. Kept when the job's conversation is deleted."""

    __tablename__ = "job_usage"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    job_id: Mapped[str | None] = mapped_column(
        ForeignKey("render_jobs.id", ondelete="SET NULL"), unique=True, nullable=True
    )
    conversation_id: Mapped[str] = mapped_column(String(32))
    tenant: Mapped[str | None] = mapped_column(String(80), index=True)  # site:<key> | slack:<team>
    site: Mapped[str | None] = mapped_column(String(64))
    workspace: Mapped[str | None] = mapped_column(String(64))  # Slack team id
    user: Mapped[str | None] = mapped_column(String(255), index=True)  # the conversation owner
    engine: Mapped[str] = mapped_column(String(80))
    engine_s: Mapped[float] = mapped_column(Float)  # seconds in the engines (GPU-seconds on a GPU)
    video_s: Mapped[float] = mapped_column(Float)  # seconds of video delivered (every platform's cut)
    bytes: Mapped[int] = mapped_column(BigInteger)  # bytes the job stored (videos, posters, clips)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class LibraryItemRow(Base):
    """One file of a tenant's media library (the file itself is in the asset store at ``path``).
    The same file twice (one sha256) is one row per tenant."""

    __tablename__ = "library_items"
    __table_args__ = (UniqueConstraint("tenant", "checksum"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    tenant: Mapped[str] = mapped_column(String(80), index=True)  # local | site:<key> | slack:<team>
    kind: Mapped[str] = mapped_column(String(16))  # logo | font | music | photo | footage | panel
    name: Mapped[str] = mapped_column(String(120))
    collection: Mapped[str | None] = mapped_column(String(120))
    tags: Mapped[dict[str, Any]] = mapped_column(default=dict)  # {"tags": [...]}
    path: Mapped[str] = mapped_column(Text)  # relative to the asset store root
    mime: Mapped[str] = mapped_column(String(64))
    bytes: Mapped[int] = mapped_column(BigInteger)
    checksum: Mapped[str] = mapped_column(String(64))  # sha256 of the file as sent
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    duration_s: Mapped[float | None] = mapped_column(Float)
    facts: Mapped[dict[str, Any]] = mapped_column(default=dict)  # what the probe found
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class BrandKitRow(Base):
    """A tenant's brand kit (``botkit.domain.library.BrandKit`` as JSON)."""

    __tablename__ = "brand_kits"

    tenant: Mapped[str] = mapped_column(String(80), primary_key=True)
    kit: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
