"""The composition root: one chat turn from request to stored, planned, rendered MP4s.

``Bot.plan`` validates the request and its images before writing anything, then stores the
conversation, message, images and plan in one transaction. ``Bot.submit`` queues a durable render
job (see ``botkit.jobs``); ``Bot.render`` runs one in the caller's thread (the CLI does this).
"""

from __future__ import annotations

import logging
import random
import shutil
import threading
import time
import unicodedata
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from botkit.agent import PlanRequest
from botkit.agent.config import LLMSettings, Planner, make_planner
from botkit.agent.library import LibraryPicks, library_listing, pick_library, without_phrases
from botkit.agent.media import Upload, assign_media, planning_text
from botkit.agent.offline import HistoryMessage, clean_request
from botkit.agent.revise import NewRequest, RefusedFollowUp, UnclearRevision, carry_over, revise, with_platforms
from botkit.audio.music import BEDS
from botkit.domain import EndCard, Output, ProgressListener, ShotKind, ShotPlan
from botkit.domain.jobs import JobState, JobStatus
from botkit.domain.library import BrandKit
from botkit.engine import Capabilities, Engine, available_engines, load_engine
from botkit.engine.base import check_engine_interface
from botkit.engine.registry import Registry
from botkit.errors import BotkitError, InputError
from botkit.jobs.context import worker_context
from botkit.jobs.embedded import EmbeddedRunner
from botkit.jobs.render import RenderWorker, WorkerContext, worker_name
from botkit.jobs.service import Dispatcher, JobService, NoDispatch
from botkit.library import Library, tenant_folder
from botkit.media.probe import VideoLimits, check_video
from botkit.media.sniff import SniffError, sniff_file
from botkit.post.reframe import ReframeMode
from botkit.render.routing import STILL, route_shots
from botkit.render.sound import STORED_MUSIC, SoundChoice, check_sound_choice, with_sound_choice
from botkit.settings import Settings
from botkit.skills.configs import load_skill_configs
from botkit.store.assets import sha256_of
from botkit.store.db import open_db
from botkit.store.inbound import Delivery
from botkit.store.library import LibraryRepository
from botkit.store.migrate import upgrade
from botkit.store.models import new_id
from botkit.store.notify import Listener, supports_notify
from botkit.store.repo import NewAsset, StaleRevision
from botkit.uploads import ImageLimits, check_image, normalise_image

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

logger = logging.getLogger(__name__)

VIDEO_SUFFIXES = (".mp4", ".m4v", ".mov", ".webm", ".gif")
VIDEO_MIME = {"mp4": "video/mp4", "mov": "video/quicktime", "webm": "video/webm", "gif": "image/gif"}


def upload_kind(path: Path) -> str:
    """``video`` for what starts like a video (or is named like one: it is then refused by the
    probe with what it really is), else ``image``."""
    try:
        sniff_file(path)
        return "video"
    except (SniffError, OSError):
        return "video" if path.suffix.lower() in VIDEO_SUFFIXES else "image"


def with_still_note(plan: ShotPlan, routed: list[str]) -> ShotPlan:
    """The plan, saying which image shots will be stills (no engine here animates a real photo)."""
    stills = [shot.index + 1 for shot, name in zip(plan.shots, routed, strict=True)
              if name == STILL and shot.kind is ShotKind.GENERATED]  # fmt: skip
    if not stills or len(plan.notes) >= 8:
        return plan
    which = f"shot {stills[0]}" if len(stills) == 1 else "shots " + ", ".join(map(str, stills))
    note = (f"{which}: your image is shown as a still with a camera move (no image-to-video model that keeps "
            "real pictures is installed)")  # fmt: skip
    return plan.model_copy(update={"notes": [*plan.notes, note]})


TURN_ATTEMPTS = 30
"""How often a follow-up is revised again when other turns of its conversation keep landing first."""


def available_engines_check(name: str) -> None:
    """An engine name the registry knows, or InputError listing the ones it does."""
    known = available_engines()
    if name not in known:
        raise InputError(f"unknown engine {name!r}; available: {', '.join(known)} (see `botkit models list`)")


@dataclass(frozen=True)
class Queue:
    """Queue the turn's render job in the same transaction as the turn (one commit per web POST,
    and the ``queued`` event a stream shows first is there the moment the POST answers)."""

    idempotency_key: str | None = None
    max_active: int | None = None
    when: Callable[[ShotPlan], bool] | None = None
    """Queue only if this says yes for the plan made (no: the channel previews it first instead)."""


@dataclass
class Turn:
    """The result of one chat turn."""

    conversation_id: str
    plan_id: str
    plan: ShotPlan
    job_id: str | None = None
    outputs: list[Output] = field(default_factory=list)
    queued_with: Queue | None = None  # the job was queued with the turn (``Bot.plan(queue=...)``)


@dataclass(frozen=True)
class Latest:
    """What a follow-up builds on: the newest plan, its revision number, the conversation so far."""

    revision: int
    plan: ShotPlan
    history: list[HistoryMessage]


