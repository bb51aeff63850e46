"""``GET /api/assets/{asset_id}``: a video, poster or image by signed URL, with HTTP Range.

On a bucket the answer is a 307 to a presigned URL of the object (short-lived, with the file's
content type and disposition), so the bytes never pass through the web process; on a local store,
or with ``BOTKIT_S3_REDIRECT=false``, the file is streamed from here.
"""

from pathlib import PurePosixPath
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import FileResponse, RedirectResponse, Response

from ..errors import NotFound
from ..services import Services
from ..tokens import ForbiddenError, check_asset_signature
from .common import ERRORS, PREFIX

router = APIRouter(prefix=PREFIX, responses=ERRORS)


@router.get(
    "/assets/{asset_id}",
    summary="A video, poster or image by signed URL (HTTP Range supported)",
    response_class=FileResponse,
    responses={
        200: {"content": {"video/mp4": {}, "image/png": {}}},
        206: {"description": "Partial content"},
        307: {"description": "The file at a presigned URL of the bucket (S3 asset store)"},
    },
)
def get_asset(
    asset_id: str,
    services: Services,
    site: Annotated[str, Query(max_length=64)],
    exp: Annotated[int, Query(ge=0, lt=2**40)],
    sig: Annotated[str, Query(max_length=128)],
    download: Annotated[bool, Query()] = False,
) -> Response:
    site_info = services.sites.get(site)
    if site_info is None:
        raise ForbiddenError("the asset link names an unknown site")
    check_asset_signature(site_info.secret, site_info.site_key, asset_id, exp, sig)
    repo = services.bot.repo
    asset = repo.asset(asset_id) if len(asset_id) <= 64 else None
    conversation = repo.conversation(asset["conversation_id"]) if asset else None
    if asset is None or conversation is None or not (conversation["owner"] or "").startswith(f"site:{site}:"):
        raise NotFound(f"no asset {asset_id!r}")
    store = services.bot.assets
    if services.options.asset_redirect and store.backend != "local":
        url = store.presigned_url(
            asset["path"],
            expires_s=services.options.asset_redirect_s,
            filename=PurePosixPath(asset["path"]).name,
            mime=asset["mime"],
            inline=not download,
        )
        if url is not None:  # signed here, with no request to the bucket: a deleted object is its 404
            return RedirectResponse(
                url,
                status_code=307,
                headers={"Cache-Control": "no-store", "Cross-Origin-Resource-Policy": "cross-origin"},
            )
    path = store.path(asset["path"])
    if not path.is_file():
        raise NotFound(f"asset {asset_id!r} is gone from the store")
    return FileResponse(
        path,
        media_type=asset["mime"],
        filename=path.name if download else None,
        content_disposition_type="attachment" if download else "inline",
        headers={"Cache-Control": "private, max-age=3600", "Cross-Origin-Resource-Policy": "cross-origin"},
    )
