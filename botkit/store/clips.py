"""Clip rows: a rendered shot recorded by its render key the moment it exists (kept apart from
``repo.py`` so that the render pipeline's one write of its own is easy to find)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from botkit.store import models
from botkit.store.repo import NewAsset, Repository


def find_clip(sessions: sessionmaker[Session], render_key: str) -> str | None:
    """The stored clip of a render key (any conversation): its path in the asset store."""
    with sessions() as session:
        return session.scalar(
            select(models.Asset.path)
            .where(models.Asset.render_key == render_key, models.Asset.kind == "clip")
            .order_by(models.Asset.created_at.desc())
            .limit(1)
        )


def record_clip(sessions: sessionmaker[Session], conversation_id: str, job_id: str | None, asset: NewAsset) -> str:
    """Record one clip asset now, in its own transaction (a crash later keeps it); returns its id."""
    with sessions.begin() as session:
        row = Repository.asset_row(conversation_id, job_id, asset)
        session.add(row)
        return row.id
