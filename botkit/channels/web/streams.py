"""Event streams across web processes: wake-ups on new events, and open-stream slots per user.

``EventWaker``: on PostgreSQL a stream sleeps until a NOTIFY for its conversation arrives (the
bot's LISTEN thread hops onto the stream's event loop), with a slow poll in case a notification
is lost while the connection reconnects; on SQLite it polls at ``sse_poll_s`` as before.
``StreamSlots``: how many streams each user has open, in Redis when ``BOTKIT_REDIS_URL`` is set
(so ``--workers N`` shares one count), else in this process. Redis down -> this process's count,
with a warning: a limit per process, never none.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import defaultdict
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from botkit.store.notify import Listener

logger = logging.getLogger(__name__)

REDIS_RETRY_S = 30.0
"""After a Redis error, this process counts alone for this long before trying Redis again."""


class Watch:
    """One stream's wake-up: ``wait`` returns when its conversation has a new event (or after the
    poll interval). Clear-then-query ordering means no wake-up is lost between a query and a wait."""

    def __init__(self, waker: EventWaker, conversation_id: str) -> None:
        self.waker, self.conversation_id = waker, conversation_id
        self.loop = asyncio.get_running_loop()
        self.event = asyncio.Event()

    async def wait(self) -> None:
        listener = self.waker.listener
        if listener is None or not listener.listening.is_set():
            await asyncio.sleep(self.waker.poll_s)
            return
        try:
            await asyncio.wait_for(self.event.wait(), self.waker.listen_poll_s)
        except TimeoutError:
            pass
        self.event.clear()

    def wake(self) -> None:  # from the LISTEN thread
        self.loop.call_soon_threadsafe(self.event.set)


class EventWaker:
    def __init__(self, listener: Listener | None, poll_s: float, listen_poll_s: float = 5.0) -> None:
        from botkit.store.notify import EVENTS

        self.listener = listener
        self.poll_s = poll_s
        self.listen_poll_s = listen_poll_s
        self._watches: dict[str, set[Watch]] = defaultdict(set)
        if listener is not None:
            listener.subscribe(EVENTS, self._notified)

    def watch(self, conversation_id: str) -> Watch:
        watch = Watch(self, conversation_id)
        self._watches[conversation_id].add(watch)
        return watch

    def unwatch(self, watch: Watch) -> None:
        watches = self._watches.get(watch.conversation_id)
        if watches is not None:
            watches.discard(watch)
            if not watches:
                self._watches.pop(watch.conversation_id, None)

    def _notified(self, conversation_id: str) -> None:
        for watch in list(self._watches.get(conversation_id, ())):
            watch.wake()


class StreamSlots:
    """Open event streams per owner: ``count`` before opening one, ``enter`` / ``leave`` around it.
    In Redis a key per owner lives ``ttl_s`` past its last change, so a process that died holding
    slots gives them back by itself."""

    def __init__(self, redis_url: str | None, ttl_s: float) -> None:
        self.ttl_s = max(1, round(ttl_s))
        self._local: dict[str, int] = {}
        self._redis = None
        self._down_until = 0.0
        if redis_url:
            import redis

            self._redis = redis.Redis.from_url(redis_url, socket_timeout=0.5, socket_connect_timeout=0.5)

    def _shared(self):
        return self._redis if self._redis is not None and time.monotonic() >= self._down_until else None

    def _failed(self, exc: Exception) -> None:
        logger.warning(
            "Redis is not answering (%s): counting open event streams in this process only for %.0f s",
            exc,
            REDIS_RETRY_S,
        )
        self._down_until = time.monotonic() + REDIS_RETRY_S

    @staticmethod
    def _key(owner: str) -> str:
        return f"botkit:streams:{owner}"

    def count(self, owner: str) -> int:
        shared = self._shared()
        if shared is not None:
            try:
                return int(shared.get(self._key(owner)) or 0)
            except Exception as exc:
                self._failed(exc)
        return self._local.get(owner, 0)

    def enter(self, owner: str) -> None:
        self._local[owner] = self._local.get(owner, 0) + 1
        shared = self._shared()
        if shared is not None:
            try:
                with shared.pipeline() as pipe:
                    pipe.incr(self._key(owner)).expire(self._key(owner), self.ttl_s).execute()
            except Exception as exc:
                self._failed(exc)

    def leave(self, owner: str) -> None:
        left = self._local.get(owner, 0) - 1
        if left > 0:
            self._local[owner] = left
        else:
            self._local.pop(owner, None)
        shared = self._shared()
        if shared is not None:
            try:
                if shared.decr(self._key(owner)) <= 0:
                    shared.delete(self._key(owner))
            except Exception as exc:
                self._failed(exc)
