"""The web channel's FastAPI app: the API, /widget.js, an /embed page, CORS and frame-ancestors per site.

This package is the only place that imports FastAPI/Starlette. Other channels (Slack) add their
routes to the app ``create_app`` returns (``app.include_router(...)`` or ``app.mount(...)``).
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio
from fastapi import FastAPI
from fastapi.responses import Response
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from botkit import metrics
from botkit.bot import Bot
from botkit.errors import InputError
from botkit.settings import Settings
from botkit.store.sweep import Janitor

from .auth import authenticate
from .errors import botkit_error_response, error_response, install_error_handlers
from .metrics import RequestTimer
from .metrics import router as metrics_router
from .options import WebOptions
from .routes import assets, conversations, credentials, events, jobs, library, pages, previews, tokens, usage
from .services import WebServices
from .sites import SiteDirectory

logger = logging.getLogger(__name__)

ALLOW_HEADERS = "Authorization, Content-Type, Idempotency-Key, Last-Event-ID, Range"
EXPOSE_HEADERS = "Content-Range, Content-Length, Accept-Ranges, Retry-After"


class BodyTooLarge(Exception):
    """Raised from ``receive`` when a body grows past its route's cap (answered 413 by the middleware)."""


AUTHENTICATED_POSTS = re.compile(r"^/api/(conversations(/[^/]+/messages)?|jobs/[^/]+/cancel)$")
UPLOAD_ROUTES = re.compile(r"^/api/(?:conversations(/[^/]+/messages)?|library/items)$")


