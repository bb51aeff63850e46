"""slack tables: workspace settings and watched jobs move out of inbound_events

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 01:49:56.363198

Until 0003 the Slack adapter kept its bookkeeping in ``inbound_events`` rows keyed
``slack-workspace:<team_id>`` (result: the settings) and ``slack-job:<job_id>`` (result: the job
record). Those rows are moved into the new tables and deleted; downgrade puts them back. Delivery
keys (``slack:<event_id>``) stay in ``inbound_events``. A ``slack-job`` row whose render job no
longer exists, or that was claimed but never filled in, describes nothing and is only deleted.
"""

import logging
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

logger = logging.getLogger(__name__)

WORKSPACE_CHANNEL = "slack-workspace"
JOB_CHANNEL = "slack-job"

# The tables as this revision sees them (not botkit.store.models: those follow the newest schema).
inbound_events = sa.table(
    "inbound_events",
    sa.column("key", sa.String),
    sa.column("channel", sa.String),
    sa.column("result", sa.JSON),
    sa.column("created_at", sa.DateTime(timezone=True)),
)
render_jobs = sa.table("render_jobs", sa.column("id", sa.String), sa.column("conversation_id", sa.String))
slack_workspaces = sa.table(
    "slack_workspaces",
    sa.column("team_id", sa.String),
    sa.column("settings", sa.JSON),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("updated_at", sa.DateTime(timezone=True)),
)
slack_job_watches = sa.table(
    "slack_job_watches",
    sa.column("job_id", sa.String),
    sa.column("conversation_id", sa.String),
    sa.column("team_id", sa.String),
    sa.column("channel", sa.String),
    sa.column("thread_ts", sa.String),
    sa.column("status_ts", sa.String),
    sa.column("last_event_id", sa.BigInteger),
    sa.column("finished", sa.Boolean),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("updated_at", sa.DateTime(timezone=True)),
)


def upgrade() -> None:
    op.create_table(
        "slack_workspaces",
        sa.Column("team_id", sa.String(length=64), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("team_id", name=op.f("pk_slack_workspaces")),
    )
    op.create_table(
        "slack_job_watches",
        sa.Column("job_id", sa.String(length=32), nullable=False),
        sa.Column("conversation_id", sa.String(length=32), nullable=False),
        sa.Column("team_id", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=64), nullable=False),
        sa.Column("thread_ts", sa.String(length=32), nullable=False),
        sa.Column("status_ts", sa.String(length=32), nullable=True),
        sa.Column("last_event_id", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("finished", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_slack_job_watches_conversation_id_conversations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["job_id"], ["render_jobs.id"], name=op.f("fk_slack_job_watches_job_id_render_jobs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("job_id", name=op.f("pk_slack_job_watches")),
    )
    with op.batch_alter_table("slack_job_watches", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_slack_job_watches_conversation_id"), ["conversation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_slack_job_watches_finished"), ["finished"], unique=False)

    move_inbound_rows_into_tables()


def downgrade() -> None:
    move_table_rows_into_inbound()

    with op.batch_alter_table("slack_job_watches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_slack_job_watches_finished"))
        batch_op.drop_index(batch_op.f("ix_slack_job_watches_conversation_id"))

    op.drop_table("slack_job_watches")
    op.drop_table("slack_workspaces")


def move_inbound_rows_into_tables() -> None:
    bind = op.get_bind()
    now = datetime.now(UTC)
    workspace_prefix, job_prefix = f"{WORKSPACE_CHANNEL}:", f"{JOB_CHANNEL}:"

    workspaces = [
        {
            "team_id": key.removeprefix(workspace_prefix),
            "settings": dict(result or {}),
            "created_at": created_at or now,
            "updated_at": now,
        }
        for key, result, created_at in bind.execute(
            sa.select(inbound_events.c.key, inbound_events.c.result, inbound_events.c.created_at).where(
                inbound_events.c.key.startswith(workspace_prefix)
            )
        )
    ]
    if workspaces:
        bind.execute(slack_workspaces.insert(), workspaces)

    # Joined with render_jobs: the job's conversation comes from there, and rows of deleted jobs drop out.
    job_id = sa.func.substr(inbound_events.c.key, len(job_prefix) + 1)
    job_rows = bind.execute(
        sa.select(inbound_events.c.result, inbound_events.c.created_at, render_jobs.c.id, render_jobs.c.conversation_id)
        .join(render_jobs, render_jobs.c.id == job_id)
        .where(inbound_events.c.key.startswith(job_prefix))
    ).all()
    watches = []
    for result, created_at, render_job_id, conversation_id in job_rows:
        record: dict[str, Any] = dict(result or {})
        if not all(record.get(field) for field in ("team", "channel", "thread_ts")):
            continue  # claimed but never filled in: the watcher never knew where to report
        watches.append(
            {
                "job_id": render_job_id,
                "conversation_id": conversation_id,
                "team_id": record["team"],
                "channel": record["channel"],
                "thread_ts": record["thread_ts"],
                "status_ts": record.get("status_ts"),
                "last_event_id": int(record.get("after") or 0),
                "finished": bool(record.get("finished")),
                "created_at": created_at or now,
                "updated_at": now,
            }
        )
    if watches:
        bind.execute(slack_job_watches.insert(), watches)

    deleted = bind.execute(
        inbound_events.delete().where(
            sa.or_(inbound_events.c.key.startswith(workspace_prefix), inbound_events.c.key.startswith(job_prefix))
        )
    ).rowcount
    logger.info(
        "moved %d slack workspaces and %d watched jobs out of inbound_events (%d rows deleted)",
        len(workspaces),
        len(watches),
        deleted,
    )


def move_table_rows_into_inbound() -> None:
    bind = op.get_bind()
    rows = [
        {
            "key": f"{WORKSPACE_CHANNEL}:{team_id}",
            "channel": WORKSPACE_CHANNEL,
            "result": dict(settings or {}),
            "created_at": created_at,
        }
        for team_id, settings, created_at in bind.execute(
            sa.select(slack_workspaces.c.team_id, slack_workspaces.c.settings, slack_workspaces.c.created_at)
        )
    ]
    for watch in bind.execute(sa.select(slack_job_watches)).mappings():
        rows.append(
            {
                "key": f"{JOB_CHANNEL}:{watch['job_id']}",
                "channel": JOB_CHANNEL,
                "result": {  # the JobRecord of botkit.channels.slack.records before 0004
                    "job_id": watch["job_id"],
                    "conversation_id": watch["conversation_id"],
                    "team": watch["team_id"],
                    "channel": watch["channel"],
                    "thread_ts": watch["thread_ts"],
                    "status_ts": watch["status_ts"],
                    "after": int(watch["last_event_id"]),
                    "finished": bool(watch["finished"]),
                },
                "created_at": watch["created_at"],
            }
        )
    if rows:
        bind.execute(inbound_events.insert(), rows)
