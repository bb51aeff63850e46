"""slack AI app: assistant threads, streamed replies, feedback on videos

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-08 09:00:00

``slack_job_watches`` learns who asked (a streamed reply's recipient), whether the thread is an
AI-app (assistant) thread, and the streamed message's ts while it streams. Watches from before
this revision are classic status messages: the new booleans default to false.
``slack_assistant_threads`` keeps each assistant thread's context (the channel the user was
looking at). ``job_feedback`` keeps one thumbs up or down per person and job.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("slack_job_watches") as batch_op:
        batch_op.add_column(sa.Column("user_id", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("assistant", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("streaming", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("stream_ts", sa.String(length=32), nullable=True))

    op.create_table(
        "slack_assistant_threads",
        sa.Column("channel", sa.String(length=64), nullable=False),
        sa.Column("thread_ts", sa.String(length=32), nullable=False),
        sa.Column("team_id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=True),
        sa.Column("context", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("channel", "thread_ts", name=op.f("pk_slack_assistant_threads")),
    )
    with op.batch_alter_table("slack_assistant_threads") as batch_op:
        batch_op.create_index(batch_op.f("ix_slack_assistant_threads_team_id"), ["team_id"], unique=False)

    op.create_table(
        "job_feedback",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("job_id", sa.String(length=32), nullable=False),
        sa.Column("voter", sa.String(length=255), nullable=False),
        sa.Column("value", sa.String(length=16), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["job_id"], ["render_jobs.id"], name=op.f("fk_job_feedback_job_id_render_jobs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_feedback")),
        sa.UniqueConstraint("job_id", "voter", name=op.f("uq_job_feedback_job_id")),
    )
    with op.batch_alter_table("job_feedback") as batch_op:
        batch_op.create_index(batch_op.f("ix_job_feedback_job_id"), ["job_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("job_feedback") as batch_op:
        batch_op.drop_index(batch_op.f("ix_job_feedback_job_id"))
    op.drop_table("job_feedback")
    with op.batch_alter_table("slack_assistant_threads") as batch_op:
        batch_op.drop_index(batch_op.f("ix_slack_assistant_threads_team_id"))
    op.drop_table("slack_assistant_threads")
    with op.batch_alter_table("slack_job_watches") as batch_op:
        batch_op.drop_column("stream_ts")
        batch_op.drop_column("streaming")
        batch_op.drop_column("assistant")
        batch_op.drop_column("user_id")
