"""Library rows: each tenant's media items and brand kit. Every read and write names the tenant,
so one tenant never reads, finds or removes another's item (an item of another tenant is simply
not there)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Text, cast, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from botkit.domain.library import BrandKit, LibraryItem, check_tenant
from botkit.store import models

ACTIVE_STATES = ("queued", "running")


@dataclass(frozen=True)
class NewItem:
    """A file already moved into the asset store, to be recorded in a tenant's library."""

    tenant: str
    kind: str
    name: str
    path: str
    mime: str
    bytes: int
    checksum: str
    collection: str | None = None
    tags: list[str] = field(default_factory=list)
    width: int | None = None
    height: int | None = None
    duration_s: float | None = None
    facts: dict[str, Any] = field(default_factory=dict)


def _item(row: models.LibraryItemRow) -> LibraryItem:
    return LibraryItem(
        id=row.id,
        tenant=row.tenant,
        kind=row.kind,  # written from LibraryKind only; pydantic checks it again
        name=row.name,
        collection=row.collection,
        tags=list((row.tags or {}).get("tags", [])),
        path=row.path,
        mime=row.mime,
        bytes=row.bytes,
        checksum=row.checksum,
        width=row.width,
        height=row.height,
        duration_s=row.duration_s,
        facts=dict(row.facts or {}),
        created_at=row.created_at,
    )


class LibraryRepository:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def by_checksum(self, tenant: str, checksum: str) -> LibraryItem | None:
        with self.sessions() as session:
            row = session.scalars(
                select(models.LibraryItemRow).where(
                    models.LibraryItemRow.tenant == tenant, models.LibraryItemRow.checksum == checksum
                )
            ).first()
            return None if row is None else _item(row)

    def add(self, new: NewItem) -> tuple[LibraryItem, bool]:
        """Record an item; (the item, True). When the tenant has this file already (same sha256,
        also when another request added it a moment ago): (that item, False), nothing written."""
        check_tenant(new.tenant)
        found = self.by_checksum(new.tenant, new.checksum)
        if found is not None:
            return found, False
        try:
            with self.sessions.begin() as session:
                row = models.LibraryItemRow(
                    id=models.new_id(),
                    tenant=new.tenant,
                    kind=new.kind,
                    name=new.name,
                    collection=new.collection,
                    tags={"tags": list(new.tags)},
                    path=new.path,
                    mime=new.mime,
                    bytes=new.bytes,
                    checksum=new.checksum,
                    width=new.width,
                    height=new.height,
                    duration_s=new.duration_s,
                    facts=new.facts,
                )
                session.add(row)
                session.flush()
                return _item(row), True
        except IntegrityError:
            found = self.by_checksum(new.tenant, new.checksum)
            if found is None:
                raise
            return found, False

    def items(self, tenant: str, *, kind: str | None = None) -> list[LibraryItem]:
        """The tenant's items, oldest first (of one kind when ``kind`` is given)."""
        query = select(models.LibraryItemRow).where(models.LibraryItemRow.tenant == tenant)
        if kind is not None:
            query = query.where(models.LibraryItemRow.kind == kind)
        with self.sessions() as session:
            rows = session.scalars(query.order_by(models.LibraryItemRow.created_at, models.LibraryItemRow.id))
            return [_item(row) for row in rows]

    def get(self, tenant: str, item_id: str) -> LibraryItem | None:
        """The tenant's item ``item_id``; None when there is none (also when another tenant has it)."""
        with self.sessions() as session:
            row = session.get(models.LibraryItemRow, item_id)
            return None if row is None or row.tenant != tenant else _item(row)

    def active_jobs_using(self, path: str) -> list[str]:
        """Ids of queued or running jobs whose plan names ``path`` (a shot, the music, the logo)."""
        with self.sessions() as session:
            return list(
                session.scalars(
                    select(models.RenderJob.id)
                    .join(models.ShotPlanRow, models.ShotPlanRow.id == models.RenderJob.plan_id)
                    .where(
                        models.RenderJob.state.in_(ACTIVE_STATES),
                        cast(models.ShotPlanRow.plan, Text).contains(path, autoescape=True),
                    )
                )
            )

    def remove(self, tenant: str, item_id: str) -> LibraryItem | None:
        """Delete the tenant's item row; the removed item, or None when the tenant has no such item."""
        with self.sessions.begin() as session:
            row = session.get(models.LibraryItemRow, item_id)
            if row is None or row.tenant != tenant:
                return None
            item = _item(row)
            session.delete(row)
            return item

    def path_in_use(self, path: str) -> bool:
        """Does any item (of any tenant) still point at this stored file?"""
        with self.sessions() as session:
            return (
                session.scalar(select(models.LibraryItemRow.id).where(models.LibraryItemRow.path == path).limit(1))
                is not None
            )

    def kit(self, tenant: str) -> BrandKit:
        with self.sessions() as session:
            row = session.get(models.BrandKitRow, tenant)
            return BrandKit() if row is None else BrandKit.model_validate(row.kit or {})

    def save_kit(self, tenant: str, kit: BrandKit) -> BrandKit:
        check_tenant(tenant)
        data = kit.model_dump(mode="json")
        with self.sessions.begin() as session:
            row = session.get(models.BrandKitRow, tenant)
            if row is None:
                session.add(models.BrandKitRow(tenant=tenant, kit=data))
            else:
                row.kit = data
        return kit
