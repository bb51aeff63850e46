"""The web channel's services, built once per app and handed to the routes by ``Depends``: the bot,
the sites, the limits, idempotent message handling and upload checks.

Routes live in ``routes/`` (one module-level ``APIRouter`` each); they declare what they need as
parameters (``Services``, ``Current``), so a test can override any of it.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Annotated

import anyio
from fastapi import Depends, Request, UploadFile
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from PIL import Image, UnidentifiedImageError

from botkit.bot import Bot, Turn, upload_kind
from botkit.domain.plan import PLATFORM_IDS, ShotPlan
from botkit.errors import InputError
from botkit.jobs.service import TooManyJobs
from botkit.media.probe import check_video
from botkit.media.sniff import ACCEPTED_TEXT, SniffError, sniff_file
from botkit.provenance.disclosure import assistant_intro
from botkit.store.inbound import Claim, Delivery, InboundRepository, Lease
from botkit.uploads import ALLOWED_FORMATS

from .auth import Principal, authenticate
from .errors import REPLAYED, Busy, NotFound, UnsupportedUpload, UploadTooLarge
from .options import WebOptions
from .ratelimit import RateLimiter
from .schemas import TurnOut
from .sites import SiteDirectory, SiteInfo
from .streams import EventWaker, StreamSlots
from .tokens import ADMIN_KIND
from .views import Views

logger = logging.getLogger(__name__)


Work = Callable[[str | None, Delivery | None, Turn | None], TurnOut]
"""A message's work: (idempotency key, the held delivery, the turn a dead holder had stored)."""

BEARER = HTTPBearer(auto_error=False, description="A user token minted by the site's backend, or a guest token.")
SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
IDEMPOTENCY_KEY = re.compile(r"^[\x21-\x7e]{1,200}$")


def site_badge(site: SiteInfo) -> bool | None:
    """The site's choice of the visible "AI" badge (``sites.config["ai_badge"]``); None: not set."""
    chosen = (site.config or {}).get("ai_badge")
    return chosen if isinstance(chosen, bool) else None


