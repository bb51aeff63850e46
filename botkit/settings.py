"""Settings, built once at an entry point and passed down (``BOTKIT_`` environment prefix)."""

from __future__ import annotations

import ipaddress
from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
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
    task_engines: dict[Literal["t2v", "i2v", "v2v", "keyframe", "preview"], str] = Field(
        default_factory=dict,
        description="The deployment profile: the model per task; tasks it does not name go to `engine`. "
        '{"t2v": "wan2.1-t2v-1.3b", "i2v": "wan2.1-i2v-14b-480p", "keyframe": "flux.1-schnell", '
        '"v2v": "wan2.1-vace-1.3b", "preview": "animatic"}; keyframe: text-to-video shots become key frame '
        "then image-to-video.",
    )
    x264_preset: X264Preset = Field(default=DEFAULT_X264_PRESET, description="H.264 speed/size trade-off.")
    timeline_export: str = Field(
        default="", description="Editor timelines written with every job: otio, fcpxml, fcp7 (comma-separated)."
    )
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
    max_video_bytes: int = Field(default=500 * 1024 * 1024, gt=0, description="Largest video upload, in bytes.")
    max_video_s: float = Field(default=600.0, gt=0, description="Longest video upload, in seconds.")

    # content credentials (C2PA) and AI disclosure: botkit/provenance
    signing: Literal["required", "best-effort", "off"] = Field(
        default="required",
        description="required: a job whose outputs cannot be signed fails (nothing unsigned is delivered); "
        "best-effort: unsigned outputs are delivered and reported; off: nothing is signed.",
    )
    signing_alg: Literal["es256", "es384", "es512", "ps256", "ps384", "ps512", "ed25519"] = "es256"
    signing_cert: Path | None = Field(
        default=None,
        description="PEM certificate chain, leaf first. Unset: the development chain in <data_dir>/credentials "
        "(`botkit credentials init`, or made on first start), which verifiers show as untrusted.",
    )
    signing_key: Path | None = Field(default=None, description="PEM private key of the leaf certificate.")
    signing_command: str | None = Field(
        default=None,
        description="Instead of a key file (KMS/HSM): a command that reads the bytes to sign on stdin and "
        "writes the signature on stdout.",
    )
    signing_tsa_url: str | None = Field(default=None, description="RFC 3161 time-stamp authority (needs network).")
    trust_anchors: Path | None = Field(default=None, description="PEM root certificates `botkit verify` trusts.")
    provenance_prompts: bool = Field(default=False, description="Write the shot prompts into the manifests.")
    provenance_max_bytes: int = Field(
        default=1 << 30,
        ge=1,
        description="Largest file signed or verified: c2pa holds about twice the file in memory while signing "
        "(a 71 MB MP4 took +136 MB) and about once while verifying.",
    )
    ai_badge: bool = Field(default=True, description="Default for the on-screen 'AI' corner badge.")
    # robustness: leases, fairness, clean-up
    idempotency_lease_s: float = Field(
        default=30.0, gt=0, description="A delivery key whose holder stopped renewing it this long is taken over."
    )
    user_active_jobs: int = Field(default=3, ge=1, description="Queued + running renders per signed-in web user.")
    guest_active_jobs: int = Field(default=1, ge=1, description="Queued + running renders per web guest.")
    trusted_proxies: str = Field(
        default="",
        description="Comma-separated addresses or networks of your reverse proxies; only their X-Forwarded-For "
        "is believed (empty: the peer address is the client).",
    )
    legacy_tokens_until: date | None = Field(
        default=date(2027, 3, 1),
        description="Web user tokens in botkit's old two-part format are accepted up to this day (YYYY-MM-DD; "
        "empty: refused now); mint JWTs (HS256, iss/sub/exp) before then.",
    )
    # many web processes (botkit serve --workers N)
    redis_url: str | None = Field(
        default=None,
        description="Redis for state every web process shares: rate limits and open event streams per user "
        "(unset: per process). Redis down: each process limits on its own, with a warning.",
    )
    serve_jobs: bool = Field(
        default=True,
        description="`botkit serve` runs the embedded job runner (in its one supervisor process with --workers N). "
        "False: renders run only in `botkit worker` processes.",
    )
    metrics_port: int | None = Field(
        default=None,
        ge=1,
        le=65535,
        description="`botkit worker` serves Prometheus /metrics on this port (Celery: this port + the pool "
        "process index, one per process). The web server serves /metrics on its own port.",
    )
    # quotas per tenant (a widget site ``site:<key>`` or a Slack workspace ``slack:<team>``; "*": any other)
    quotas: dict[str, dict[str, float]] = Field(
        default_factory=dict,
        description='Daily/monthly limits per tenant, e.g. {"*": {"daily_jobs": 50}, "site:abc": {"monthly_video_s": '
        "600}}; keys daily_|monthly_ + jobs | video_s | engine_s. Windows are UTC days and months. Empty: no quotas.",
    )
    orphan_after_s: float = Field(
        default=900.0, gt=0, description="Staging folders and unrecorded uploads older than this are swept."
    )
    narration: bool = Field(
        default=True, description="Speak the plans' narration and mix music into the videos (false: all silent)."
    )
    voice: str | None = Field(default=None, description="Voice id for every narration (default: the language's).")
    music: str | None = Field(
        default=None,
        description="Music of new narrated plans: a built-in bed (calm, bright, focus), an absolute file path, "
        "or 'none' (default: the skill's bed).",
    )
    voice_files: list[Path] = Field(default_factory=list, description="TOML voice tables (hosted voices too).")
    voice_folders: list[Path] = Field(default_factory=list, description="Folders of Piper .onnx + .onnx.json voices.")

    # asset storage: a local folder, or an S3-compatible bucket shared by web processes and workers
    assets_url: str | None = Field(
        default=None,
        description="s3://bucket/prefix (AWS S3, MinIO, R2, GCS interop; credentials and region from the standard "
        "AWS_* variables) or file:///folder; unset: <data dir>/assets. With a bucket, <data dir>/assets holds "
        "staging folders and a local cache.",
    )
    s3_endpoint_url: str | None = Field(default=None, description="e.g. http://minio:9000; unset: AWS.")
    s3_region: str | None = Field(default=None, description="unset: AWS_REGION / AWS_DEFAULT_REGION / the profile.")
    s3_addressing: Literal["auto", "path", "virtual"] = "auto"
    s3_presign_s: int = Field(default=3600, ge=1, le=7 * 24 * 3600, description="Lifetime of presigned links.")
    s3_redirect: bool = Field(
        default=True,
        description="With a bucket, /api/assets answers 307 to a presigned URL (the bytes come from the bucket); "
        "false: the web process streams each file from its local copy.",
    )
    s3_redirect_s: int = Field(
        default=900,
        ge=10,
        le=7 * 24 * 3600,
        description="Lifetime of the presigned URL a /api/assets redirect points to (each request signs a new one).",
    )
    s3_cache_bytes: int = Field(
        default=20 * 2**30,
        ge=0,
        description="Local copies of bucket objects kept per process (least recently used go).",
    )

    @field_validator("assets_url")
    @classmethod
    def _assets_url_known(cls, value: str | None) -> str | None:
        if value and not value.startswith(("s3://", "file://")):
            raise ValueError(f"BOTKIT_ASSETS_URL {value!r} must be s3://bucket/prefix or file:///folder")
        return value or None

    @field_validator("legacy_tokens_until", mode="before")
    @classmethod
    def _empty_is_never(cls, value: object) -> object:
        return None if isinstance(value, str) and value.strip().lower() in ("", "none", "never") else value

    @field_validator("trusted_proxies")
    @classmethod
    def _proxies_are_addresses(cls, value: str) -> str:
        for part in (p.strip() for p in value.split(",")):
            if part:
                try:
                    ipaddress.ip_network(part, strict=False)
                except ValueError:
                    raise ValueError(
                        f"BOTKIT_TRUSTED_PROXIES entry {part!r} is not an address or network (e.g. 10.0.0.5, 10.0.0.0/8)"
                    ) from None
        return value

    def trusted_proxy_list(self) -> tuple[str, ...]:
        return tuple(part.strip() for part in self.trusted_proxies.split(",") if part.strip())

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'botkit.db').resolve()}"
