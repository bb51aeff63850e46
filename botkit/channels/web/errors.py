"""The web channel's own errors, and the one handler that turns any botkit error into a JSON answer.

Each error class says its HTTP status (``http_status``, set where the class is defined); the
handler reads it, so a new error class needs no change here.
"""

from __future__ import annotations

import logging
import re

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from botkit import metrics
from botkit.errors import BotkitError, InputError

from .tokens import ForbiddenError

logger = logging.getLogger(__name__)


class NotFound(ForbiddenError):
    """Not there, or not yours: the API answers 404 either way, so ids cannot be probed."""

    http_status = 404


class UploadTooLarge(InputError):
    """An upload over the size limit (HTTP 413)."""

    http_status = 413


class UnsupportedUpload(InputError):
    """An upload whose bytes are not an allowed image type, whatever its name says (HTTP 415)."""

    http_status = 415


class Busy(InputError):
    """The same Idempotency-Key is still being handled (HTTP 409)."""

    http_status = 409


REPLAYED: dict[str, type[InputError]] = {
    kind.__name__: kind for kind in (InputError, NotFound, UploadTooLarge, UnsupportedUpload)
}
"""Refusals an idempotent retry gets again, by class name, with the first answer's status."""


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=headers)


def botkit_error_response(exc: BotkitError) -> JSONResponse:
    """``{"error": ...}`` with the class's status; 401 names the scheme, a wait says when to retry."""
    status = exc.http_status
    headers: dict[str, str] = {}
    retry_after_s = getattr(exc, "retry_after_s", None)
    if isinstance(retry_after_s, int | float):
        headers["Retry-After"] = f"{max(1, round(retry_after_s))}"
    if status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    return error_response(status, exc.public_message or str(exc), headers or None)


async def botkit_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, BotkitError)
    if isinstance(exc, UploadTooLarge | UnsupportedUpload):
        metrics.upload_refused("too_large" if isinstance(exc, UploadTooLarge) else "unsupported_type")
    if not isinstance(exc, InputError):
        logger.warning("request failed: %s", exc)
    return botkit_error_response(exc)


async def http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    headers = exc.headers
    if exc.status_code == 405:  # a path served by several routes (GET and POST): Allow names them all
        headers = {**(headers or {}), "Allow": ", ".join(allowed_methods(request))}
    return JSONResponse({"error": str(exc.detail)}, status_code=exc.status_code, headers=headers)


def allowed_methods(request: Request) -> list[str]:
    """Every method the API documents at this request's path (from the app's OpenAPI paths)."""
    path = request.url.path
    for template, operations in request.app.openapi().get("paths", {}).items():
        pattern = "^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template)) + "$"
        if re.match(pattern, path):
            return sorted(method.upper() for method in operations)
    return []


async def validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = "; ".join(
        f"{'.'.join(str(part) for part in error.get('loc', ()) if part != 'body') or 'body'}: {error.get('msg')}"
        for error in exc.errors()[:5]
    )
    return JSONResponse({"error": f"invalid request: {problems}"}, status_code=422)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(BotkitError, botkit_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, validation_error)
