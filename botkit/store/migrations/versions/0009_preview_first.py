"""preview first: preview jobs, their decision, and the preview a render was approved from

Revision ID: 0009
Revises: 0006
Create Date: 2026-12-01 13:30:00

``render_jobs`` learns what a job is for (``purpose``: ``render`` or ``preview``, the plan's
animatic), a preview's ``decision`` (approved, cancelled, superseded; null while it waits), and on a
render job the ``preview_id`` it was approved from. Jobs from before this revision are renders.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("render_jobs") as batch_op:
        batch_op.add_column(sa.Column("purpose", sa.String(length=16), nullable=False, server_default="render"))
        batch_op.add_column(sa.Column("decision", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("preview_id", sa.String(length=32), nullable=True))
        batch_op.create_index(batch_op.f("ix_render_jobs_preview_id"), ["preview_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_render_jobs_preview_id_render_jobs"),
            "render_jobs",
            ["preview_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("render_jobs") as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_render_jobs_preview_id_render_jobs"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_render_jobs_preview_id"))
        batch_op.drop_column("preview_id")
        batch_op.drop_column("decision")
        batch_op.drop_column("purpose")
