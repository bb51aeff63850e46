"""What every API router shares: the ``/api`` prefix and the documented error answers."""

from __future__ import annotations

from typing import Any

from ..schemas import ErrorOut

PREFIX = "/api"
ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorOut} for code in (400, 401, 403, 404, 409, 413, 415, 422, 429)
}
JSON_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}} for code in ERRORS
}
"""The same, spelled out for routes whose own answer is not JSON (an event stream): FastAPI would
give ``model=`` errors the route's media type."""
