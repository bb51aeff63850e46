"""Rate limits (moving window per key) through the ``limits`` library: guest tokens per client
address, messages per guest or user. In memory by default (one process); in Redis when
``BOTKIT_REDIS_URL`` is set, so every ``--workers N`` process counts against the same window.
Redis down -> this process's own window, with a warning: a limit per process, never no limit."""

from __future__ import annotations

import logging
import threading
import time

from limits import RateLimitItemPerSecond
from limits.storage import MemoryStorage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

from botkit.errors import InputError

logger = logging.getLogger(__name__)

REDIS_RETRY_S = 30.0
"""After a Redis error, the limiter counts in this process for this long before trying Redis again."""


class RateLimited(InputError):
    """Too many requests in the window (HTTP 429); ``retry_after_s`` says when to try again."""

    http_status = 429

    def __init__(self, message: str, retry_after_s: float) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class RateLimiter:
    def __init__(self, limit: int, window_s: float, *, what: str, storage_url: str | None = None) -> None:
        self.limit = limit
        self.window_s = window_s
        self.what = what
        self.item = RateLimitItemPerSecond(limit, max(1, round(window_s)))
        self._local = MovingWindowRateLimiter(MemoryStorage())
        self._shared = None
        if storage_url:
            # short timeouts: a request must not hang on a Redis that stopped answering
            storage = storage_from_string(
                storage_url, wrap_exceptions=True, socket_timeout=0.5, socket_connect_timeout=0.5
            )
            self._shared = MovingWindowRateLimiter(storage)
        self._down_until = 0.0
        self._lock = threading.Lock()

    @property
    def shared(self) -> bool:
        """Whether the window is counted in Redis right now."""
        return self._shared is not None and time.monotonic() >= self._down_until

    def hit(self, key: str) -> None:
        """Count one request for ``key``, or raise ``RateLimited``."""
        limiter = self._shared if self.shared else self._local
        assert limiter is not None
        try:
            allowed = limiter.hit(self.item, self.what, key)
        except Exception as exc:  # Redis down or refusing: count here instead, never let everything through
            with self._lock:
                if time.monotonic() >= self._down_until:
                    logger.warning(
                        "rate limits: Redis is not answering (%s); limiting %s per process for %.0f s",
                        exc,
                        self.what,
                        REDIS_RETRY_S,
                    )
                self._down_until = time.monotonic() + REDIS_RETRY_S
            limiter = self._local
            allowed = limiter.hit(self.item, self.what, key)
        if allowed:
            return
        try:
            reset = limiter.get_window_stats(self.item, self.what, key).reset_time
            retry = max(0.0, reset - time.time())
        except Exception:
            retry = self.window_s
        raise RateLimited(
            f"too many {self.what}: at most {self.limit} per {self.window_s:.0f} s; try again in {retry:.0f} s",
            retry,
        )
