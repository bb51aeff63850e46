"""In-process rate limits (sliding window per key): guest tokens per client address, guest messages
per guest. One process only; behind several workers use a shared store (Redis) instead."""

from __future__ import annotations

import threading
import time
from collections import deque

from botkit.errors import InputError


class RateLimited(InputError):
    """Too many requests in the window (HTTP 429); ``retry_after_s`` says when to try again."""

    http_status = 429

    def __init__(self, message: str, retry_after_s: float) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class RateLimiter:
    def __init__(self, limit: int, window_s: float, *, what: str) -> None:
        self.limit = limit
        self.window_s = window_s
        self.what = what
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str) -> None:
        """Count one request for ``key``, or raise ``RateLimited``."""
        now = time.monotonic()
        with self._lock:
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= now - self.window_s:
                hits.popleft()
            if len(hits) >= self.limit:
                retry = hits[0] + self.window_s - now
                raise RateLimited(
                    f"too many {self.what}: at most {self.limit} per {self.window_s:.0f} s; try again in {retry:.0f} s",
                    retry,
                )
            hits.append(now)
            if len(self._hits) > 10_000:  # forget idle keys so memory stays bounded
                for stale in [k for k, v in self._hits.items() if not v or v[-1] <= now - self.window_s]:
                    del self._hits[stale]
