"""Wake-ups across processes: PostgreSQL NOTIFY inside the writing transaction, LISTEN in a thread.

A new job event sends ``NOTIFY botkit_events, '<conversation id>'`` and a new job ``NOTIFY
botkit_jobs, '<engine>'``; PostgreSQL delivers them at commit, so a listener never wakes before
the row is visible. Event streams and the embedded runner wait on these instead of polling SQL
(they still poll, slowly, in case a notification is lost while a connection reconnects). SQLite
has no NOTIFY: there the callers keep polling at their usual pace.
"""

from __future__ import annotations

import logging
import threading
from collections import defaultdict
from collections.abc import Callable

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

logger = logging.getLogger(__name__)

EVENTS = "botkit_events"
JOBS = "botkit_jobs"
CHANNELS = (EVENTS, JOBS)


def supports_notify(db: Engine) -> bool:
    return db.dialect.name == "postgresql"


def notify(session: Session, *notes: tuple[str, str]) -> None:
    """Queue (channel, payload) notifications in the session's transaction, in one statement
    (sent at commit; nothing on SQLite)."""
    if not notes or session.get_bind().dialect.name != "postgresql":
        return
    calls = ", ".join(f"pg_notify(:c{i}, :p{i})" for i in range(len(notes)))
    params = {
        key: value
        for i, (channel, payload) in enumerate(notes)
        for key, value in ((f"c{i}", channel), (f"p{i}", payload))
    }
    session.execute(text(f"SELECT {calls}"), params)


class Listener:
    """One LISTEN connection per process, read by a daemon thread; ``subscribe`` callbacks run in
    that thread with the payload (keep them short: set an event, hop to a loop)."""

    def __init__(self, db: Engine, channels: tuple[str, ...] = CHANNELS, *, reconnect_s: float = 1.0) -> None:
        if not supports_notify(db):
            raise ValueError(f"LISTEN/NOTIFY needs PostgreSQL, not {db.dialect.name}")
        self.url = db.url.set(drivername="postgresql").render_as_string(hide_password=False)
        self.channels = channels
        self.reconnect_s = reconnect_s
        self._callbacks: dict[str, list[Callable[[str], None]]] = defaultdict(list)
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self.listening = threading.Event()  # set while a LISTEN connection is up

    def subscribe(self, channel: str, callback: Callable[[str], None]) -> Callable[[], None]:
        """Call ``callback(payload)`` on each notification; returns the function that unsubscribes."""
        with self._lock:
            self._callbacks[channel].append(callback)

        def unsubscribe() -> None:
            with self._lock:
                if callback in self._callbacks[channel]:
                    self._callbacks[channel].remove(callback)

        return unsubscribe

    def start(self) -> Listener:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="botkit-listen", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(5)

    def _run(self) -> None:
        import psycopg

        while not self._stopping.is_set():
            try:
                with psycopg.connect(self.url, autocommit=True) as connection:
                    for channel in self.channels:
                        connection.execute(f'LISTEN "{channel}"')
                    self.listening.set()
                    while not self._stopping.is_set():
                        for note in connection.notifies(timeout=0.5):
                            self._deliver(note.channel, note.payload)
            except Exception as exc:  # the database went away: callers poll meanwhile
                logger.warning("LISTEN connection lost (%s); reconnecting", exc)
            finally:
                self.listening.clear()
            self._stopping.wait(self.reconnect_s)

    def _deliver(self, channel: str, payload: str) -> None:
        with self._lock:
            callbacks = list(self._callbacks.get(channel, ()))
        for callback in callbacks:
            try:
                callback(payload)
            except Exception:
                logger.exception("notification callback failed", extra={"channel": channel})
