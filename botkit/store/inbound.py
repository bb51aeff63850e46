"""Delivery keys (web Idempotency-Keys, Slack event ids) handled once, even when a holder dies.

A key is claimed with a lease: the holder renews it while it works (``Lease`` does so in a
thread) and finishes it with the answer, which every retry then gets. A holder that dies stops
renewing; once its lease has run out the next retry takes the key over, sees what the dead
holder had already recorded (``progress``, e.g. the turn it stored) and carries on from there.
Every change is one conditional UPDATE, so two claimants can never both hold a key.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import or_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from botkit.errors import StoreError
from botkit.store import models
from botkit.store.db import changed_rows

logger = logging.getLogger(__name__)

DEFAULT_LEASE_S = 30.0


class LeaseLost(StoreError):
    """The caller's lease on a delivery key ran out and someone else holds it now."""

    http_status = 409
    public_message = "another request with this Idempotency-Key took over; retry to get its answer"


def new_holder() -> str:
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Claim:
    """The outcome of claiming a key: held by us (``holder``), finished (``result``), or busy."""

    key: str
    holder: str | None = None
    result: dict[str, Any] | None = None
    progress: dict[str, Any] = field(default_factory=dict)  # left by a holder that died
    taken_over: bool = False

    @property
    def owned(self) -> bool:
        return self.holder is not None

    @property
    def busy(self) -> bool:
        """Someone else holds the key and its lease is still running."""
        return self.holder is None and self.result is None


@dataclass(frozen=True)
class Delivery:
    """A held key, handed down so that the work records its progress under it (same transaction)."""

    key: str
    holder: str


class InboundRepository:
    def __init__(self, sessions: sessionmaker[Session], lease_s: float = DEFAULT_LEASE_S) -> None:
        self.sessions = sessions
        self.lease_s = lease_s

    def claim(self, key: str, channel: str, *, lease_s: float | None = None) -> Claim:
        lease = timedelta(seconds=lease_s or self.lease_s)
        holder = new_holder()
        for _ in range(3):  # a row deleted between our insert and our read: try again
            try:
                with self.sessions.begin() as session:
                    session.add(
                        models.InboundEvent(
                            key=key, channel=channel, holder=holder, lease_until=_now() + lease, done=False
                        )
                    )
                return Claim(key, holder=holder)
            except IntegrityError:
                pass
            event = models.InboundEvent
            with self.sessions.begin() as session:
                taken = changed_rows(
                    session,
                    update(event)
                    .where(
                        event.key == key,
                        event.done.is_(False),
                        or_(event.lease_until.is_(None), event.lease_until < _now()),
                    )
                    .values(holder=holder, lease_until=_now() + lease),
                )
                row = session.get(event, key)
                if row is None:
                    continue
                if taken:
                    logger.warning("took over a delivery whose holder stopped", extra={"key": key})
                    return Claim(key, holder=holder, progress=dict(row.result or {}), taken_over=True)
                if row.done:
                    return Claim(key, result=dict(row.result or {}))
                return Claim(key)
        raise StoreError(f"could not claim delivery key {key!r}")

    def renew(self, key: str, holder: str, *, lease_s: float | None = None) -> bool:
        """Extend the lease; False when the key is no longer ours (finished, or taken over)."""
        event = models.InboundEvent
        with self.sessions.begin() as session:
            return bool(
                changed_rows(
                    session,
                    update(event)
                    .where(event.key == key, event.holder == holder, event.done.is_(False))
                    .values(lease_until=_now() + timedelta(seconds=lease_s or self.lease_s)),
                )
            )

    def finish(self, key: str, holder: str, result: dict[str, Any]) -> bool:
        """Store the answer for every later retry; False when the key is not ours any more."""
        event = models.InboundEvent
        with self.sessions.begin() as session:
            return bool(
                changed_rows(
                    session,
                    update(event)
                    .where(event.key == key, event.holder == holder, event.done.is_(False))
                    .values(done=True, result=result, lease_until=None),
                )
            )

    def result(self, key: str) -> tuple[bool, dict[str, Any]] | None:
        """(done, result or progress) of a key, or None when it was never claimed."""
        with self.sessions() as session:
            row = session.get(models.InboundEvent, key)
            return None if row is None else (row.done, dict(row.result or {}))

    @staticmethod
    def record_progress(session: Session, delivery: Delivery, progress: dict[str, Any]) -> None:
        """Inside the caller's transaction: note how far the work got, only while the key is
        still ours (else the whole transaction is refused with ``LeaseLost``)."""
        event = models.InboundEvent
        changed = changed_rows(
            session,
            update(event)
            .where(event.key == delivery.key, event.holder == delivery.holder, event.done.is_(False))
            .values(result=progress),
        )
        if not changed:
            raise LeaseLost(f"delivery {delivery.key!r} was taken over by another request")


class Lease:
    """Keeps a claimed key: renews it every third of its lease from a thread until closed."""

    def __init__(self, inbound: InboundRepository, claim: Claim, *, lease_s: float | None = None) -> None:
        if claim.holder is None:
            raise ValueError("only a claim we hold can be leased")
        self.inbound = inbound
        self.key = claim.key
        self.holder = claim.holder
        self.lease_s = lease_s or inbound.lease_s
        self.lost = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._renew, daemon=True, name=f"lease-{self.key[-8:]}")

    @property
    def delivery(self) -> Delivery:
        return Delivery(self.key, self.holder)

    def __enter__(self) -> Lease:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._stop.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(5)

    def finish(self, result: dict[str, Any]) -> bool:
        self.close()
        return self.inbound.finish(self.key, self.holder, result)

    def _renew(self) -> None:
        while not self._stop.wait(self.lease_s / 3):
            try:
                if not self.inbound.renew(self.key, self.holder, lease_s=self.lease_s):
                    self.lost.set()
                    return
            except Exception:  # one missed renewal is not a lost lease; the next one may land
                logger.warning("lease renewal failed", exc_info=True, extra={"key": self.key})
