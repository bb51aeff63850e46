"""``GET /api/conversations/{id}/events``: the conversation's event log as server-sent events
(``fastapi.sse``), resumable with ``Last-Event-ID`` or ``?after=``.

Everything that can refuse a stream (the token, the conversation's owner, a bad resume id, too
many open streams) is checked in the ``open_stream`` dependency, before the 200 goes out.
"""

import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from functools import partial
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.sse import EventSourceResponse, ServerSentEvent

from botkit.domain.jobs import JobEvent
from botkit.errors import InputError
from botkit.jobs.service import JobService

from ..auth import Principal
from ..ratelimit import RateLimited
from ..services import Services, stream_principal
from ..sites import SiteInfo
from ..streams import Watch
from ..views import Views
from .common import JSON_ERRORS, PREFIX

router = APIRouter(prefix=PREFIX, responses=JSON_ERRORS)

EVENT_PAGE = 1000
"""Events read from the log per query while streaming."""


@dataclass(frozen=True)
class OpenStream:
    conversation_id: str
    principal: Principal
    base_url: str
    after: int
    max_s: float
    watch: Watch  # wakes the stream on a NOTIFY for this conversation (PostgreSQL), else at the poll interval


async def open_stream(
    conversation_id: str,
    services: Services,
    principal: Annotated[Principal, Depends(stream_principal)],
    request: Request,
    last_event_id: Annotated[str | None, Header(alias="Last-Event-ID", max_length=20)] = None,
    after: Annotated[int | None, Query(ge=0, lt=2**62, description="Resume after this event id.")] = None,
    wait_s: Annotated[float | None, Query(gt=0, le=3600, description="Close the stream after this long.")] = None,
    access_token: Annotated[
        str | None, Query(max_length=4000, description="The token, for EventSource (it cannot send headers).")
    ] = None,
) -> AsyncIterator[OpenStream]:
    """Check the request and count the stream as open for as long as the response lasts."""
    await anyio.to_thread.run_sync(
        services.owned_conversation, principal, conversation_id, limiter=services.read_threads
    )
    start = after or 0
    if last_event_id is not None:
        if not last_event_id.isdigit():
            raise InputError(f"Last-Event-ID must be an event id (a number), got {last_event_id!r}")
        start = max(start, int(last_event_id))
    owner, limit = principal.owner, services.options.max_streams_per_user
    if services.open_streams.count(owner) >= limit:
        raise RateLimited(
            f"too many open event streams for this user: at most {limit}; close one (each conversation needs only one)",
            1.0,
        )
    services.open_streams.enter(owner)
    watch = services.waker.watch(conversation_id)
    try:
        yield OpenStream(
            conversation_id, principal, services.base_url(request), start, wait_s or services.options.sse_max_s, watch
        )
    finally:
        services.waker.unwatch(watch)
        services.open_streams.leave(owner)


def read_page(
    jobs: JobService, views: Views, stream: OpenStream, site: SiteInfo, after: int
) -> tuple[list[JobEvent], list[dict[str, Any]]]:
    """The next page of the log after ``after`` and what the stream sends for each event."""
    events = jobs.events(conversation_id=stream.conversation_id, after=after, limit=EVENT_PAGE)
    return events, views.events(stream.base_url, site, events) if events else []


@router.get(
    "/conversations/{conversation_id}/events",
    summary="Server-sent events: queued (with the plan), started, rendering, post, done, failed, cancelled",
    response_class=EventSourceResponse,
)
async def conversation_events(
    stream: Annotated[OpenStream, Depends(open_stream)], services: Services
) -> AsyncIterator[ServerSentEvent]:
    """The event log from ``after`` on, polling SQL; pings keep proxies open."""
    yield ServerSentEvent(retry=1000)
    options, jobs, views = services.options, services.bot.jobs, services.views
    site, after = stream.principal.site, stream.after
    deadline = time.monotonic() + stream.max_s
    last_sent = time.monotonic()
    while True:
        # one thread hop per page (the read and its payloads), not per event
        events, payloads = await anyio.to_thread.run_sync(
            partial(read_page, jobs, views, stream, site, after), limiter=services.read_threads
        )
        if events:
            for event, payload in zip(events, payloads, strict=True):
                after = event.id
                yield ServerSentEvent(
                    id=str(event.id), event=event.kind, raw_data=json.dumps(payload, separators=(",", ":"))
                )
            last_sent = time.monotonic()
            if len(events) >= EVENT_PAGE:
                continue  # a backlog is sent whole before the stream may end
        now = time.monotonic()
        if now >= deadline:
            return
        if now - last_sent >= options.sse_ping_s:
            last_sent = now
            yield ServerSentEvent(comment="ping")
        await stream.watch.wait()  # a NOTIFY for this conversation (PostgreSQL), or the poll interval
