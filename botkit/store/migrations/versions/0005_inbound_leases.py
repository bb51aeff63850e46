"""inbound_events: leases, so a delivery whose holder died is taken over by its retry

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 09:00:00

Until 0004 a claimed key was final: a process killed while handling a request left its key
claimed for ever, and every retry waited and got 409. Now a row being handled names its
``holder`` and a ``lease_until`` that the holder renews; ``done`` marks rows with their answer.
Rows from before this revision were claimed by requests long gone: they are marked done.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("inbound_events") as batch_op:
        # server default true for the rows already there, then false for new rows
        batch_op.add_column(sa.Column("done", sa.Boolean(), nullable=False, server_default=sa.true()))
        batch_op.add_column(sa.Column("holder", sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("inbound_events") as batch_op:
        batch_op.alter_column("done", server_default=sa.false(), existing_type=sa.Boolean(), existing_nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("inbound_events") as batch_op:
        batch_op.drop_column("lease_until")
        batch_op.drop_column("holder")
        batch_op.drop_column("done")
