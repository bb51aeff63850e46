"""The HTTP API routes: conversations, messages (multipart), the SSE event stream, cancel, assets."""

import hashlib
import json
import logging
import re
import time
from collections.abc import AsyncIterator, Callable
from functools import partial
from pathlib import Path
from typing import Annotated, Literal

import anyio
from fastapi import APIRouter, Depends, File, Form, Header, Query, Request, UploadFile
from fastapi.responses import FileResponse, StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from PIL import Image, UnidentifiedImageError

from botkit.bot import Bot, Queue, Turn, upload_kind
from botkit.domain.plan import PLATFORM_IDS, Limits, ShotPlan
from botkit.errors import InputError
from botkit.jobs.service import TooManyJobs
from botkit.media.probe import check_video
from botkit.media.sniff import ACCEPTED_TEXT, SniffError, sniff_file
from botkit.provenance.disclosure import assistant_intro
from botkit.store.inbound import Claim, Delivery, InboundRepository, Lease
from botkit.uploads import ALLOWED_FORMATS

from .auth import Principal, authenticate, check_origin, client_address
from .options import WebOptions
from .ratelimit import RateLimited, RateLimiter
from .schemas import CancelOut, ConversationOut, ErrorOut, GuestTokenIn, TokenOut, TurnOut
from .sites import SiteDirectory, SiteInfo
from .streams import EventWaker, StreamSlots, Watch
from .tokens import AuthError, ForbiddenError, check_asset_signature, mint_user_token, new_guest_id
from .views import Views

logger = logging.getLogger(__name__)


class NotFound(ForbiddenError):
    """Not there, or not yours: the API answers 404 either way, so ids cannot be probed."""


class UploadTooLarge(InputError):
    """An upload over the size limit (HTTP 413)."""


class UnsupportedUpload(InputError):
    """An upload whose bytes are not an allowed image type, whatever its name says (HTTP 415)."""


class Busy(InputError):
    """The same Idempotency-Key is still being handled (HTTP 409)."""


Work = Callable[[str | None, Delivery | None, Turn | None], TurnOut]
"""A message's work: (idempotency key, the held delivery, the turn a dead holder had stored)."""

EVENT_PAGE = 1000
"""Events read from the log per query while streaming."""
REPLAYED = {kind.__name__: kind for kind in (InputError, NotFound, UploadTooLarge, UnsupportedUpload)}
ERRORS = {code: {"model": ErrorOut} for code in (400, 401, 403, 404, 409, 413, 415, 422, 429)}
BEARER = HTTPBearer(auto_error=False, description="A user token minted by the site's backend, or a guest token.")
SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
IDEMPOTENCY_KEY = re.compile(r"^[\x21-\x7e]{1,200}$")


def site_badge(site: SiteInfo) -> bool | None:
    """The site's choice of the visible "AI" badge (``sites.config["ai_badge"]``); None: not set."""
    chosen = (site.config or {}).get("ai_badge")
    return chosen if isinstance(chosen, bool) else None


