"""job usage: what each finished job cost, per tenant and user (quotas, botkit usage)

Revision ID: 0012
Revises: 0010
Create Date: 2026-12-01 13:30:00

``job_usage`` has one row per succeeded job: engine seconds, video seconds delivered and bytes
stored, with the tenant (``site:<key>`` or ``slack:<team>``), site, Slack workspace and user of
its conversation. Jobs from before this revision have no row (their cost was not measured).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "job_usage",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("job_id", sa.String(length=32), nullable=True),
        sa.Column("conversation_id", sa.String(length=32), nullable=False),
        sa.Column("tenant", sa.String(length=80), nullable=True),
        sa.Column("site", sa.String(length=64), nullable=True),
        sa.Column("workspace", sa.String(length=64), nullable=True),
        sa.Column("user", sa.String(length=255), nullable=True),
        sa.Column("engine", sa.String(length=80), nullable=False),
        sa.Column("engine_s", sa.Float(), nullable=False),
        sa.Column("video_s", sa.Float(), nullable=False),
        sa.Column("bytes", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["job_id"], ["render_jobs.id"], name=op.f("fk_job_usage_job_id_render_jobs"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_usage")),
        sa.UniqueConstraint("job_id", name=op.f("uq_job_usage_job_id")),
    )
    with op.batch_alter_table("job_usage") as batch_op:
        batch_op.create_index(batch_op.f("ix_job_usage_tenant"), ["tenant"], unique=False)
        batch_op.create_index(batch_op.f("ix_job_usage_user"), ["user"], unique=False)
        batch_op.create_index(batch_op.f("ix_job_usage_created_at"), ["created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("job_usage") as batch_op:
        batch_op.drop_index(batch_op.f("ix_job_usage_created_at"))
        batch_op.drop_index(batch_op.f("ix_job_usage_user"))
        batch_op.drop_index(batch_op.f("ix_job_usage_tenant"))
    op.drop_table("job_usage")
