"""A site's media library and brand kit, managed by the site's admin (a token of kind ``admin``
minted with the site secret): list, add (multipart), remove items; get and put the kit. A site
only ever sees its own items: another site's item id answers 404, like one that never existed."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, UploadFile
from pydantic import BaseModel, Field

from botkit.domain.library import LIBRARY_KINDS, BrandKit, LibraryItem
from botkit.errors import InputError

from ..errors import NotFound
from ..services import Admin, Services
from .common import ERRORS, PREFIX

router = APIRouter(prefix=PREFIX, tags=["library"], responses=ERRORS)


class ItemOut(BaseModel):
    id: str
    kind: str
    name: str
    collection: str | None
    tags: list[str]
    mime: str
    bytes: int
    width: int | None
    height: int | None
    duration_s: float | None
    facts: dict[str, Any]
    created: bool = Field(default=False, description="False: the library had this file already (same sha256)")


class ItemsOut(BaseModel):
    tenant: str
    items: list[ItemOut]


def _out(item: LibraryItem, created: bool = False) -> ItemOut:
    return ItemOut(**item.model_dump(include=set(ItemOut.model_fields) - {"created"}), created=created)


def _tenant(principal: Admin) -> str:
    return f"site:{principal.site.site_key}"


@router.get("/library/items", response_model=ItemsOut, summary="The site's library items")
def list_items(services: Services, principal: Admin, kind: str | None = None) -> ItemsOut:
    if kind is not None and kind not in LIBRARY_KINDS:
        raise InputError(f"kind {kind!r} is not one of: {', '.join(LIBRARY_KINDS)}")
    tenant = _tenant(principal)
    return ItemsOut(tenant=tenant, items=[_out(item) for item in services.bot.library.items(tenant, kind=kind)])


@router.post("/library/items", response_model=ItemsOut, status_code=201, summary="Add files to the library")
def add_items(
    services: Services,
    principal: Admin,
    files: Annotated[list[UploadFile], File(description="Photos, logos, panels, fonts, music or footage.")],
    kind: Annotated[str | None, Form(description=" | ".join(LIBRARY_KINDS) + " (default: from the file)")] = None,
    name: Annotated[str | None, Form(max_length=120)] = None,
    collection: Annotated[str | None, Form(max_length=120, description='e.g. "spring lookbook"')] = None,
) -> ItemsOut:
    """Each file is checked with the chat's upload probes (fonts parsed, music decoded) and kept;
    the same file twice is one item. Files are added in order, each on its own: a refused one
    answers its error, and the files before it stay added."""
    bot = services.bot
    tenant = _tenant(principal)
    if name and len(files) > 1:
        raise InputError("name names one file; send the files one by one, or use a collection")
    out = []
    with bot.assets.staging(prefix="upload-") as folder:
        paths = services.save_files(files, folder)
        for path in paths:
            added = bot.library.add(tenant, path, kind=kind or None, name=name, collection=collection)
            out.append(_out(added.item, added.created))
    return ItemsOut(tenant=tenant, items=out)


@router.delete("/library/items/{item_id}", status_code=204, summary="Remove a library item")
def remove_item(item_id: str, services: Services, principal: Admin) -> None:
    tenant = _tenant(principal)
    try:
        services.bot.library.get(tenant, item_id)
    except InputError:
        raise NotFound(f"no library item {item_id!r}") from None
    services.bot.library.remove(tenant, item_id)


@router.get("/library/kit", response_model=BrandKit, summary="The site's brand kit")
def get_kit(services: Services, principal: Admin) -> BrandKit:
    return services.bot.library.kit(_tenant(principal))


@router.put("/library/kit", response_model=BrandKit, summary="Set fields of the brand kit")
def put_kit(body: dict[str, Any], services: Services, principal: Admin) -> BrandKit:
    """Fields given are set (null or "" unsets one); logo, font and music name library items."""
    return services.bot.library.set_kit(_tenant(principal), body)
