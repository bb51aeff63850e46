"""The media library: a tenant's files checked with the same probes a chat upload gets (images,
videos, fonts parsed by FreeType, music decoded by ffmpeg), stored in the asset store, then
recorded; and the tenant's brand kit, turned into the skill configs its plans use.

Writes are file first, then the row: a refused file leaves nothing, a row that cannot be written
takes its file away again. The same file twice (one sha256) is one item.

    library = Library(LibraryRepository(sessions), assets, image_limits=..., video_limits=...)
    added = library.add("site:pk_x", Path("logo.png"), kind="logo")
"""

from __future__ import annotations

import logging
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image, ImageFont

from botkit.audio.mix import MAX_MUSIC_BYTES, check_music_file
from botkit.audio.music import BEDS
from botkit.domain.library import LIBRARY_KINDS, BrandKit, LibraryItem, check_tenant
from botkit.errors import InputError
from botkit.media.probe import VideoLimits, check_video
from botkit.media.sniff import SniffError, sniff_file
from botkit.skills import SkillRegistry
from botkit.store.assets import AssetStore, sha256_of
from botkit.store.library import LibraryRepository, NewItem
from botkit.uploads import ImageLimits, check_image, normalise_image

logger = logging.getLogger(__name__)

FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".woff", ".woff2")
FONT_MAGIC = (b"\x00\x01\x00\x00", b"OTTO", b"true", b"ttcf", b"wOFF", b"wOF2")
AUDIO_SUFFIXES = (".mp3", ".wav", ".m4a", ".aac", ".ogg", ".oga", ".opus", ".flac")
AUDIO_MAGIC = (b"ID3", b"OggS", b"fLaC", b"\xff\xfb", b"\xff\xf3", b"\xff\xf2")
VIDEO_SUFFIXES = (".mp4", ".m4v", ".mov", ".webm", ".gif")
MAX_FONT_BYTES = 20 * 2**20
IMAGE_KINDS = ("logo", "photo", "panel")
VIDEO_MIME = {"mp4": "video/mp4", "mov": "video/quicktime", "webm": "video/webm", "gif": "image/gif"}
AUDIO_MIME = {".mp3": "audio/mpeg", ".wav": "audio/wav", ".m4a": "audio/mp4", ".aac": "audio/aac",
              ".ogg": "audio/ogg", ".oga": "audio/ogg", ".opus": "audio/ogg", ".flac": "audio/flac"}  # fmt: skip
KIT_ITEMS = {"logo": ("logo", "photo"), "font": ("font",), "music": ("music",)}
"""Brand kit fields that name a library item, and the kinds each may name."""


def tenant_folder(tenant: str) -> str:
    """The tenant's folder in the asset store: ``library/site_pk_x``."""
    return "library/" + re.sub(r"[^A-Za-z0-9_-]", "_", check_tenant(tenant))


class ItemInUse(InputError):
    """A library item a queued or running job still uses (HTTP 409): remove it when they are done."""

    http_status = 409


@dataclass(frozen=True)
class Added:
    item: LibraryItem
    created: bool  # False: the tenant had this file already (same sha256)


def _head(path: Path, count: int = 16) -> bytes:
    with path.open("rb") as handle:
        return handle.read(count)


def sniff_kind(path: Path) -> str:
    """The library kind a file looks like (by its bytes, then its name): footage, font, music or
    photo. The probe for that kind then checks it properly."""
    try:
        sniff_file(path)
        return "footage"
    except (SniffError, OSError):
        pass
    head = _head(path) if path.is_file() else b""
    suffix = path.suffix.lower()
    if head[:4] in FONT_MAGIC or suffix in FONT_SUFFIXES:
        return "font"
    wave = head[:4] in (b"RIFF", b"RF64") and head[8:12] == b"WAVE"
    if wave or head.startswith(AUDIO_MAGIC) or suffix in AUDIO_SUFFIXES:
        return "music"
    if suffix in VIDEO_SUFFIXES:
        return "footage"  # named like a clip: the video probe says what it really is
    return "photo"


def check_font(path: Path) -> dict[str, Any]:
    """Parse a font with FreeType (what captions and cards draw with); its family and style, or
    ``InputError`` naming what is wrong."""
    name = path.name
    size = path.stat().st_size
    if size == 0:
        raise InputError(f"font {name!r} is empty")
    if size > MAX_FONT_BYTES:
        raise InputError(f"font {name!r} is {size / 2**20:.1f} MiB; at most {MAX_FONT_BYTES / 2**20:.0f} MiB")
    if _head(path, 4) not in FONT_MAGIC:
        raise InputError(f"font {name!r} is not a TrueType, OpenType or WOFF font (its first bytes say otherwise)")
    try:
        font = ImageFont.truetype(str(path), 32)
        family, style = font.getname()
        left, top, right, bottom = font.getbbox("Aa")
    except (OSError, ValueError) as exc:
        raise InputError(f"font {name!r} could not be read as a font: {exc}") from None
    if right <= left or bottom <= top:
        raise InputError(f"font {name!r} has no glyphs for Latin letters; captions could not use it")
    return {"family": family or "", "style": style or ""}


