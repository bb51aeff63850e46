"""Web channel knobs (limits, lifetimes, stream pacing), with defaults that suit one small server."""

from __future__ import annotations

from dataclasses import dataclass


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
    idempotency_wait_s: float = 10.0
    read_threads: int = 8  # threads for event-stream reads, apart from the request threads
