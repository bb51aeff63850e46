"""media library: each tenant's files (library_items) and brand kit (brand_kits)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 16:00:00

``library_items`` has one row per file a tenant (``local``, ``site:<key>``, ``slack:<team>``)
keeps: kind, name, collection, tags, the probe's facts and the file's sha256 (unique per tenant:
the same file added twice is one item). The files are in the asset store under ``library/``.
``brand_kits`` holds one JSON brand kit per tenant.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "library_items",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("tenant", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("collection", sa.String(length=120), nullable=True),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("mime", sa.String(length=64), nullable=False),
        sa.Column("bytes", sa.BigInteger(), nullable=False),
        sa.Column("checksum", sa.String(length=64), nullable=False),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("duration_s", sa.Float(), nullable=True),
        sa.Column("facts", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_library_items")),
        sa.UniqueConstraint("tenant", "checksum", name=op.f("uq_library_items_tenant")),
    )
    with op.batch_alter_table("library_items") as batch_op:
        batch_op.create_index(batch_op.f("ix_library_items_tenant"), ["tenant"], unique=False)
    op.create_table(
        "brand_kits",
        sa.Column("tenant", sa.String(length=80), nullable=False),
        sa.Column("kit", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("tenant", name=op.f("pk_brand_kits")),
    )


def downgrade() -> None:
    op.drop_table("brand_kits")
    with op.batch_alter_table("library_items") as batch_op:
        batch_op.drop_index(batch_op.f("ix_library_items_tenant"))
    op.drop_table("library_items")
