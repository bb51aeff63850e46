"""Sites that embed the widget: create and list them, look one up by its public key."""

from __future__ import annotations

import threading
import time
from urllib.parse import urlsplit

from sqlalchemy.orm import Session, sessionmaker

from botkit.errors import InputError
from botkit.store.sites import SiteRecord, SiteRepository

from .tokens import new_secret, new_site_key

SiteInfo = SiteRecord
"""What the web layer knows about a site (the store's record)."""


def normalise_origin(origin: str) -> str:
    """``scheme://host[:port]`` of an origin, or InputError saying what an origin looks like."""
    parts = urlsplit(origin.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/") or parts.query:
        raise InputError(f"origin {origin!r} must look like https://shop.example.com (scheme, host, optional port)")
    return f"{parts.scheme}://{parts.netloc.lower()}"


def create_site(sessions: sessionmaker[Session], name: str, origins: list[str]) -> SiteInfo:
    """A new site with a fresh public key and secret."""
    if not name.strip() or len(name) > 120:
        raise InputError("a site name must be 1-120 characters")
    clean = sorted({normalise_origin(origin) for origin in origins})
    return SiteRepository(sessions).add(new_site_key(), new_secret(), name.strip(), clean)


def list_sites(sessions: sessionmaker[Session]) -> list[SiteInfo]:
    return SiteRepository(sessions).all()


class SiteDirectory:
    """Cached site lookups (a few seconds), so CORS checks do not query SQL on every request."""

    def __init__(self, sessions: sessionmaker[Session], ttl_s: float = 5.0) -> None:
        self.sessions = sessions
        self.ttl_s = ttl_s
        self._lock = threading.Lock()
        self._sites: dict[str, SiteInfo] = {}
        self._loaded_at = float("-inf")

    def _refresh(self) -> dict[str, SiteInfo]:
        with self._lock:
            if time.monotonic() - self._loaded_at > self.ttl_s:
                self._sites = {site.site_key: site for site in list_sites(self.sessions)}
                self._loaded_at = time.monotonic()
            return self._sites

    def get(self, site_key: str) -> SiteInfo | None:
        site = self._refresh().get(site_key)
        if site is None and time.monotonic() - self._loaded_at > 0.5:
            # a site added a moment ago: look again (at most twice a second) before saying no
            with self._lock:
                self._loaded_at = float("-inf")
            site = self._refresh().get(site_key)
        return site

    def origin_allowed_anywhere(self, origin: str) -> bool:
        return any(origin in site.origins for site in self._refresh().values())
