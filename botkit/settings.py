"""Settings, built once at an entry point and passed down (``BOTKIT_`` environment prefix)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BOTKIT_", extra="ignore")

    data_dir: Path = Path("botkit-data")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default: SQLite file botkit.db in the data dir."
    )
    engine: str = "embedded"
    max_upload_bytes: int = 20 * 1024 * 1024
    max_image_pixels: int = 40_000_000
    min_image_side: int = 16

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'botkit.db').resolve()}"