PREVIEW_ENGINE = "animatic"
"""What renders a preview: camera moves over the panels and title cards, seconds on a CPU, marked PREVIEW."""
PREVIEW_FPS, PREVIEW_SIZE = 12, (640, 368)
"""A preview is drawn smaller and at half the animatic's rate (a third of its pixels): it is looked
at once, for timing and framing; post-processing scales it to each platform like any render."""


def preview_engine() -> Engine:
    from botkit.engine.animatic import AnimaticEngine

    return AnimaticEngine(name=PREVIEW_ENGINE, native_fps=PREVIEW_FPS, native_size=PREVIEW_SIZE)


class NothingToApprove(InputError):
    """No preview waits for a decision in the conversation (or the one named is not there)."""

    http_status = 404


class StalePreview(InputError):
    """The preview shows an older revision of the plan than the conversation's latest."""

    http_status = 409


class PreviewDecided(InputError):
    """The preview was cancelled, replaced, or failed: it can no longer be approved."""

    http_status = 409


class PreviewNotReady(InputError):
    """The preview is still rendering: nobody has seen it yet."""

    http_status = 409


@dataclass
class Approval:
    """An approved preview and the render it started (``created`` False: it was approved before,
    and this is the render that approval started; nothing is rendered twice)."""

    preview_id: str
    job_id: str
    created: bool
    turn: Turn


class _PreviewRouting:
    """Preview jobs go to this process's preview runner, whatever renders the rest (threads, Celery)."""

    def __init__(self, main: Dispatcher, previews: EmbeddedRunner) -> None:
        self.main, self.previews = main, previews

    def dispatch(self, job_id: str, engine: str) -> None:
        (self.previews if engine == PREVIEW_ENGINE else self.main).dispatch(job_id, engine)


def check_visible(text: str) -> None:
    """Refuse a request with nothing to read in it (only spaces, zero-width or other format characters)."""
    if not any(not char.isspace() and unicodedata.category(char) not in ("Cf", "Cc") for char in text):
        raise InputError(
            "the request is empty (it has no visible characters); say what the video should show, "
            'e.g. "a 10 second TikTok teaser for our new trail shoes".'
        )