def _stage_image(source: Path, target: Path, kind: str) -> None:
    """Photos and panels as the chat stores them (RGB PNG); a logo keeps its transparency."""
    if kind != "logo":
        return  # done by ``normalise_image``
    with Image.open(source) as image:
        image.convert("RGBA").save(target, format="PNG")


class Library:
    def __init__(
        self,
        repo: LibraryRepository,
        assets: AssetStore,
        *,
        image_limits: ImageLimits | None = None,
        video_limits: VideoLimits | None = None,
    ) -> None:
        self.repo = repo
        self.assets = assets
        self.image_limits = image_limits or ImageLimits()
        self.video_limits = video_limits or VideoLimits()

    # -- items ---------------------------------------------------------------------------------

    def add(
        self,
        tenant: str,
        path: Path,
        *,
        kind: str | None = None,
        name: str | None = None,
        collection: str | None = None,
        tags: list[str] | None = None,
    ) -> Added:
        """Check, store and record one file; refused (``InputError``) with nothing written."""
        check_tenant(tenant)
        path = Path(path)
        if not path.is_file():
            raise InputError(f"file {path.name!r} not found")
        if kind is not None and kind not in LIBRARY_KINDS:
            raise InputError(f"kind {kind!r} is not one of: {', '.join(LIBRARY_KINDS)}")
        found = sniff_kind(path)
        kind = kind or ("logo" if found == "photo" and "logo" in path.stem.lower() else found)
        family = "photo" if kind in IMAGE_KINDS else kind
        if family != found and not (family == "photo" and found == "photo"):
            raise InputError(f"file {path.name!r} looks like {found}, not {kind}; add it with --kind {found}")
        label = (name or path.stem).strip()[:120] or path.stem[:120]
        collection = collection.strip()[:120] if collection and collection.strip() else None
        checksum = sha256_of(path)
        existing = self.repo.by_checksum(tenant, checksum)
        if existing is not None:
            return Added(existing, False)
        facts: dict[str, Any] = {}
        width = height = None
        duration = None
        folder = tenant_folder(tenant)
        with self.assets.staging(prefix="library-") as staging:
            if family == "photo":
                checked = check_image(path, self.image_limits)
                width, height, mime, suffix = checked.width, checked.height, "image/png", ".png"
                facts["format"] = checked.format
                staged = staging / f"{checksum[:32]}{suffix}"
                if kind == "logo":
                    _stage_image(path, staged, kind)
                else:
                    normalise_image(checked, staged)
            elif family == "footage":
                info = check_video(path, self.video_limits)
                if info.container == "gif" and info.frames < 2:
                    raise InputError(f"GIF {path.name!r} has one frame; add it as a photo (PNG, JPEG or WebP)")
                width, height, duration = info.width, info.height, info.duration_s
                mime, suffix = VIDEO_MIME[info.container], f".{info.container}"
                facts.update(codec=info.codec, fps=info.fps, audio=info.has_audio, container=info.container)
                staged = staging / f"{checksum[:32]}{suffix}"
                shutil.copyfile(path, staged)
            elif family == "font":
                facts.update(check_font(path))
                suffix = path.suffix.lower() if path.suffix.lower() in FONT_SUFFIXES else ".ttf"
                mime = "font/otf" if _head(path, 4) == b"OTTO" else "font/ttf"
                staged = staging / f"{checksum[:32]}{suffix}"
                shutil.copyfile(path, staged)
            else:  # music
                check_music_file(path, max_bytes=MAX_MUSIC_BYTES)
                suffix = path.suffix.lower() if path.suffix.lower() in AUDIO_SUFFIXES else ".audio"
                mime = AUDIO_MIME.get(suffix, "application/octet-stream")
                staged = staging / f"{checksum[:32]}{suffix}"
                shutil.copyfile(path, staged)
            relative = f"{folder}/{staged.name}"
            stored = self.assets.put(staged, relative)
        new = NewItem(
            tenant=tenant, kind=kind, name=label, path=relative, mime=mime, bytes=stored.bytes, checksum=checksum,
            collection=collection, tags=list(tags or []), width=width, height=height, duration_s=duration,
            facts=facts,
        )  # fmt: skip
        try:
            item, created = self.repo.add(new)
        except BaseException:
            if not self.repo.path_in_use(relative):
                self.assets.remove(relative)
            raise
        if not created and item.path != relative and not self.repo.path_in_use(relative):
            self.assets.remove(relative)  # another request added the same file a moment ago
        logger.info("library item added", extra={"tenant": tenant, "item": item.id, "kind": kind})
        return Added(item, created)

    def items(self, tenant: str, *, kind: str | None = None) -> list[LibraryItem]:
        return self.repo.items(tenant, kind=kind)

    def get(self, tenant: str, item_id: str) -> LibraryItem:
        """The tenant's item; ``InputError`` when it has none by that id (another tenant's item
        gets the very same answer: nothing says it exists)."""
        item = self.repo.get(tenant, item_id) if len(item_id) <= 64 else None
        if item is None:
            raise InputError(f"no library item {item_id!r}")
        return item

    def remove(self, tenant: str, item_id: str) -> LibraryItem:
        """Delete an item and its file. Refused while a queued or running job uses it (its render
        would lose the file halfway); the message names the jobs, so the user can wait or cancel."""
        item = self.get(tenant, item_id)
        jobs = self.repo.active_jobs_using(item.path)
        if jobs:
            raise ItemInUse(
                f"library item {item_id!r} is used by job(s) {', '.join(jobs)} that have not finished; "
                "remove it when they are done (or cancel them)"
            )
        removed = self.repo.remove(tenant, item_id)
        if removed is None:
            raise InputError(f"no library item {item_id!r}")
        if not self.repo.path_in_use(removed.path):
            self.assets.remove(removed.path)
        logger.info("library item removed", extra={"tenant": tenant, "item": item_id})
        return removed

    def find(self, tenant: str, reference: str, kinds: tuple[str, ...]) -> LibraryItem | None:
        """The tenant's item of one of ``kinds`` with this id or name (newest of a name)."""
        items = [item for item in self.repo.items(tenant) if item.kind in kinds]
        for item in items:
            if item.id == reference:
                return item
        wanted = reference.strip().lower()
        named = [item for item in items if item.name.lower() == wanted]
        return named[-1] if named else None

    # -- brand kit -------------------------------------------------------------------------------

    def kit(self, tenant: str) -> BrandKit:
        return self.repo.kit(tenant)

    def set_kit(self, tenant: str, values: dict[str, Any]) -> BrandKit:
        """Set (or, with an empty value, unset) brand kit fields. ``logo``/``font``/``music`` must
        name an item of the tenant's library (music: or a built-in bed); the kit keeps its id."""
        current = self.repo.kit(tenant).model_dump()
        for key, value in values.items():
            if key not in BrandKit.model_fields:
                raise InputError(f"brand kit has no field {key!r}; fields: {', '.join(BrandKit.model_fields)}")
            if value in (None, "", []):
                current[key] = [] if key == "colours" else None
                continue
            if key == "colours" and isinstance(value, str):
                value = [part for part in re.split(r"[,\s]+", value) if part]
            if key in KIT_ITEMS and not (key == "music" and isinstance(value, str) and value in BEDS):
                if not isinstance(value, str):
                    raise InputError(f"brand kit {key} names a library item by id or name (a string)")
                item = self.find(tenant, str(value), KIT_ITEMS[key])
                if item is None:
                    held = ", ".join(f"{i.id} ({i.name})" for i in self.items(tenant) if i.kind in KIT_ITEMS[key])
                    raise InputError(
                        f"no {key} {value!r} in this library" + (f"; it holds: {held}" if held else "; add one first")
                    )
                value = item.id
            current[key] = value
        try:
            kit = BrandKit.model_validate(current)
        except ValueError as exc:
            raise InputError(f"brand kit refused: {exc}") from None
        return self.repo.save_kit(tenant, kit)

    def kit_item(self, tenant: str, kit: BrandKit, key: str) -> LibraryItem | None:
        """The library item a kit field names (None: unset, a bed, or an item since removed)."""
        value = getattr(kit, key)
        return None if not value else self.repo.get(tenant, value)

    def skill_configs(
        self, tenant: str, skills: SkillRegistry, kit: BrandKit | None = None
    ) -> dict[str, dict[str, Any]]:
        """Per installed skill whose config declares a field the kit sets (``brand_name``,
        ``colours``, ``url``, ``cta``, ``handle``, ``logo``): the config in force (the
        deployment's file, or a workspace's) with the kit's values on top (``kit``: already read)."""
        kit = kit if kit is not None else self.repo.kit(tenant)
        values = {key: value for key, value in kit.set().items() if key not in KIT_ITEMS}
        logo = self.kit_item(tenant, kit, "logo")
        if logo is not None:
            values["logo"] = logo.path
        configs: dict[str, dict[str, Any]] = {}
        for skill in skills:
            mine = {key: value for key, value in values.items() if key in skill.Config.model_fields}
            if mine:
                configs[skill.name] = {**skills.config_for(skill.name).model_dump(), **mine}
        return configs