class WebServices:
    """Everything the routes share, one per app (``create_app`` builds it)."""

    def __init__(self, bot: Bot, sites: SiteDirectory, options: WebOptions) -> None:
        self.bot = bot
        self.sites = sites
        self.options = options
        self.views = Views(bot, options.asset_ttl_s)
        shared = options.redis_url  # limits shared by every web process when set
        self.guest_tokens = RateLimiter(
            options.guest_tokens_per_window, options.window_s, what="guest sessions", storage_url=shared
        )
        self.guest_messages = RateLimiter(
            options.guest_messages_per_window, options.window_s, what="messages", storage_url=shared
        )
        self.user_messages = RateLimiter(
            options.user_messages_per_window, options.window_s, what="messages", storage_url=shared
        )
        self.inbound = InboundRepository(bot.repo.sessions, options.idempotency_lease_s)
        # Writes take turns in the bot (``Bot.write_gate``, only around SQL); stream reads get their
        # own threads so they never queue behind writes.
        self.read_threads = anyio.CapacityLimiter(options.read_threads)
        self.open_streams = StreamSlots(options.redis_url, options.sse_max_s + 60)  # per owner
        self.waker = EventWaker(bot.listener(), options.sse_poll_s)  # NOTIFY on PostgreSQL, else polling
        self.ready = threading.Event()  # set once the planner (and the engine, when renders run here) is loaded

    # -- helpers -----------------------------------------------------------------------------------

    def base_url(self, request: Request) -> str:
        return self.options.public_url or str(request.base_url)

    def job_limit(self, principal: Principal) -> int:
        guest = principal.claims.kind == "guest"
        return self.options.guest_active_jobs if guest else self.options.user_active_jobs

    def check_job_limit(self, principal: Principal) -> None:
        """Refuse before any planning when the principal's renders already fill its share (the
        submit checks again, atomically)."""
        limit = self.job_limit(principal)
        active = self.bot.context.jobs.active_of(principal.owner)
        if active >= limit:
            raise TooManyJobs(
                f"{active} of your videos are already queued or rendering; at most {limit} at a time are allowed"
                + (" for guests" if principal.claims.kind == "guest" else "")
                + ". Wait for one to finish (or cancel one), then send this again.",
                active,
                limit,
            )

    def check_platforms(self, platforms: list[str]) -> list[str]:
        unknown = [p for p in platforms if p not in PLATFORM_IDS]
        if unknown:
            raise InputError(f"unknown platform(s) {', '.join(map(repr, unknown))}; allowed: {', '.join(PLATFORM_IDS)}")
        return list(dict.fromkeys(platforms))  # the planner refuses repeats; a form may repeat a box

    def owned_conversation(self, principal: Principal, conversation_id: str) -> dict:
        row = self.bot.repo.conversation(conversation_id) if len(conversation_id) <= 64 else None
        if row is None or row["owner"] != principal.owner:
            raise NotFound(f"no conversation {conversation_id!r} for this user")
        return row

    def count_message(self, principal: Principal) -> None:
        if principal.claims.kind == "guest":
            self.guest_messages.hit(principal.owner)
        else:
            self.user_messages.hit(principal.owner)

    def save_files(self, uploads: list[UploadFile], folder: Path) -> list[Path]:
        """Write library files to ``folder`` as sent (the library's probes check them), refusing
        more files or bytes than an upload may have."""
        if not uploads or len(uploads) > self.options.max_images:
            raise InputError(f"{len(uploads)} files sent; send 1-{self.options.max_images} at a time")
        limit = max(self.bot.image_limits.max_bytes, self.bot.video_limits.max_bytes)
        return [
            write_upload(upload, folder / f"{index:02d}", "file", limit,
                         lambda name: f"file {name!r} is over {limit / 2**20:.0f} MiB, the most a file may be")
            for index, upload in enumerate(uploads)
        ]  # fmt: skip

    def save_uploads(self, uploads: list[UploadFile], folder: Path) -> list[Path]:
        """Write uploads to ``folder``, refusing oversized files and bytes that are not an allowed image."""
        if len(uploads) > self.options.max_images:
            raise InputError(f"{len(uploads)} images sent; at most {self.options.max_images} are allowed")
        limit = max(self.bot.image_limits.max_bytes, self.bot.video_limits.max_bytes)  # which one: by the bytes, below
        image_mib = self.bot.image_limits.max_bytes / 2**20
        paths = []
        for index, upload in enumerate(uploads):
            target = write_upload(
                upload,
                folder / f"{index:02d}",
                "image",
                limit,
                lambda name: (
                    f"file {name!r} is over {limit / 2**20:.0f} MiB; at most {limit / 2**20:.0f} MiB per "
                    f"video and {image_mib:.0f} MiB per image is allowed"
                ),
            )
            name, size = target.name, target.stat().st_size
            if upload_kind(target) == "video":  # probed (header and packets, nothing decoded) by the turn
                try:
                    container = sniff_file(target)
                except SniffError as exc:  # named like a video, but it is not one
                    raise UnsupportedUpload(
                        f"file {name!r} (sent as {upload.content_type or 'no type'}) is {exc.found}; allowed types: "
                        + ", ".join(ALLOWED_FORMATS)
                        + f", or a video: {ACCEPTED_TEXT}"
                    ) from None
                if container == "gif" and check_video(target, self.bot.video_limits).frames < 2:
                    raise UnsupportedUpload(
                        f"file {name!r} is a GIF of one frame; send a still as PNG, JPEG or WebP "
                        "(an animated GIF is taken as a clip)"
                    )
                paths.append(target)
                continue
            if size > self.bot.image_limits.max_bytes:
                raise UploadTooLarge(
                    f"image {name!r} is {size / 2**20:.1f} MiB; at most "
                    f"{self.bot.image_limits.max_bytes / 2**20:.0f} MiB per image is allowed"
                )
            try:  # the bytes decide, not the name or the declared content type (header only: no decoding)
                with Image.open(target) as image:
                    kind, (width, height) = image.format, image.size
            except Image.DecompressionBombError:
                raise UploadTooLarge(
                    f"image {name!r} has too many pixels to decode safely; "
                    f"at most {self.bot.image_limits.max_pixels / 1e6:.0f} MP per image is allowed"
                ) from None
            except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
                kind, width, height = None, 0, 0
            if kind in ALLOWED_FORMATS and width * height > self.bot.image_limits.max_pixels:
                raise UploadTooLarge(
                    f"image {name!r} is {width}x{height} ({width * height / 1e6:.0f} MP); "
                    f"at most {self.bot.image_limits.max_pixels / 1e6:.0f} MP per image is allowed"
                )
            if kind not in ALLOWED_FORMATS:
                declared = upload.content_type or "no type"
                raise UnsupportedUpload(
                    f"file {name!r} (sent as {declared}) is not a PNG, JPEG or WebP image; allowed types: "
                    + ", ".join(ALLOWED_FORMATS)
                    + f", or a video: {ACCEPTED_TEXT}"
                )
            paths.append(target)
        return paths

    def turn_out(self, turn: Turn, *, new: bool = False) -> TurnOut:
        assert turn.job_id is not None
        plan, summary = turn.plan.model_dump(mode="json"), turn.plan.summary()
        self.views.remember_plan(turn.job_id, plan, summary)  # the stream's first event shows it
        return TurnOut(
            conversation_id=turn.conversation_id,
            plan_id=turn.plan_id,
            job_id=turn.job_id,
            summary=summary,
            plan=plan,
            intro=assistant_intro() if new else None,  # EU AI Act Art. 50(1): the bot says it is an AI
        )

    def start(
        self, turn: Turn, key: str | None, principal: Principal, preview: str | None, *, new: bool = False
    ) -> TurnOut:
        """Queue the render (unless it was queued with the turn), or the plan's preview (an
        animatic) when one is wanted (``render_now``)."""
        if turn.queued_with is None and not self.render_now(turn.conversation_id, preview)(turn.plan):
            self.bot.preview(turn)
            return self.turn_out(turn, new=new).model_copy(update={"preview": True})
        self.bot.submit(turn, idempotency_key=key, max_active=self.job_limit(principal))
        return self.turn_out(turn, new=new)

    def render_now(self, conversation_id: str | None, preview: str | None) -> Callable[[ShotPlan], bool]:
        """Whether a plan renders now, or its preview comes first: asked for (``on``), by skill
        (``auto``), or while a preview waits in the conversation. Read before the turn is stored, so
        the render can be queued in the turn's own commit."""
        if preview == "on":
            return lambda _plan: False
        if preview == "off":
            return lambda _plan: True
        if conversation_id is not None and self.bot.pending_preview(conversation_id) is not None:
            return lambda _plan: False
        return lambda plan: not (preview == "auto" and self.bot.wants_preview(plan))

    def resumed(self, progress: dict) -> Turn | None:
        """The turn a request that died had already stored under its key, if any."""
        turn = progress.get("turn")
        if not isinstance(turn, dict):
            return None
        plan = self.bot.repo.get_plan(turn["plan_id"])
        return Turn(conversation_id=turn["conversation_id"], plan_id=turn["plan_id"], plan=plan)

    def once(self, principal: Principal, idempotency_key: str | None, work: Work) -> TurnOut:
        """Run ``work`` once per Idempotency-Key (durably, in SQL): a retry gets the first answer.
        The key is leased while the work runs; a retry after its holder died takes it over and
        finishes what was started (the stored turn is submitted, not planned again)."""
        if idempotency_key is None:
            return work(None, None, None)
        if not IDEMPOTENCY_KEY.match(idempotency_key):
            raise InputError("Idempotency-Key must be 1-200 visible ASCII characters")
        key = "web:" + hashlib.sha256(f"{principal.owner}\n{idempotency_key}".encode()).hexdigest()
        claim = self.wait_for_key(key)
        if isinstance(claim, TurnOut):
            return claim
        with Lease(self.inbound, claim) as lease:
            try:
                out = work(key, lease.delivery, self.resumed(claim.progress))
            except InputError as exc:  # a retry gets the same refusal, with the same status
                lease.finish({"error": str(exc), "type": type(exc).__name__})
                raise
            except Exception:
                lease.finish({"error": "the first request with this Idempotency-Key failed; send it with a new key"})
                raise
            lease.finish(out.model_dump(mode="json"))
            return out

    def wait_for_key(self, key: str) -> Claim | TurnOut:
        """Claim the key, or wait a while for its holder's answer (replayed as it was)."""
        deadline = time.monotonic() + self.options.idempotency_wait_s
        next_claim = 0.0
        while True:
            now = time.monotonic()
            if now >= next_claim:  # claiming writes; between claims only read
                claim = self.inbound.claim(key, "web")
                if claim.owned:
                    return claim
                result = claim.result
                next_claim = now + 1.0
            else:
                found = self.inbound.result(key)
                result = found[1] if found is not None and found[0] else None
            if result is not None:
                if "error" in result:
                    raise REPLAYED.get(result.get("type", ""), InputError)(result["error"])
                return TurnOut.model_validate(result)
            if now >= deadline:
                raise Busy("a request with this Idempotency-Key is still being handled; retry in a moment")
            time.sleep(0.05)