class Bot:
    def __init__(self, settings: Settings, *, engine: Engine | None = None, planner: Planner | None = None):
        self.settings = settings
        if engine is not None:
            check_engine_interface(engine)
            self._set_torch_threads()
        self.db = open_db(settings.resolved_database_url())
        self.planner = planner or make_planner(LLMSettings())  # offline unless BOTKIT_LLM_* is set
        if settings.skills_config is not None:
            load_skill_configs(settings.skills_config, self.planner.skills)
        self.context = worker_context(settings, self.db, skills=self.planner.skills)
        self.repo = self.context.repo
        self.assets = self.context.assets
        self.jobs = JobService(
            self.context.jobs, NoDispatch(), max_attempts=settings.max_attempts, stale_after_s=settings.job_stale_s
        )
        self._engine = engine
        if engine is None:
            available_engines_check(settings.engine)  # refused now, not as a job queued for ever
        self._registry: Registry | None = None
        self._runner: EmbeddedRunner | None = None
        self._preview_runner: EmbeddedRunner | None = None
        self._preview_engine: Engine | None = None
        self._listener: Listener | None = None
        # SQLite has one writer: taking turns here is FIFO-ish, while waiting in SQLite's busy handler
        # backs off in sleeps of up to 100 ms. Only database writes are gated (never image decoding).
        self.write_gate = threading.BoundedSemaphore(1 if self.db.dialect.name == "sqlite" else 4)
        self.image_limits = ImageLimits(settings.max_upload_bytes, settings.max_image_pixels, settings.min_image_side)
        self.video_limits = VideoLimits(max_bytes=settings.max_video_bytes, max_duration_s=settings.max_video_s)
        self.library = Library(
            LibraryRepository(self.repo.sessions),
            self.assets,
            image_limits=self.image_limits,
            video_limits=self.video_limits,
        )

    @classmethod
    def open(cls, settings: Settings, **kwargs) -> Bot:
        """A bot on an up-to-date database (runs the migrations)."""
        bot = cls(settings, **kwargs)
        upgrade(bot.db)
        return bot

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._set_torch_threads()
            self._engine = load_engine(self.settings.engine)
        return self._engine

    def _set_torch_threads(self) -> None:
        """Process-wide, set at the composition root once torch is needed (a plan-only turn never
        imports torch: 2 s of a ``--dry-run``)."""
        if self.settings.torch_threads:
            import torch

            torch.set_num_threads(self.settings.torch_threads)

    @property
    def engine_name(self) -> str:
        return self.settings.engine if self._engine is None else self._engine.name

    def check_plan(self, plan: ShotPlan) -> list[str]:
        """Refuse (``InputError``) a plan the configured engines cannot render, before anything is
        stored or queued; returns the engine of each shot (routed by ``BOTKIT_TASK_ENGINES``)."""
        if self._registry is None:
            self._registry = Registry.default()
        registry = self._registry

        def capabilities(name: str) -> Capabilities:
            if self._engine is not None and name == self._engine.name:
                return self._engine.capabilities  # an engine handed in may not be in the registry
            return registry.capabilities(name)

        def fps(name: str) -> int:
            if self._engine is not None and name == self._engine.name:
                return self._engine.native_fps
            return registry.get(name).fps

        return route_shots(
            plan,
            self.engine_name,
            capabilities,
            routes={str(task): name for task, name in self.settings.task_engines.items()},
            fps=fps,
            able=registry.able,
        )

    def plan(
        self,
        text: str,
        *,
        images: list[Path] | None = None,
        platforms: list[str] | None = None,
        skill: str | None = None,
        seed: int | None = None,
        channel: str = "python",
        external_key: str | None = None,
        owner: str | None = None,
        delivery: Delivery | None = None,
        sound: SoundChoice | None = None,
        ai_badge: bool | None = None,
        queue: Queue | None = None,
        tenant: str | None = None,
    ) -> Turn:
        """Start a conversation: plan the request and store it (nothing is stored if it is refused).
        ``tenant``: whose media library and brand kit the request may use (``local``,
        ``site:<key>``, ``slack:<team>``; None: none).
        ``sound``: the channel's voice and music choice (``--voice``, ``--no-voice``, ``--music``).
        ``ai_badge``: the site's or workspace's choice of the visible "AI" badge (None: the skill's
        config, else the deployment's); follow-ups keep it. ``queue``: also queue its render, in the
        same transaction (``Turn.job_id`` is set)."""

        def make_plan(image_paths: list[str], _latest: Latest | None, words: str) -> ShotPlan:
            plan = self.planner.plan(
                PlanRequest(
                    text=planning_text(words), images=image_paths, platforms=platforms or [], skill=skill, seed=seed
                )
            )
            return plan if ai_badge is None else plan.model_copy(update={"ai_badge": ai_badge})

        return self._turn(
            new_id(),
            text,
            images or [],
            make_plan,
            channel=channel,
            external_key=external_key,
            owner=owner,
            delivery=delivery,
            sound=sound,
            queue=queue,
            tenant=tenant,
        )

    def follow_up(
        self,
        conversation_id: str,
        text: str,
        *,
        images: list[Path] | None = None,
        platforms: list[str] | None = None,
        skill: str | None = None,
        seed: int | None = None,
        delivery: Delivery | None = None,
        sound: SoundChoice | None = None,
        queue: Queue | None = None,
        tenant: str | None = None,
    ) -> Turn:
        """A later message: revise the latest plan ("make it 5 seconds", "remove the second shot",
        "use a warmer palette", "another take, but keep shot 1") into a new revision; unchanged shots
        re-use their clips. A message ``revise`` does not understand keeps the plan: it raises
        ``UnclearRevision`` (an ``InputError`` saying what can change, in the user's language). A new
        request ("now one for our lamp"), images the revision does not use, or an explicit ``skill``
        are planned afresh, with the conversation's skill and platforms unless the message names others.
        Concurrent follow-ups each build on the one before (``_turn`` retries on a stale plan)."""
        self._latest(conversation_id)  # an unknown conversation is refused before anything else

        def make_plan(image_paths: list[str], latest: Latest | None, words: str) -> ShotPlan:
            assert latest is not None
            if not skill:
                try:
                    revised = revise(latest.plan, text, skills=self.planner.skills, images=image_paths)
                except NewRequest:
                    revised = None
                except RefusedFollowUp:
                    raise
                except UnclearRevision:
                    if not platforms:
                        raise
                    revised = latest.plan  # the words say nothing more; the platforms asked for are the change
                if revised is not None:
                    return with_platforms(revised, platforms) if platforms else revised
            kept_skill, kept_platforms = carry_over(latest.plan, text, self.planner.skills)
            replanned = self.planner.plan(
                PlanRequest(
                    text=planning_text(words),
                    images=image_paths,
                    platforms=platforms or kept_platforms,
                    skill=skill or kept_skill,
                    seed=seed,
                    history=latest.history,
                )
            )
            return replanned.model_copy(update={"ai_badge": latest.plan.ai_badge})  # the site's choice stays

        return self._turn(
            conversation_id,
            text,
            images or [],
            make_plan,
            follow_up=True,
            delivery=delivery,
            sound=sound,
            queue=queue,
            tenant=tenant,
        )

    def fit_sound(self, plan: ShotPlan, choice: SoundChoice | None = None, *, new: bool = True) -> ShotPlan:
        """The voice and music asked for applied, checked (a missing voice or a bad music file is
        refused before anything is stored), and the shots fitted to the narration."""
        narrator = self.context.render.narrator
        if narrator is None:  # narration is off here (BOTKIT_NARRATION=false): the plan says no lines
            shots = [shot.model_copy(update={"narration": None}) for shot in plan.shots]
            return plan.model_copy(update={"shots": shots, "music": None})  # no sound step mixes here
        if new:
            plan = with_sound_choice(plan, SoundChoice(music=self.settings.music) if self.settings.music else None)
        plan = with_sound_choice(plan, choice)
        check_sound_choice(plan, narrator)
        return narrator.fit(plan)

    def _latest(self, conversation_id: str) -> Latest:
        found = self.repo.latest_revision(conversation_id)
        if found is None:
            raise InputError(f"no conversation {conversation_id!r}")
        history = [HistoryMessage(role=m["role"], text=m["text"]) for m in self.repo.messages(conversation_id)]
        return Latest(revision=found[0], plan=found[1], history=history)

    def _library_picks(
        self, tenant: str | None, text: str, kinds: list[str], *, follow_up: bool
    ) -> tuple[LibraryPicks, str]:
        """What ``text`` takes from the tenant's library, and the words left for the planner.
        A phrase that names nothing there is refused with what the library holds."""
        if tenant is None:
            return LibraryPicks(), text
        items = self.library.items(tenant)
        picks = pick_library(text, items, uploaded=set(kinds))
        if picks.missing:
            names = ", ".join(f'"{phrase}"' for phrase in picks.missing)
            raise InputError(f"nothing in your media library matches {names}; {library_listing(items)}")
        return picks, (without_phrases(text, picks.phrases) or text) if picks.phrases else text

    def _kit_configs(self, tenant: str | None, kit: BrandKit | None) -> dict[str, dict[str, Any]]:
        """The skill configs in force with the tenant's brand kit on top (none: as they are)."""
        if tenant is None:
            return {}
        return self.library.skill_configs(tenant, self.planner.skills, kit)

    def _tenant_sound(
        self, tenant: str | None, kit: BrandKit | None, picks: LibraryPicks, sound: SoundChoice | None, *, new: bool
    ) -> SoundChoice | None:
        """The channel's sound choice, else the request's library music, else (on a new plan) the
        brand kit's voice and music."""
        if tenant is None or kit is None:
            return sound
        chosen = sound or SoundChoice()
        music = chosen.music or (picks.music.path if picks.music else None)
        voice = chosen.voice
        if new:
            voice = voice or kit.voice
            if music is None and kit.music:
                item = self.library.kit_item(tenant, kit, "music")
                music = item.path if item is not None else kit.music if kit.music in BEDS else None
        if (music, voice) == (chosen.music, chosen.voice):
            return sound
        return SoundChoice(voice=voice, narration=chosen.narration, music=music)

    def _with_library(
        self, tenant: str | None, kit: BrandKit | None, plan: ShotPlan, picks: LibraryPicks, *, new: bool
    ) -> ShotPlan:
        """The library's logo and font on the plan: the request's, else (new plans) the brand kit's.
        Stored music or fonts outside this tenant's library are refused (a plan names only its own)."""
        update: dict[str, object] = {}
        if tenant is not None and kit is not None:
            font = picks.font or (self.library.kit_item(tenant, kit, "font") if new else None)
            if font is not None:
                update["font"] = font.path
            logo = picks.logo
            if logo is not None:
                colours = dict(zip(("background", "accent"), kit.colours, strict=False))
                name = (kit.brand_name or plan.title.split(": ", 1)[-1])[:80] or "our brand"
                card = plan.end_card or EndCard(name=name, cta=kit.cta or "", url=kit.url or "", **colours)
                update["end_card"] = card.model_copy(update={"logo": logo.path})
        plan = plan.model_copy(update=update) if update else plan
        own = tenant_folder(tenant) + "/" if tenant is not None else None
        for what, value in (("music", plan.music), ("font", plan.font)):
            if value and value.startswith("library/") and (own is None or not value.startswith(own)):
                raise InputError(f"the {what} {value!r} is not in this media library")
        return plan

    def _stored_music(self, plan: ShotPlan, staging: Callable[[], Path], moved: list[str]) -> ShotPlan:
        """A music file given by path (``--music``, ``BOTKIT_MUSIC``) copied into the asset store
        (``music/<sha256>``), so a worker on another machine reads the same file."""
        if not plan.music or plan.music in BEDS or plan.music.startswith(STORED_MUSIC):
            return plan
        source = Path(plan.music)
        relative = f"music/{sha256_of(source)}{source.suffix.lower()[:8]}"
        if not self.assets.exists(relative):
            staged = staging() / source.name
            shutil.copyfile(source, staged)
            self.assets.put(staged, relative)
            moved.append(relative)
        return plan.model_copy(update={"music": relative})

    def _transition_of(self, plan: ShotPlan) -> tuple[str, float] | None:
        if plan.skill not in self.planner.skills:
            return None
        defaults = self.planner.skills.get(plan.skill).defaults
        return defaults.transition, defaults.transition_s

    def find_conversation(self, external_key: str) -> str | None:
        return self.repo.find_conversation(external_key)

    def _turn(
        self,
        conversation_id: str,
        text: str,
        images: list[Path],
        make_plan: Callable[[list[str], Latest | None, str], ShotPlan],
        *,
        follow_up: bool = False,
        channel: str | None = None,
        external_key: str | None = None,
        owner: str | None = None,
        delivery: Delivery | None = None,
        sound: SoundChoice | None = None,
        queue: Queue | None = None,
        tenant: str | None = None,
    ) -> Turn:
        check_visible(text)
        # photos and videos, checked before anything is written: a video is probed (header and
        # packet scan, nothing decoded) and refused with the limit it breaks
        kinds = [upload_kind(Path(path)) for path in images]
        videos = {i: check_video(Path(path), self.video_limits) for i, path in enumerate(images) if kinds[i] == "video"}
        for i, info in videos.items():
            if info.container == "gif" and info.frames < 2:
                raise InputError(f"GIF {Path(images[i]).name!r} has one frame; send a still as PNG, JPEG or WebP "
                                 "(an animated GIF is taken as a clip)")  # fmt: skip
        checked = [check_image(Path(path), self.image_limits) for i, path in enumerate(images) if i not in videos]
        batch = new_id()[:8]
        image_paths = [f"conversations/{conversation_id}/inputs/{batch}-{i + 1:02d}.png" for i in range(len(checked))]
        video_paths = {
            i: f"conversations/{conversation_id}/inputs/{batch}-v{i + 1:02d}.{info.container}"
            for i, info in videos.items()
        }
        uploads: list[Upload] = []
        photos = iter(image_paths)
        for i, path in enumerate(images):
            if i in videos:
                info = videos[i]
                uploads.append(Upload(path=video_paths[i], kind="video", name=Path(path).name,
                                      duration_s=info.duration_s, has_audio=info.has_audio))  # fmt: skip
            else:
                uploads.append(Upload(path=next(photos), kind="image", name=Path(path).name))
        # what the words take from the tenant's library: photos and clips join the uploads, the
        # logo, music and font (and the brand kit's) reach the end card, the sound and the captions
        picks, words = self._library_picks(tenant, text, kinds, follow_up=follow_up)
        for item in picks.media:
            kind = "video" if item.kind == "footage" else "image"
            uploads.append(Upload(path=item.path, kind=kind, name=item.name, duration_s=item.duration_s,
                                  has_audio=bool(item.facts.get("audio"))))  # fmt: skip
        kept = [item.path for item in picks.media]
        kit = self.library.kit(tenant) if tenant is not None else None  # read once per turn
        sound = self._tenant_sound(tenant, kit, picks, sound, new=not follow_up)
        planned_with = image_paths + list(video_paths.values())  # a planner sees every upload as an input
        moved: list[str] = []
        queued: list[str] = []  # the job queued with the turn (``queue``)
        music_folder: list[Path] = []

        def music_staging(stack: ExitStack) -> Path:
            if not music_folder:
                music_folder.append(stack.enter_context(self.assets.staging(prefix="turn-")))
            return music_folder[0]

        with ExitStack() as cleanup:
            staged: list[Path] = []
            staged_videos: dict[int, Path] = {}
            if checked or videos:  # a text-only turn touches no files (a staging folder costs a sync on some disks)
                staging = cleanup.enter_context(self.assets.staging(prefix="turn-"))
                for image, relative in zip(checked, image_paths, strict=True):
                    # decoded and re-encoded here, before any database write: a big batch of panels
                    # must not hold SQLite's one write slot while other users wait
                    staged.append(staging / Path(relative).name)
                    normalise_image(image, staged[-1])
                for i, relative in video_paths.items():  # stored as sent: decoded per shot, from argument lists
                    staged_videos[i] = staging / Path(relative).name
                    shutil.copyfile(images[i], staged_videos[i])
            try:
                inputs: list[NewAsset] = []
                for attempt in range(1, TURN_ATTEMPTS + 1):
                    latest = self._latest(conversation_id) if follow_up else None
                    with self.planner.skills.scoped_configs(self._kit_configs(tenant, kit)):
                        plan = make_plan((planned_with if videos else image_paths) + kept, latest, words)
                    # uploads on shots; the transitions the words ask for, or the skill's (on a new plan)
                    plan = assign_media(
                        plan, uploads, text, default_transition=None if follow_up else self._transition_of(plan)
                    )
                    plan = self.fit_sound(plan, sound, new=not follow_up)
                    plan = self._with_library(tenant, kit, plan, picks, new=not follow_up)
                    routed = self.check_plan(
                        plan
                    )  # before anything is stored: a plan no engine here can render is refused
                    plan = with_still_note(plan, routed)
                    plan = self._stored_music(plan, lambda: music_staging(cleanup), moved)
                    if not inputs:
                        for image, relative, path in zip(checked, image_paths, staged, strict=True):
                            stored = self.assets.put(path, relative)
                            moved.append(relative)
                            inputs.append(
                                NewAsset(stored, "input_image", "image/png", width=image.width, height=image.height)
                            )
                        for i, relative in video_paths.items():
                            info = videos[i]
                            stored = self.assets.put(staged_videos[i], relative)
                            moved.append(relative)
                            inputs.append(NewAsset(stored, "input_video", VIDEO_MIME[info.container],
                                                   width=info.width, height=info.height, fps=info.fps,
                                                   duration_s=info.duration_s))  # fmt: skip
                    queued.clear()  # a stale attempt's job rolled back with its turn

                    def queue_job(session: Session, plan_id: str, plan: ShotPlan = plan) -> None:
                        assert queue is not None
                        if queue.when is not None and not queue.when(plan):
                            return  # previewed first: the render is queued when it is approved
                        queued.append(
                            self.jobs.submit_in(
                                session,
                                conversation_id,
                                plan_id,
                                self.engine_name,
                                idempotency_key=queue.idempotency_key,
                                max_active=queue.max_active,
                                owner=owner,  # known for a new conversation (saves a query)
                            )
                        )

                    try:
                        with self.write_gate:
                            plan_id = self.repo.record_turn(
                                conversation_id=conversation_id,
                                text=clean_request(text),
                                plan=plan,
                                inputs=inputs,
                                channel=channel,
                                external_key=external_key,
                                owner=owner,
                                base_revision=None if latest is None else latest.revision,
                                delivery=delivery,
                                then=None if queue is None else queue_job,
                            )
                        break
                    except StaleRevision:
                        if attempt == TURN_ATTEMPTS:
                            raise
                        logger.info("plan changed meanwhile; revising again", extra={"attempt": attempt})
                        time.sleep(random.uniform(0, 0.005 * attempt))  # spread the retries of a burst
            except BaseException:
                for relative in moved:
                    self.assets.remove(relative)
                raise
        logger.info("planned", extra={"conversation_id": conversation_id, "plan_id": plan_id})
        turn = Turn(conversation_id=conversation_id, plan_id=plan_id, plan=plan)
        if queued:
            turn.job_id, turn.queued_with = queued[0], queue
            self.jobs.dispatch_new(turn.job_id, self.engine_name)
        return turn

    def start_workers(self) -> None:
        """Serve queued jobs: worker threads here (embedded) or a Celery fleet (``BOTKIT_JOBS=celery``)."""
        if self.settings.jobs == "celery":
            from botkit.jobs.celery_app import CeleryDispatcher

            self.jobs.dispatcher = CeleryDispatcher(self.settings)
            self._start_previews()
            return
        self._set_torch_threads()
        engines = iter([self._engine] if self._engine is not None else [])
        runner = EmbeddedRunner(
            self.context,
            lambda: next(engines, None) or load_engine(self.settings.engine),
            workers=self.settings.workers,
            listener=self.listener(),
        )
        self.jobs.dispatcher = runner
        runner.start()
        self._runner = runner
        self._start_previews()

    def _start_previews(self) -> None:
        """One thread here renders previews (the animatic needs no GPU, and a person waits for it)."""
        previews = EmbeddedRunner(self._preview_context(), preview_engine, workers=1)
        self.jobs.dispatcher = _PreviewRouting(self.jobs.dispatcher, previews)
        previews.start()
        self._preview_runner = previews

    def listener(self) -> Listener | None:
        """This process's LISTEN connection (PostgreSQL; None on SQLite), started on first use."""
        if self._listener is None and supports_notify(self.db):
            self._listener = Listener(self.db).start()
        return self._listener

    def close_listener(self) -> None:
        if self._listener is not None:
            self._listener.stop()
            self._listener = None

    def warm_up(self, timeout_s: float = 300.0) -> None:
        """Do the first-request work before a server says it is ready: the planner and the plan
        check (imports, the skill registry, the model registry) on a throwaway request that stores
        nothing, and the embedded runner's engines when it runs here."""
        from botkit.agent.offline import OfflinePlanner

        if isinstance(self.planner, OfflinePlanner):  # an LLM planner is not called for a warm-up
            sample = self.planner.plan(PlanRequest(text="a 2 second video of a lighthouse", platforms=["x"]))
            self.check_plan(sample)
        if self.db.dialect.name == "postgresql":  # open the pool now: a burst must not wait for connects
            from contextlib import ExitStack as Connections

            from sqlalchemy.pool import QueuePool

            pool = self.db.pool  # SQLAlchemy's default for PostgreSQL: a QueuePool
            with Connections() as held:
                for _ in range(pool.size() if isinstance(pool, QueuePool) else 0):
                    held.enter_context(self.db.connect())
        if self._runner is not None and not self._runner.ready.wait(timeout_s):
            logger.warning("the render engines were not loaded after %.0f s; serving anyway", timeout_s)

    def stop_workers(self) -> None:
        if self._runner is not None:
            self._runner.stop()
            self._runner = None
        if self._preview_runner is not None:
            self._preview_runner.stop()
            self._preview_runner = None
            if isinstance(self.jobs.dispatcher, _PreviewRouting):
                self.jobs.dispatcher = self.jobs.dispatcher.main

    def submit(self, turn: Turn, *, idempotency_key: str | None = None, max_active: int | None = None) -> str:
        """Queue the turn's plan for rendering; returns the job id (the same one for a repeated key).
        ``max_active``: at most this many queued or running jobs for the conversation's owner
        (``TooManyJobs`` past it). A turn planned with ``queue=`` has its job already: submitting it
        again with the same key gives that job."""
        if turn.queued_with is not None and turn.job_id and turn.queued_with.idempotency_key == idempotency_key:
            return turn.job_id
        with self.write_gate:
            turn.job_id = self.jobs.submit(
                turn.conversation_id,
                turn.plan_id,
                self.engine_name,
                idempotency_key=idempotency_key,
                max_active=max_active,
            )
        return turn.job_id

    def render(
        self,
        turn: Turn,
        *,
        on_progress: ProgressListener | None = None,
        mode: ReframeMode = "auto",
        idempotency_key: str | None = None,
    ) -> Turn:
        """Submit and run the job here, in the caller's thread, with progress; returns the outputs."""
        self.submit(turn, idempotency_key=idempotency_key)
        assert turn.job_id is not None
        worker = RenderWorker(self.context, self.engine, worker_name("inline"))
        state = worker.run(turn.job_id, on_progress, reframe=mode)
        if state is JobState.CANCELLED:
            raise BotkitError(f"job {turn.job_id} was cancelled")
        turn.outputs = self.outputs(turn.conversation_id, job_id=turn.job_id)
        return turn

    # -- preview first: an animatic of the plan, approved before the diffusion render ------------

    def wants_preview(self, plan: ShotPlan, requested: bool | None = None) -> bool:
        """Preview first? What the request says (``requested``), else the plan's skill's default
        (``Skill.preview_first``: storyboard and marketing). Channels that never preview unless asked
        (the CLI) pass ``requested`` themselves."""
        if requested is not None:
            return requested
        skills = self.planner.skills
        return plan.skill in skills and bool(skills.get(plan.skill).preview_first)

    def preview(self, turn: Turn, *, on_progress: ProgressListener | None = None, mode: ReframeMode = "auto") -> Turn:
        """Render the turn's plan as an animatic (a preview job; no diffusion) for a person to approve,
        revise or cancel. Older undecided previews of the conversation are superseded. With workers
        running, this process's preview runner renders it and ``turn.outputs`` stays empty (channels
        follow the job's events); without, it renders here and ``turn.outputs`` are its videos."""
        with self.write_gate:
            job_id = self.jobs.submit(
                turn.conversation_id,
                turn.plan_id,
                PREVIEW_ENGINE,
                idempotency_key=f"preview:{turn.plan_id}",
                purpose="preview",
            )
            replaced = self.context.jobs.supersede(turn.conversation_id, keep=job_id)
        for old in replaced:  # one still drawing is stopped: nobody will look at it now
            self.jobs.cancel(old)
        turn.job_id = job_id
        if self._preview_runner is None:
            self._run_here(job_id, self._previewer(), on_progress, mode, self._preview_context())
            turn.outputs = self.outputs(turn.conversation_id, job_id=job_id)
        logger.info("preview", extra={"conversation_id": turn.conversation_id, "job_id": job_id})
        return turn

    def _previewer(self) -> Engine:
        if self._preview_engine is None:
            self._preview_engine = preview_engine()
        return self._preview_engine

    def _preview_context(self) -> WorkerContext:
        """Previews skip the clip quality checks (a title card is "frozen" by design), encode with
        x264 ``ultrafast`` (a preview is watched once) and are silent: no narration is spoken for
        them (the shots keep the lengths planned from the estimated lines; the render speaks)."""
        render = replace(self.context.render, quality_checks=False, x264_preset="ultrafast", narrator=None)
        return replace(self.context, render=render)

    def _run_here(
        self,
        job_id: str,
        engine: Engine,
        on_progress: ProgressListener | None,
        mode: ReframeMode,
        context: WorkerContext | None = None,
    ) -> None:
        """Run a job in the caller's thread; if another worker holds it, wait for it to finish."""
        worker = RenderWorker(context or self.context, engine, worker_name("inline"))
        state = worker.run(job_id, on_progress, reframe=mode)
        deadline = time.monotonic() + self.settings.job_stale_s * 4
        while state is None and time.monotonic() < deadline:
            status = self.jobs.status(job_id)
            if status.state.finished:
                state = status.state
                break
            time.sleep(0.1)
        if state is JobState.CANCELLED:
            raise BotkitError(f"job {job_id} was cancelled")

    def previews(self, conversation_id: str) -> list[JobStatus]:
        """The conversation's previews, newest first."""
        return self.context.jobs.previews(conversation_id)

    def pending_preview(self, conversation_id: str) -> JobStatus | None:
        """The newest preview that waits for a decision (rendering or ready), or None."""
        previews = self.previews(conversation_id)
        newest = previews[0] if previews else None
        if newest is None or newest.decision is not None or newest.state in (JobState.FAILED, JobState.CANCELLED):
            return None
        return newest

    def _preview_to_decide(self, conversation_id: str, preview_id: str | None) -> JobStatus:
        self._latest(conversation_id)  # an unknown conversation is refused first
        previews = self.previews(conversation_id)
        if preview_id is not None:
            found = next((p for p in previews if p.id == preview_id), None)
            if found is None:
                raise NothingToApprove(f"no preview {preview_id!r} in this conversation")
            return found
        if not previews:
            raise NothingToApprove(
                "nothing waits for approval in this conversation: no preview was made; ask for one first"
            )
        return previews[0]

    def _check_decidable(self, preview: JobStatus, conversation_id: str) -> None:
        if preview.decision == "cancelled":
            raise PreviewDecided("this preview was cancelled, so nothing was rendered; send a change for a new preview")
        latest_revision = self.repo.latest_revision_number(conversation_id)
        revision = self.repo.plan_revision(preview.plan_id)
        if preview.decision == "superseded" or revision != latest_revision:
            raise StalePreview(
                f"this preview shows revision {revision} of the plan, but the plan has changed since "
                f"(now revision {latest_revision}); approve the newest preview instead"
            )
        if preview.state is JobState.FAILED:
            raise PreviewDecided(f"this preview failed ({preview.error or 'unknown error'}); send the request again")
        if preview.state is JobState.CANCELLED:
            raise PreviewDecided("this preview was cancelled, so nothing was rendered; send a change for a new preview")
        if not preview.state.finished:
            raise PreviewNotReady("the preview is still rendering; approve it once you have seen it")

    def approvable(self, conversation_id: str, *, preview_id: str | None = None) -> JobStatus:
        """The preview ``approve`` would approve (decision ``approved`` if it was approved before),
        or the ``InputError`` it would raise; nothing is changed."""
        preview = self._preview_to_decide(conversation_id, preview_id)
        if preview.decision != "approved":
            self._check_decidable(preview, conversation_id)
        return preview

    def approve(
        self,
        conversation_id: str,
        *,
        preview_id: str | None = None,
        on_progress: ProgressListener | None = None,
        mode: ReframeMode = "auto",
        max_active: int | None = None,
        render_here: bool | None = None,
    ) -> Approval:
        """Approve the conversation's newest preview (or ``preview_id``) and start the diffusion
        render of the very plan revision it showed (same shots, same durations); the render job
        records the preview. Approving again answers with the render the first approval started.
        Refused (an ``InputError`` saying why): nothing to approve, a preview of an older revision,
        one cancelled or failed, one still rendering. ``render_here``: run the render in this thread
        (default: when this process runs no workers); False: only queue it."""
        preview = self.approvable(conversation_id, preview_id=preview_id)
        if preview.decision != "approved":
            with self.write_gate:
                created = self.context.jobs.decide(preview.id, "approved")
            if not created:  # decided meanwhile by someone else
                preview = self.jobs.status(preview.id)
                if preview.decision != "approved":
                    self._check_decidable(preview, conversation_id)
        else:
            created = False
        turn = Turn(conversation_id=conversation_id, plan_id=preview.plan_id, plan=self.repo.get_plan(preview.plan_id))
        with self.write_gate:
            # the key makes it one render per preview, however many approvals race
            turn.job_id = self.jobs.submit(
                conversation_id,
                preview.plan_id,
                self.engine_name,
                idempotency_key=f"approve:{preview.id}",
                max_active=max_active if created else None,
                preview_id=preview.id,
            )
        if render_here is None:
            render_here = self._runner is None and self.settings.jobs != "celery"
        if render_here and created:
            self._run_here(turn.job_id, self.engine, on_progress, mode)
        turn.outputs = self.outputs(conversation_id, job_id=turn.job_id)
        logger.info(
            "preview approved", extra={"conversation_id": conversation_id, "preview": preview.id, "job_id": turn.job_id}
        )
        return Approval(preview_id=preview.id, job_id=turn.job_id, created=created, turn=turn)

    def cancel_preview(self, conversation_id: str, *, preview_id: str | None = None) -> JobStatus:
        """Decline the newest preview (or ``preview_id``): nothing is rendered; a preview still
        rendering is stopped. Refused once approved (cancel its render job instead)."""
        preview = self._preview_to_decide(conversation_id, preview_id)
        if preview.decision == "approved":
            render = self.context.jobs.approved_from(preview.id)
            raise PreviewDecided(
                f"this preview was approved already; its render is job {render}: cancel that job to stop it"
            )
        if preview.decision is None:
            if not preview.state.finished:
                self.jobs.cancel(preview.id)
            with self.write_gate:
                self.context.jobs.decide(preview.id, "cancelled")
        return self.jobs.status(preview.id)

    def outputs(self, conversation_id: str, *, job_id: str | None = None) -> list[Output]:
        """Finished videos with absolute paths (from a bucket: fetched here, with their caption sidecars)."""
        found = self.repo.outputs(conversation_id, job_id=job_id)
        if self.assets.backend != "local":
            for output in found:
                for suffix in (".srt", ".vtt"):  # Slack uploads them from beside the video when they exist
                    self.assets.path(str(Path(output.path).with_suffix(suffix)))
        return [
            output.model_copy(
                update={"path": str(self.assets.path(output.path)), "poster": str(self.assets.path(output.poster))}
            )
            for output in found
        ]

    def chat(
        self,
        text: str,
        *,
        dry_run: bool = False,
        on_progress: ProgressListener | None = None,
        mode: ReframeMode = "auto",
        preview: bool = False,
        **plan_args,
    ) -> Turn:
        """Plan and (unless ``dry_run``) render one request; ``preview``: render its animatic
        instead, for ``approve`` (or ``cancel_preview``) later."""
        turn = self.plan(text, **plan_args)
        if dry_run:
            return turn
        if preview:
            return self.preview(turn, on_progress=on_progress, mode=mode)
        return self.render(turn, on_progress=on_progress, mode=mode)


__all__ = ["Approval", "Bot", "NothingToApprove", "PreviewDecided", "PreviewNotReady", "Queue", "StalePreview", "Turn"]
