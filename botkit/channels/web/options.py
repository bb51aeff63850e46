"""Web channel knobs (limits, lifetimes, stream pacing), with defaults that suit one small server."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from .tokens import LEGACY_TOKENS_UNTIL

if TYPE_CHECKING:
    from botkit.settings import Settings


@dataclass(frozen=True)
class WebOptions:
    public_url: str | None = None  # base of asset URLs; default: the URL the request came in on
    asset_ttl_s: int = 3600  # signed asset links live between this and twice this
    guest_ttl_s: int = 24 * 3600
    guest_tokens_per_window: int = 20  # per client address
    guest_messages_per_window: int = 10  # per guest
    user_messages_per_window: int = 60  # per signed-in user
    window_s: float = 600.0
    max_images: int = 12
    sse_poll_s: float = 0.25
    sse_ping_s: float = 15.0
    max_streams_per_user: int = 4
    sse_max_s: float = 300.0  # a stream ends after this; clients reconnect with Last-Event-ID
    idempotency_wait_s: float = 10.0  # a retry waits this long for the first request's answer
    idempotency_lease_s: float = 30.0  # a key whose holder stopped renewing this long is taken over
    read_threads: int = 8  # threads for event-stream reads, apart from the request threads
    user_active_jobs: int = 3  # queued + running renders per signed-in user
    guest_active_jobs: int = 1  # ... per guest
    trusted_proxies: tuple[str, ...] = ()  # addresses / networks whose X-Forwarded-For is believed
    max_message_bytes: int = 64 * 1024  # a request body without uploads (forms, JSON)
    max_slack_bytes: int = 1024 * 1024  # a Slack delivery
    legacy_tokens_until: date | None = LEGACY_TOKENS_UNTIL  # old two-part tokens pass until then (None: never)
    redis_url: str | None = None  # rate limits and stream slots shared by every web process (BOTKIT_REDIS_URL)
    asset_redirect: bool = True  # a bucket's files: 307 to a presigned URL (False: streamed through this process)
    asset_redirect_s: int = 900  # lifetime of that presigned URL

    @classmethod
    def from_settings(cls, settings: Settings) -> WebOptions:
        return cls(
            idempotency_lease_s=settings.idempotency_lease_s,
            user_active_jobs=settings.user_active_jobs,
            guest_active_jobs=settings.guest_active_jobs,
            trusted_proxies=settings.trusted_proxy_list(),
            legacy_tokens_until=settings.legacy_tokens_until,
            redis_url=settings.redis_url,
            asset_redirect=settings.s3_redirect,
            asset_redirect_s=settings.s3_redirect_s,
        )
