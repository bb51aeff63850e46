"""A tenant's media library and brand kit: logos, fonts, music, photos, footage and panels a site
or Slack workspace keeps, and the colours, CTA, handle, voice, logo, font and music it uses.

A tenant is ``site:<site key>`` (a widget site), ``slack:<team id>`` (a Slack workspace) or
``local`` (the CLI's own library on this machine).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

LibraryKind = Literal["logo", "font", "music", "photo", "footage", "panel"]
LIBRARY_KINDS: tuple[str, ...] = ("logo", "font", "music", "photo", "footage", "panel")
LOCAL_TENANT = "local"
TENANT_PATTERN = r"^(?:local|site:[A-Za-z0-9_-]{1,64}|slack:[A-Za-z0-9]{1,64})$"


def check_tenant(tenant: str) -> str:
    """``tenant`` if it is ``local``, ``site:<key>`` or ``slack:<team>``, else ``ValueError``."""
    if not re.match(TENANT_PATTERN, tenant):
        raise ValueError(f"tenant {tenant!r} must be 'local', 'site:<site key>' or 'slack:<team id>'")
    return tenant


class LibraryItem(BaseModel):
    """One stored file of a tenant's library (``path`` in the asset store)."""

    id: str
    tenant: str
    kind: LibraryKind
    name: str
    collection: str | None = None
    tags: list[str] = Field(default_factory=list)
    path: str
    mime: str
    bytes: int
    checksum: str = Field(description="sha256 of the file as it was sent: the same file twice is one item")
    width: int | None = None
    height: int | None = None
    duration_s: float | None = None
    facts: dict[str, Any] = Field(default_factory=dict, description="what the probe found (codec, font family ...)")
    created_at: datetime | None = None

    def label(self) -> str:
        """``logo "acme logo" (1200x400)``: how replies name the item."""
        size = f" {self.width}x{self.height}" if self.width and self.height else ""
        length = f" {self.duration_s:.1f} s" if self.duration_s else ""
        collection = f" in {self.collection!r}" if self.collection else ""
        return f'{self.kind} "{self.name}"{collection}{size}{length}'.rstrip()


_HEX = r"^#[0-9a-fA-F]{6}$"


class BrandKit(BaseModel):
    """A tenant's brand: every field optional (unset: the deployment's skills config decides).
    ``logo``, ``font`` and ``music`` name library items (by id or name); ``music`` may also be a
    built-in bed."""

    model_config = ConfigDict(extra="forbid")

    brand_name: str | None = Field(default=None, max_length=80)
    colours: list[str] = Field(default_factory=list, max_length=4, description="#RRGGBB: background, then accent")
    cta: str | None = Field(default=None, max_length=60)
    url: str | None = Field(default=None, max_length=120)
    handle: str | None = Field(default=None, pattern=r"^@?[A-Za-z0-9_.]{1,30}$")
    voice: str | None = Field(default=None, max_length=80)
    logo: str | None = Field(default=None, max_length=120)
    font: str | None = Field(default=None, max_length=120)
    music: str | None = Field(default=None, max_length=120)

    @field_validator("colours")
    @classmethod
    def _hex(cls, value: list[str]) -> list[str]:
        bad = [colour for colour in value if not re.match(_HEX, colour)]
        if bad:
            raise ValueError(f"colours must look like #1A2B3C, got {', '.join(bad)}")
        return [colour.upper() for colour in value]

    def set(self) -> dict[str, Any]:
        """The fields that are set."""
        return {key: value for key, value in self.model_dump().items() if value not in (None, "", [])}
