"""Content credentials of the caller's own outputs: who signed a video, poster or preview, what
made it, and whether the file still matches its signature (``botkit verify`` over HTTP).

A caller sees only assets of its own conversations; any other id answers 404, exactly like an id
that does not exist, so ids of other users or sites cannot be probed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import anyio
from fastapi import APIRouter, Depends
from pydantic import BaseModel

from botkit.bot import Bot
from botkit.provenance import Verification, verify
from botkit.provenance.disclosure import ai_generated_line

from ..auth import Principal
from ..errors import NotFound
from ..services import Current, Services
from .common import ERRORS, PREFIX

router = APIRouter(prefix=PREFIX, responses=ERRORS, tags=["credentials"])

SIGNED_KINDS = ("video", "poster", "preview", "contact_sheet")


class CredentialsOut(BaseModel):
    """One file's content credentials, as ``botkit verify`` reports them."""

    asset_id: str
    kind: str
    platform: str | None = None
    disclosure: str
    credentials: Verification


class JobCredentialsOut(BaseModel):
    job_id: str
    all_verified: bool
    files: list[CredentialsOut]


def _bot(services: Services) -> Bot:
    return services.bot


def _owned(bot: Bot, principal: Principal, conversation_id: str | None) -> bool:
    row = bot.repo.conversation(conversation_id) if conversation_id else None
    return row is not None and row["owner"] == principal.owner


def _credentials(bot: Bot, asset: dict) -> CredentialsOut:
    path = bot.assets.path(asset["path"])
    if not path.is_file():
        raise NotFound(f"asset {asset['id']!r} is gone from the store")
    result = verify(path, bot.settings)
    result.path = Path(asset["path"]).name  # never the server's file system
    return CredentialsOut(
        asset_id=asset["id"], kind=asset["kind"], platform=asset.get("platform"),
        disclosure=ai_generated_line(), credentials=result,
    )  # fmt: skip


@router.get(
    "/assets/{asset_id}/credentials",
    response_model=CredentialsOut,
    summary="The content credentials (C2PA) of one of your videos, posters or previews",
)
async def asset_credentials(asset_id: str, principal: Current, bot: Annotated[Bot, Depends(_bot)]) -> CredentialsOut:
    def read() -> CredentialsOut:
        asset = bot.repo.asset(asset_id) if len(asset_id) <= 64 else None
        if asset is None or asset["kind"] not in SIGNED_KINDS or not _owned(bot, principal, asset["conversation_id"]):
            raise NotFound(f"no asset {asset_id!r} for this user")
        return _credentials(bot, asset)

    return await anyio.to_thread.run_sync(read)  # hashing a video takes a while: off the event loop


@router.get(
    "/jobs/{job_id}/credentials",
    response_model=JobCredentialsOut,
    summary="The content credentials of every signed output of one of your jobs",
)
async def job_credentials(job_id: str, principal: Current, bot: Annotated[Bot, Depends(_bot)]) -> JobCredentialsOut:
    def read() -> JobCredentialsOut:
        try:
            status = bot.jobs.status(job_id) if len(job_id) <= 64 else None
        except KeyError:
            status = None
        if status is None or not _owned(bot, principal, status.conversation_id):
            raise NotFound(f"no job {job_id!r} for this user")
        assets = [
            asset for kind in SIGNED_KINDS for asset in bot.repo.assets_of(status.conversation_id, kind, job_id=job_id)
        ]
        files = [_credentials(bot, asset) for asset in assets]
        return JobCredentialsOut(job_id=job_id, all_verified=bool(files) and all(f.credentials.ok for f in files),
                                 files=files)  # fmt: skip

    return await anyio.to_thread.run_sync(read)
