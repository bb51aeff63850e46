"""The web channel's FastAPI app: the API, /widget.js, an /embed page, CORS and frame-ancestors per site.

This package is the only place that imports FastAPI/Starlette. Other channels (Slack) add their
routes to the app ``create_app`` returns (``app.include_router(...)`` or ``app.mount(...)``).
"""

from __future__ import annotations

import html
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import anyio
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from botkit.bot import Bot
from botkit.errors import BotkitError, InputError
from botkit.settings import Settings

from .api import Busy, NotFound, UnsupportedUpload, UploadTooLarge, WebApi
from .options import WebOptions
from .ratelimit import RateLimited
from .sites import SiteDirectory
from .tokens import AuthError, ForbiddenError

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
        (UploadTooLarge, 413),
        (UnsupportedUpload, 415),
        (Busy, 409),
    ):
        if isinstance(exc, kind):
            return status
    return 400


class SiteHeaders:
    """CORS for origins some site allows (the route then checks the token's own site), a body size
    cap before any parsing, and ``frame-ancestors`` so no other page can frame our responses."""

    def __init__(self, app: ASGIApp, sites: SiteDirectory, max_body_bytes: int) -> None:
        self.app = app
        self.sites = sites
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        origin = headers.get("origin")
        path = scope["path"]
        public = path in ("/widget.js",)
        allowed = origin is not None and (public or self.sites.origin_allowed_anywhere(origin))
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
        length = headers.get("content-length", "0")
        if not length.isdigit() or int(length) > self.max_body_bytes:
            limit = self.max_body_bytes / 2**20
            response = JSONResponse({"error": f"the request body is over {limit:.0f} MiB in all"}, status_code=413)
            await response(scope, receive, send)
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:  # chunked bodies without Content-Length
                    raise InputError("the request body is too large")
            return message

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                out = list(message.get("headers", []))
                names = {name.lower() for name, _ in out}
                if allowed and origin:
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

        await self.app(scope, limited_receive, send_with_headers)


def create_app(
    bot: Bot, settings: Settings, options: WebOptions | None = None, *, run_workers: bool = False
) -> FastAPI:
    """The web API and widget for ``bot``. With ``run_workers`` the app starts the bot's job runner
    when the server starts and stops it (finishing the current render) when the server stops."""
    options = options or WebOptions()
    sites = SiteDirectory(bot.repo.sessions)
    api = WebApi(bot, sites, options)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if run_workers:
            bot.start_workers()
        try:
            yield
        finally:
            if run_workers:
                await anyio.to_thread.run_sync(bot.stop_workers)

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
    max_body = options.max_images * bot.image_limits.max_bytes + 2**20
    app.add_middleware(SiteHeaders, sites=sites, max_body_bytes=max_body)

    @app.exception_handler(InputError)
    async def input_error(_request: Request, exc: InputError) -> JSONResponse:
        status = status_of(exc)
        headers = {"Retry-After": f"{max(1, round(exc.retry_after_s))}"} if isinstance(exc, RateLimited) else None
        if status == 401:
            headers = {"WWW-Authenticate": "Bearer"}
        return JSONResponse({"error": str(exc)}, status_code=status, headers=headers)

    @app.exception_handler(BotkitError)
    async def botkit_error(_request: Request, exc: BotkitError) -> JSONResponse:
        logger.warning("request failed: %s", exc)
        return JSONResponse({"error": str(exc)}, status_code=500)

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
    def healthz() -> Response:
        return Response(json.dumps({"ok": True}), media_type="application/json")

    return app
