"""``GET /metrics`` (Prometheus text format) and the middleware that times every HTTP request by
route template (``/api/conversations/{conversation_id}/events``, never the raw path: ids would
make a series per conversation)."""

from __future__ import annotations

import time

from fastapi import APIRouter
from fastapi.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from botkit import metrics

router = APIRouter()


@router.get("/metrics", include_in_schema=False)
async def prometheus_metrics() -> Response:
    # async and cheap: a scrape must not wait for a request thread (queue depth is one GROUP BY)
    return Response(metrics.exposition(), media_type=metrics.CONTENT_TYPE)


class RequestTimer:
    """Time to the response's first byte (for an event stream: until it opened), by route."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not metrics.available():
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500
        recorded = False

        def record() -> None:
            nonlocal recorded
            if recorded:
                return
            recorded = True
            route = scope.get("route")
            template = getattr(route, "path", None) or "(unmatched)"
            metrics.http_request(scope["method"], template, status, time.perf_counter() - started)

        async def timed_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                record()
            await send(message)

        try:
            await self.app(scope, receive, timed_send)
        finally:
            record()