async def get_services(request: Request) -> WebServices:
    """The app's services (``create_app`` puts them on ``app.state.services``). Async: a plain
    read, so FastAPI runs it on the loop instead of sending it to a thread."""
    services: WebServices = request.app.state.services
    return services


Services = Annotated[WebServices, Depends(get_services)]


async def current_principal(
    request: Request,
    services: Services,
    _bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)] = None,
) -> Principal:
    """Who is asking (``_bearer`` declares the scheme in the OpenAPI document; the token is checked
    here, or was checked by ``SiteHeaders`` before the body was read). Async, like
    ``SiteHeaders``: the check reads the sites from memory, no thread hop for it."""
    checked = getattr(request.state, "principal", None)
    if isinstance(checked, Principal):
        return checked
    return authenticate(request, services.sites, legacy_until=services.options.legacy_tokens_until)


async def stream_principal(
    request: Request,
    services: Services,
    _bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)] = None,
) -> Principal:
    """The same for an event stream, which may carry the token in the query (EventSource cannot
    send headers). Async: a stream must not wait for a request thread (they may all be busy writing)."""
    return authenticate(request, services.sites, allow_query=True, legacy_until=services.options.legacy_tokens_until)


Current = Annotated[Principal, Depends(current_principal)]


def admin_principal(
    request: Request,
    services: Services,
    _bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)] = None,
) -> Principal:
    """A site's admin (a token of kind ``admin`` signed with the site secret): manages its library."""
    return authenticate(request, services.sites, legacy_until=services.options.legacy_tokens_until, kinds=(ADMIN_KIND,))


Admin = Annotated[Principal, Depends(admin_principal)]


def write_upload(
    upload: UploadFile, folder: Path, default_name: str, limit: int, too_large: Callable[[str], str]
) -> Path:
    """Stream ``upload`` into ``folder`` under its cleaned file name, refusing it (``UploadTooLarge``
    with ``too_large(name)``) once it passes ``limit`` bytes."""
    name = SAFE_NAME.sub("_", Path(upload.filename or default_name).name)[:80] or default_name
    target = folder / name
    target.parent.mkdir(parents=True)
    size = 0
    with target.open("wb") as out:
        for block in iter(partial(upload.file.read, 1 << 20), b""):
            size += len(block)
            if size > limit:
                raise UploadTooLarge(too_large(name))
            out.write(block)
    return target