class SiteHeaders:
    """In front of every route, before a byte of the body is read: CORS for origins some site
    allows (the route then checks the token's own site), the bearer token of routes that need one,
    and a body cap per route (Slack deliveries, bodies without uploads, uploads by setting), kept
    while the body streams in, chunked or not. Every response gets ``frame-ancestors`` so no other
    page can frame it; an unexpected error is still a short JSON answer with CORS headers."""

    def __init__(self, app: ASGIApp, sites: SiteDirectory, options: WebOptions, max_upload_body: int) -> None:
        self.app = app
        self.sites = sites
        self.options = options
        self.max_upload_body = max_upload_body

    def body_cap(self, path: str, headers: dict[str, str]) -> int:
        if path == "/slack/events":
            return self.options.max_slack_bytes
        multipart = headers.get("content-type", "").lower().startswith("multipart/form-data")
        if multipart and UPLOAD_ROUTES.match(path):
            return self.max_upload_body
        return self.options.max_message_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        origin = headers.get("origin")
        path = scope["path"]
        public = path in ("/widget.js",)
        allowed = origin is not None and (public or self.sites.origin_allowed_anywhere(origin))
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                out = list(message.get("headers", []))
                names = {name.lower() for name, _ in out}
                if allowed and origin and b"access-control-allow-origin" not in names:
                    out += [
                        (b"access-control-allow-origin", origin.encode("latin-1")),
                        (b"access-control-expose-headers", EXPOSE_HEADERS.encode()),
                        (b"vary", b"Origin"),
                    ]
                if b"content-security-policy" not in names:
                    out.append((b"content-security-policy", b"frame-ancestors 'none'"))
                out.append((b"x-content-type-options", b"nosniff"))
                message = {**message, "headers": out}
            await send(message)

        async def answer(response: Response) -> None:
            await response(scope, receive, send_with_headers)

        if scope["method"] == "OPTIONS" and origin and "access-control-request-method" in headers:
            response = Response(status_code=204 if allowed else 403)
            if allowed:
                response.headers.update(
                    {
                        "Access-Control-Allow-Origin": origin,
                        "Access-Control-Allow-Methods": "GET, POST, PUT, DELETE, OPTIONS",
                        "Access-Control-Allow-Headers": ALLOW_HEADERS,
                        "Access-Control-Max-Age": "600",
                        "Vary": "Origin",
                    }
                )
            await response(scope, receive, send)
            return
        if scope["method"] == "POST" and AUTHENTICATED_POSTS.match(path):
            try:  # the token first: a body nobody may send is never read
                principal = authenticate(
                    HTTPConnection(scope), self.sites, legacy_until=self.options.legacy_tokens_until
                )
                scope.setdefault("state", {})["principal"] = principal  # the route uses it (checked once)
            except InputError as exc:
                await answer(botkit_error_response(exc))
                return
        cap = self.body_cap(path, headers)
        length = headers.get("content-length")
        if length is not None and not length.isdigit():
            await answer(error_response(400, "Content-Length must be a number of bytes"))
            return
        if length is not None and int(length) > cap:
            metrics.upload_refused("body_too_large")
            await answer(error_response(413, too_large(cap)))
            return
        received = 0
        exceeded = False

        async def limited_receive() -> Message:
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > cap:  # chunked bodies, or more bytes than Content-Length said
                    exceeded = True
                    raise BodyTooLarge
            return message

        async def guarded_send(message: Message) -> None:
            if not exceeded:  # once over the cap, the app's own answer to the cut body is dropped
                await send_with_headers(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except Exception as exc:
            if not exceeded:
                logger.exception("unhandled error", extra={"path": path})
            if started and not exceeded:
                raise
            exception: Exception | None = exc
        else:
            exception = None
        if exceeded and not started:
            metrics.upload_refused("body_too_large")
            await answer(error_response(413, too_large(cap)))
        elif exception is not None and not started:
            await answer(error_response(500, "internal error; the team has the details in the log"))


def too_large(cap: int) -> str:
    size = f"{cap / 2**20:.0f} MiB" if cap >= 2**20 else f"{cap // 1024} KiB"
    return f"the request body is over {size}, the most this route accepts"


def create_app(
    bot: Bot, settings: Settings, options: WebOptions | None = None, *, run_workers: bool = False
) -> FastAPI:
    """The web API and widget for ``bot``. With ``run_workers`` the app starts the bot's job runner
    when the server starts and stops it (finishing the current render) when the server stops."""
    options = options or WebOptions.from_settings(settings)
    sites = SiteDirectory(bot.repo.sessions)
    janitor = Janitor(
        bot.context.assets, bot.repo.sessions, older_than_s=settings.orphan_after_s, cache_bytes=settings.s3_cache_bytes
    )
    services = WebServices(bot, sites, options)

    def warm_up() -> None:
        try:
            bot.warm_up()
        except Exception:  # a warm-up that fails leaves the first request to do the work
            logger.exception("warm-up failed; serving anyway")
        services.ready.set()

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        janitor.start()  # sweeps what dead requests left behind: now, then every few minutes
        if run_workers:
            bot.start_workers()
        # /healthz says 503 until the planner and (when renders run here) the engine are loaded
        threading.Thread(target=warm_up, name="botkit-warm-up", daemon=True).start()
        try:
            yield
        finally:
            janitor.stop()
            if run_workers:
                await anyio.to_thread.run_sync(bot.stop_workers)
            await anyio.to_thread.run_sync(bot.close_listener)

    app = FastAPI(
        lifespan=lifespan,
        title="botkit web API",
        version="1",
        description="Chat with a video bot: send messages, stream progress by SSE, fetch the videos.",
    )
    app.state.services = services  # what the routes' ``Depends(get_services)`` read
    for module in (tokens, conversations, events, jobs, assets, pages, credentials, previews, usage, library):
        app.include_router(module.router)
    app.include_router(metrics_router)
    install_error_handlers(app)
    # one message carries up to max_images images or one video at its own limit (each file is checked
    # against its own limit as it is written): the body may hold the larger of the two
    files = max(options.max_images * bot.image_limits.max_bytes, bot.video_limits.max_bytes)
    max_upload_body = files + options.max_message_bytes
    app.add_middleware(SiteHeaders, sites=sites, options=options, max_upload_body=max_upload_body)
    app.add_middleware(RequestTimer)  # outermost: every answer is timed, the middleware's own included
    return app
