"""Pages outside the API: ``/widget.js``, the ``/embed`` page for iframes, ``/healthz``."""

import html
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, JSONResponse, Response

from ..services import Services

router = APIRouter(include_in_schema=False)

WIDGET_SOURCE = (Path(__file__).resolve().parents[1] / "static" / "widget.js").read_bytes()


@router.get("/widget.js")
def widget_js() -> Response:
    return Response(
        WIDGET_SOURCE,
        media_type="text/javascript; charset=utf-8",
        headers={"Cache-Control": "public, max-age=300", "Access-Control-Allow-Origin": "*"},
    )


@router.get("/embed")
def embed(services: Services, site_key: str = "") -> HTMLResponse:
    """A page holding only the widget, for sites that prefer an iframe; only their origins may frame it."""
    site = services.sites.get(site_key) if len(site_key) <= 64 else None
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


@router.get("/healthz")
async def healthz(services: Services) -> JSONResponse:
    # async: a health check must not wait for a request thread
    if not services.ready.is_set():
        return JSONResponse(
            {"ok": False, "ready": False, "detail": "loading the planner and the engine"},
            status_code=503,
            headers={"Retry-After": "1"},
        )
    return JSONResponse({"ok": True, "ready": True})
