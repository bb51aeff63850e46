"""Site rows: the web widget's embedding sites (public key, secret, allowed origins)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from botkit.store import models


@dataclass(frozen=True)
class SiteRecord:
    site_key: str
    secret: str
    name: str
    origins: tuple[str, ...]


def _record(row: models.Site) -> SiteRecord:
    return SiteRecord(row.site_key, row.secret, row.name, tuple((row.allowed_origins or {}).get("origins", [])))


class SiteRepository:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def add(self, site_key: str, secret: str, name: str, origins: list[str]) -> SiteRecord:
        with self.sessions.begin() as session:
            row = models.Site(site_key=site_key, secret=secret, name=name, allowed_origins={"origins": origins})
            session.add(row)
            session.flush()
            return _record(row)

    def all(self) -> list[SiteRecord]:
        """Every site, oldest first."""
        with self.sessions() as session:
            return [_record(row) for row in session.scalars(select(models.Site).order_by(models.Site.created_at))]
