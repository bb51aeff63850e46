"""The web channel's FastAPI app: the API, /widget.js, an /embed page, CORS and frame-ancestors per site.

This package is the only place that imports FastAPI/Starlette. Other channels (Slack) add their
routes to the app ``create_app`` returns (``app.include_router(...)`` or ``app.mount(...)``).
"""

from __future__ import annotations

import html
import json
import logging
import re
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import anyio
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from botkit import metrics
from botkit.bot import Bot, NothingToApprove, PreviewDecided, PreviewNotReady, StalePreview
from botkit.errors import AssetStoreError, BotkitError, InputError, StoreError
from botkit.jobs.service import TooManyJobs
from botkit.settings import Settings
from botkit.store.inbound import LeaseLost
from botkit.store.repo import StaleRevision
from botkit.store.sweep import Janitor
from botkit.store.usage import QuotaExceeded

from . import previews
from .api import Busy, NotFound, UnsupportedUpload, UploadTooLarge, WebApi
from .auth import authenticate
from .credentials import router as credentials_router
from .metrics import RequestTimer
from .metrics import router as metrics_router
from .options import WebOptions
from .ratelimit import RateLimited
from .sites import SiteDirectory
from .tokens import AuthError, ForbiddenError
from .usage import router as usage_router

logger = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
ALLOW_HEADERS = "Authorization, Content-Type, Idempotency-Key, Last-Event-ID, Range"
EXPOSE_HEADERS = "Content-Range, Content-Length, Accept-Ranges, Retry-After"


def status_of(exc: InputError) -> int:
    for kind, status in (
        (NotFound, 404),
        (AuthError, 401),
        (ForbiddenError, 403),
        (RateLimited, 429),
        (TooManyJobs, 429),
        (QuotaExceeded, 429),
        (UploadTooLarge, 413),
        (UnsupportedUpload, 415),
        (Busy, 409),
        (NothingToApprove, 404),
        (StalePreview | PreviewDecided | PreviewNotReady, 409),
    ):
        if isinstance(exc, kind):
            return status
    return 400


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=headers)


class BodyTooLarge(Exception):
    """Raised from ``receive`` when a body grows past its route's cap (answered 413 by the middleware)."""


AUTHENTICATED_POSTS = re.compile(r"^/api/(conversations(/[^/]+/messages)?|jobs/[^/]+/cancel)$")
UPLOAD_ROUTES = re.compile(r"^/api/conversations(/[^/]+/messages)?$")


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
                        "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
                        "Access-Control-Allow-Headers": ALLOW_HEADERS,
                        "Access-Control-Max-Age": "600",
                        "Vary": "Origin",
                    }
                )
            await response(scope, receive, send)
            return
        if scope["method"] == "POST" and AUTHENTICATED_POSTS.match(path):
            try:  # the token first: a body nobody may send is never read
                authenticate(HTTPConnection(scope), self.sites)
            except InputError as exc:
                status = status_of(exc)
                await answer(
                    error_response(status, str(exc), {"WWW-Authenticate": "Bearer"} if status == 401 else None)
                )
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
            exception = exc
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
    api = WebApi(bot, sites, options)
    janitor = Janitor(
        bot.context.assets, bot.repo.sessions, older_than_s=settings.orphan_after_s, cache_bytes=settings.s3_cache_bytes
    )

    ready = threading.Event()

    def warm_up() -> None:
        try:
            bot.warm_up()
        except Exception:  # a warm-up that fails leaves the first request to do the work
            logger.exception("warm-up failed; serving anyway")
        ready.set()

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
    app.state.bot = bot
    app.state.settings = settings
    app.state.sites = sites
    app.include_router(api.router())
    app.include_router(credentials_router)  # content credentials of the caller's outputs (issue 18)
    app.state.web_api = api  # the preview routes' handle on the API
    app.include_router(previews.router)
    app.include_router(usage_router)
    app.include_router(metrics_router)
    max_upload_body = options.max_images * bot.image_limits.max_bytes + options.max_message_bytes
    app.add_middleware(SiteHeaders, sites=sites, options=options, max_upload_body=max_upload_body)
    app.add_middleware(RequestTimer)  # outermost: every answer is timed, the middleware's own included

    @app.exception_handler(InputError)
    async def input_error(_request: Request, exc: InputError) -> JSONResponse:
        status = status_of(exc)
        if isinstance(exc, UploadTooLarge | UnsupportedUpload):
            metrics.upload_refused("too_large" if isinstance(exc, UploadTooLarge) else "unsupported_type")
        headers = None
        if isinstance(exc, RateLimited | TooManyJobs | QuotaExceeded):
            headers = {"Retry-After": f"{max(1, round(exc.retry_after_s))}"}
        if status == 401:
            headers = {"WWW-Authenticate": "Bearer"}
        return JSONResponse({"error": str(exc)}, status_code=status, headers=headers)

    @app.exception_handler(BotkitError)
    async def botkit_error(_request: Request, exc: BotkitError) -> JSONResponse:
        if isinstance(exc, StaleRevision):  # other messages kept landing first: rare; the client retries
            return error_response(409, "the conversation changed while this message was planned; send it again")
        if isinstance(exc, LeaseLost):
            return error_response(409, "another request with this Idempotency-Key took over; retry to get its answer")
        logger.warning("request failed: %s", exc)
        if isinstance(exc, AssetStoreError):  # the bucket refused or is unreachable: the log has which and why
            return error_response(503, "the file store is not available right now; try again shortly")
        if isinstance(exc, StoreError):
            return error_response(503, "the database is not available right now; try again shortly")
        return error_response(500, str(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse({"error": str(exc.detail)}, status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in error.get('loc', ()) if part != 'body') or 'body'}: {error.get('msg')}"
            for error in exc.errors()[:5]
        )
        return JSONResponse({"error": f"invalid request: {problems}"}, status_code=422)

    widget_source = (STATIC / "widget.js").read_bytes()

    @app.get("/widget.js", include_in_schema=False)
    def widget_js() -> Response:
        return Response(
            widget_source,
            media_type="text/javascript; charset=utf-8",
            headers={"Cache-Control": "public, max-age=300", "Access-Control-Allow-Origin": "*"},
        )

    @app.get("/embed", include_in_schema=False)
    def embed(site_key: str = "") -> HTMLResponse:
        """A page holding only the widget, for sites that prefer an iframe; only their origins may frame it."""
        site = sites.get(site_key) if len(site_key) <= 64 else None
        if site is None:
            return HTMLResponse("<!doctype html><title>unknown site</title>", status_code=404)
        ancestors = " ".join(["'self'", *site.origins])
        page = (
            "<!doctype html><html><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'><title>chat</title></head>"
            f"<body style='margin:0'><script src='/widget.js' data-site-key='{html.escape(site.site_key)}' "
            "data-open='true'></script></body></html>"
        )
        return HTMLResponse(page, headers={"Content-Security-Policy": f"frame-ancestors {ancestors}"})

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> Response:
        # async: a health check must not wait for a request thread
        if not ready.is_set():
            return Response(
                json.dumps({"ok": False, "ready": False, "detail": "loading the planner and the engine"}),
                status_code=503,
                media_type="application/json",
                headers={"Retry-After": "1"},
            )
        return Response(json.dumps({"ok": True, "ready": True}), media_type="application/json")

    return app
