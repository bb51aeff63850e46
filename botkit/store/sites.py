"""Site rows: the web widget's embedding sites (public key, secret, allowed origins)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from botkit.store import models


@dataclass(frozen=True)
class SiteRecord:
    site_key: str
    secret: str
    name: str
    origins: tuple[str, ...]
    config: dict[str, Any] = field(default_factory=dict, compare=False)  # e.g. {"ai_badge": false}


def _record(row: models.Site) -> SiteRecord:
    origins = tuple((row.allowed_origins or {}).get("origins", []))
    return SiteRecord(row.site_key, row.secret, row.name, origins, dict(row.config or {}))


class SiteRepository:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def add(self, site_key: str, secret: str, name: str, origins: list[str]) -> SiteRecord:
        with self.sessions.begin() as session:
            row = models.Site(site_key=site_key, secret=secret, name=name, allowed_origins={"origins": origins})
            session.add(row)
            session.flush()
            return _record(row)

    def configure(self, site_key: str, **values: Any) -> SiteRecord:
        """Set keys of a site's config (``ai_badge=False``); KeyError for an unknown site."""
        with self.sessions.begin() as session:
            row = session.scalars(select(models.Site).where(models.Site.site_key == site_key)).first()
            if row is None:
                raise KeyError(f"no site {site_key!r}")
            row.config = {**(row.config or {}), **values}
            session.flush()
            return _record(row)

    def all(self) -> list[SiteRecord]:
        """Every site, oldest first."""
        with self.sessions() as session:
            return [_record(row) for row in session.scalars(select(models.Site).order_by(models.Site.created_at))]
