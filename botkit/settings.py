"""Settings, built once at an entry point and passed down (``BOTKIT_`` environment prefix)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from botkit.post.x264 import DEFAULT_X264_PRESET, X264Preset


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BOTKIT_", extra="ignore")

    data_dir: Path = Path("botkit-data")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default: SQLite file botkit.db in the data dir."
    )
    engine: str = "embedded"
    steps: int | None = Field(default=None, description="Override the engine's denoising steps.")
    torch_threads: int | None = Field(
        default=1,
        description="torch CPU threads (None: torch's default). The embedded model is tiny: one thread rendered a "
        "16-frame clip in 1.2 s where two took 32 s on a busy 2-core machine. Raise it for real models on CPU.",
    )
    quality_checks: bool = Field(default=True, description="Check each new clip; re-render once on failure.")
    task_engines: dict[Literal["t2v", "i2v"], str] = Field(
        default_factory=dict,
        description='Engines for shots the main engine cannot render, by task: {"i2v": "wan2.1-i2v-14b-480p"}.',
    )
    x264_preset: X264Preset = Field(default=DEFAULT_X264_PRESET, description="H.264 speed/size trade-off.")
    skills_config: Path | None = Field(
        default=None, description="TOML file with this deployment's skill configs, a table per skill (brand kit ...)."
    )

    # render jobs
    jobs: Literal["embedded", "celery"] = "embedded"
    workers: int = Field(default=1, ge=1, description="Embedded worker threads (one warm engine each).")
    broker_url: str = "redis://127.0.0.1:6379/0"
    visibility_timeout_s: int = 3600
    max_attempts: int = Field(default=3, ge=1)
    heartbeat_s: float = 2.0
    job_stale_s: float = Field(default=30.0, description="A running job without a heartbeat this long is retried.")
    sweep_s: float = 10.0
    redispatch_after_s: float = 60.0
    max_upload_bytes: int = 20 * 1024 * 1024
    max_image_pixels: int = 40_000_000
    min_image_side: int = 16

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'botkit.db').resolve()}"