class WebApi:
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

    # -- helpers -----------------------------------------------------------------------------------

    def base_url(self, request: Request) -> str:
        return self.options.public_url or str(request.base_url)

    def principal(
        self, request: Request, _bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)] = None
    ) -> Principal:
        # ``_bearer`` declares the scheme in the OpenAPI document; the token is checked here
        return authenticate(request, self.sites)

    async def stream_principal(
        self, request: Request, _bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)] = None
    ) -> Principal:
        # async: a stream must not wait for a request thread (they may all be busy writing)
        return authenticate(request, self.sites, allow_query=True)

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

    def save_uploads(self, uploads: list[UploadFile], folder: Path) -> list[Path]:
        """Write uploads to ``folder``, refusing oversized files and bytes that are not an allowed image."""
        if len(uploads) > self.options.max_images:
            raise InputError(f"{len(uploads)} images sent; at most {self.options.max_images} are allowed")
        limit = max(self.bot.image_limits.max_bytes, self.bot.video_limits.max_bytes)  # which one: by the bytes, below
        paths = []
        for index, upload in enumerate(uploads):
            name = SAFE_NAME.sub("_", Path(upload.filename or "image").name)[:80] or "image"
            target = folder / f"{index:02d}" / name
            target.parent.mkdir(parents=True)
            size = 0
            with target.open("wb") as out:
                for block in iter(lambda upload=upload: upload.file.read(1 << 20), b""):
                    size += len(block)
                    if size > limit:
                        raise UploadTooLarge(
                            f"file {name!r} is over {limit / 2**20:.0f} MiB; at most {limit / 2**20:.0f} MiB per video "
                            f"and {self.bot.image_limits.max_bytes / 2**20:.0f} MiB per image is allowed"
                        )
                    out.write(block)
            if upload_kind(target) == "video":  # probed (header and packets, nothing decoded) by the turn
                try:
                    container = sniff_file(target)
                except SniffError as exc:  # named like a video, but it is not one
                    raise UnsupportedUpload(
                        f"file {name!r} (sent as {upload.content_type or 'no type'}) is {exc.found}; allowed types: "
                        + ", ".join(ALLOWED_FORMATS) + f", or a video: {ACCEPTED_TEXT}"
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
        return TurnOut(
            conversation_id=turn.conversation_id,
            plan_id=turn.plan_id,
            job_id=turn.job_id,
            summary=turn.plan.summary(),
            plan=turn.plan.model_dump(mode="json"),
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

    # -- routes ------------------------------------------------------------------------------------

    def router(self) -> APIRouter:
        router = APIRouter(prefix="/api", responses=ERRORS)
        current = Annotated[Principal, Depends(self.principal)]
        Text = Annotated[str, Form(min_length=1, max_length=Limits.MAX_REQUEST_CHARS, description="The message.")]
        Images = Annotated[list[UploadFile], File(description="Images (PNG, JPEG, WebP), e.g. storyboard panels.")]
        Platforms = Annotated[
            list[str], Form(description="Target platforms: " + ", ".join(PLATFORM_IDS) + " (repeatable).")
        ]
        Skill = Annotated[str | None, Form(max_length=40, description="marketing | social | storyboard | training")]
        Seed = Annotated[int | None, Form(ge=0, lt=2**32)]
        Preview = Annotated[
            Literal["auto", "on", "off"] | None,
            Form(description="Preview first: on, off, auto (by skill: storyboard, marketing). Absent: only while "
                 "a preview waits in the conversation (a change previews again)."),
        ]
        IdemKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)]

        def check_platforms(platforms: list[str]) -> list[str]:
            unknown = [p for p in platforms if p not in PLATFORM_IDS]
            if unknown:
                raise InputError(
                    f"unknown platform(s) {', '.join(map(repr, unknown))}; allowed: {', '.join(PLATFORM_IDS)}"
                )
            return list(dict.fromkeys(platforms))  # the planner refuses repeats; a form may repeat a box

        @router.post("/tokens/guest", response_model=TokenOut, summary="A rate-limited guest token for a site")
        def guest_token(body: GuestTokenIn, request: Request) -> TokenOut:
            site = self.sites.get(body.site_key)
            if site is None:
                raise AuthError(f"unknown site key {body.site_key!r}")
            check_origin(request, site)
            self.guest_tokens.hit(f"{site.site_key}:{client_address(request, self.options.trusted_proxies)}")
            user_id = new_guest_id()
            token = mint_user_token(site.secret, site.site_key, user_id, self.options.guest_ttl_s, kind="guest")
            return TokenOut(token=token, user_id=user_id, expires_at=int(time.time()) + self.options.guest_ttl_s)

        @router.post("/conversations", response_model=TurnOut, status_code=201, summary="Start a conversation")
        def create_conversation(
            principal: current,
            text: Text,
            images: Images = [],  # noqa: B006 - FastAPI reads the default, never mutates it
            platforms: Platforms = [],  # noqa: B006
            skill: Skill = None,
            seed: Seed = None,
            idempotency_key: IdemKey = None,
            preview: Preview = None,
        ) -> TurnOut:
            platforms = check_platforms(platforms)
            self.count_message(principal)
            self.check_job_limit(principal)

            def work(key: str | None, delivery: Delivery | None, turn: Turn | None) -> TurnOut:
                if turn is None:
                    # uploads live in the store's staging area, so a request that dies leaves
                    # nothing the start-up sweep does not find
                    with self.bot.assets.staging(prefix="upload-") as folder:
                        paths = self.save_uploads(images, folder)
                        turn = self.bot.plan(
                            text,
                            images=paths,
                            platforms=platforms,
                            skill=skill or None,
                            seed=seed,
                            channel="web",
                            owner=principal.owner,
                            delivery=delivery,
                            ai_badge=site_badge(principal.site),
                            # turn + job + queued event in one commit, unless it is previewed first
                            queue=Queue(key, self.job_limit(principal), when=self.render_now(None, preview)),
                        )
                return self.start(turn, key, principal, preview, new=True)

            return self.once(principal, idempotency_key, work)

        @router.post(
            "/conversations/{conversation_id}/messages",
            response_model=TurnOut,
            status_code=201,
            summary="Send a follow-up (revises the latest plan) and render it",
        )
        def post_message(
            conversation_id: str,
            principal: current,
            text: Text,
            images: Images = [],  # noqa: B006
            platforms: Platforms = [],  # noqa: B006
            skill: Skill = None,
            seed: Seed = None,
            idempotency_key: IdemKey = None,
            preview: Preview = None,
        ) -> TurnOut:
            self.owned_conversation(principal, conversation_id)
            platforms = check_platforms(platforms)
            self.count_message(principal)
            self.check_job_limit(principal)

            def work(key: str | None, delivery: Delivery | None, turn: Turn | None) -> TurnOut:
                if turn is None:
                    with self.bot.assets.staging(prefix="upload-") as folder:
                        paths = self.save_uploads(images, folder)
                        turn = self.bot.follow_up(
                            conversation_id,
                            text,
                            images=paths,
                            platforms=platforms,
                            skill=skill or None,
                            seed=seed,
                            delivery=delivery,
                            queue=Queue(key, self.job_limit(principal), when=self.render_now(conversation_id, preview)),
                        )
                return self.start(turn, key, principal, preview)

            return self.once(principal, idempotency_key, work)

        @router.get("/conversations/{conversation_id}", response_model=ConversationOut, summary="History and assets")
        def get_conversation(conversation_id: str, principal: current, request: Request) -> ConversationOut:
            row = self.owned_conversation(principal, conversation_id)
            return self.views.conversation(self.base_url(request), principal.site, row)

        @router.get(
            "/conversations/{conversation_id}/events",
            summary="Server-sent events: queued (with the plan), started, rendering, post, done, failed, cancelled",
            response_class=StreamingResponse,
            responses={200: {"content": {"text/event-stream": {}}}},
        )
        async def conversation_events(
            conversation_id: str,
            principal: Annotated[Principal, Depends(self.stream_principal)],
            request: Request,
            last_event_id: Annotated[str | None, Header(alias="Last-Event-ID", max_length=20)] = None,
            after: Annotated[int | None, Query(ge=0, lt=2**62, description="Resume after this event id.")] = None,
            wait_s: Annotated[
                float | None, Query(gt=0, le=3600, description="Close the stream after this long.")
            ] = None,
            access_token: Annotated[
                str | None, Query(max_length=4000, description="The token, for EventSource (it cannot send headers).")
            ] = None,
        ) -> StreamingResponse:
            await anyio.to_thread.run_sync(
                self.owned_conversation, principal, conversation_id, limiter=self.read_threads
            )
            start = after or 0
            if last_event_id is not None:
                if not last_event_id.isdigit():
                    raise InputError(f"Last-Event-ID must be an event id (a number), got {last_event_id!r}")
                start = max(start, int(last_event_id))
            if self.open_streams.count(principal.owner) >= self.options.max_streams_per_user:
                raise RateLimited(
                    f"too many open event streams for this user: at most {self.options.max_streams_per_user}; "
                    "close one (each conversation needs only one)",
                    1.0,
                )
            stream = self.stream(
                conversation_id, principal, self.base_url(request), start, wait_s or self.options.sse_max_s
            )
            return StreamingResponse(
                stream,
                media_type="text/event-stream",
                headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
            )

        @router.post("/jobs/{job_id}/cancel", response_model=CancelOut, summary="Cancel a queued or running job")
        def cancel_job(job_id: str, principal: current) -> CancelOut:
            try:
                status = self.bot.jobs.status(job_id) if len(job_id) <= 64 else None
            except KeyError:
                status = None
            if status is None:
                raise NotFound(f"no job {job_id!r} for this user")
            self.owned_conversation(principal, status.conversation_id)
            state = self.bot.jobs.cancel(job_id)
            return CancelOut(job_id=job_id, state=state.value)

        @router.get(
            "/assets/{asset_id}",
            summary="A video, poster or image by signed URL (HTTP Range supported)",
            response_class=FileResponse,
            responses={200: {"content": {"video/mp4": {}, "image/png": {}}}, 206: {"description": "Partial content"}},
        )
        def get_asset(
            asset_id: str,
            site: Annotated[str, Query(max_length=64)],
            exp: Annotated[int, Query(ge=0, lt=2**40)],
            sig: Annotated[str, Query(max_length=128)],
            download: Annotated[bool, Query()] = False,
        ) -> FileResponse:
            site_info = self.sites.get(site)
            if site_info is None:
                raise ForbiddenError("the asset link names an unknown site")
            check_asset_signature(site_info.secret, site_info.site_key, asset_id, exp, sig)
            asset = self.bot.repo.asset(asset_id) if len(asset_id) <= 64 else None
            conversation = self.bot.repo.conversation(asset["conversation_id"]) if asset else None
            if asset is None or conversation is None or not (conversation["owner"] or "").startswith(f"site:{site}:"):
                raise NotFound(f"no asset {asset_id!r}")
            path = self.bot.assets.path(asset["path"])
            if not path.is_file():
                raise NotFound(f"asset {asset_id!r} is gone from the store")
            filename = path.name if download else None
            return FileResponse(
                path,
                media_type=asset["mime"],
                filename=filename,
                content_disposition_type="attachment" if download else "inline",
                headers={
                    "Cache-Control": "private, max-age=3600",
                    "Cross-Origin-Resource-Policy": "cross-origin",
                },
            )

        return router

    async def stream(
        self, conversation_id: str, principal: Principal, base: str, after: int, max_s: float
    ) -> AsyncIterator[str]:
        """The conversation's event log as SSE, from ``after`` on, polling SQL; pings keep proxies open."""
        owner = principal.owner
        self.open_streams.enter(owner)
        watch = self.waker.watch(conversation_id)
        try:
            yield "retry: 1000\n\n"
            async for chunk in self._events(conversation_id, principal, base, after, max_s, watch):
                yield chunk
        finally:
            self.waker.unwatch(watch)
            self.open_streams.leave(owner)

    async def _events(
        self, conversation_id: str, principal: Principal, base: str, after: int, max_s: float, watch: Watch
    ) -> AsyncIterator[str]:
        deadline = time.monotonic() + max_s
        last_sent = time.monotonic()
        while True:
            events = await anyio.to_thread.run_sync(
                partial(self.bot.jobs.events, conversation_id=conversation_id, after=after, limit=EVENT_PAGE),
                limiter=self.read_threads,
            )
            if events:  # one thread hop per page, not per event
                payloads = await anyio.to_thread.run_sync(
                    lambda page=events: [self.views.event(base, principal.site, event) for event in page],
                    limiter=self.read_threads,
                )
                for event, payload in zip(events, payloads, strict=True):
                    after = event.id
                    yield f"id: {event.id}\nevent: {event.kind}\ndata: {json.dumps(payload, separators=(',', ':'))}\n\n"
                last_sent = time.monotonic()
                if len(events) >= EVENT_PAGE:
                    continue  # a backlog is sent whole before the stream may end
            now = time.monotonic()
            if now >= deadline:
                return
            if now - last_sent >= self.options.sse_ping_s:
                last_sent = now
                yield ": ping\n\n"
            await watch.wait()  # a NOTIFY for this conversation (PostgreSQL), or the poll interval
