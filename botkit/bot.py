"""The composition root: one chat turn from request to stored, planned, rendered MP4s.

``Bot.plan`` validates the request and its images before writing anything, then stores the
conversation, message, images and plan in one transaction. ``Bot.submit`` queues a durable render
job (see ``botkit.jobs``); ``Bot.render`` runs one in the caller's thread (the CLI does this).
"""

from __future__ import annotations

import logging
import random
import threading
import time
import unicodedata
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from botkit.agent import PlanRequest
from botkit.agent.config import LLMSettings, Planner, make_planner
from botkit.agent.offline import HistoryMessage, clean_request
from botkit.agent.revise import NewRequest, RefusedFollowUp, UnclearRevision, carry_over, revise, with_platforms
from botkit.domain import Output, ProgressListener, ShotPlan
from botkit.domain.jobs import JobState
from botkit.engine import Capabilities, Engine, available_engines, load_engine
from botkit.engine.base import check_engine_interface
from botkit.engine.registry import Registry
from botkit.errors import BotkitError, InputError
from botkit.jobs.context import worker_context
from botkit.jobs.embedded import EmbeddedRunner
from botkit.jobs.render import RenderWorker, worker_name
from botkit.jobs.service import JobService, NoDispatch
from botkit.post.reframe import ReframeMode
from botkit.render.routing import route_shots
from botkit.settings import Settings
from botkit.skills.configs import load_skill_configs
from botkit.store.db import make_engine as make_db
from botkit.store.inbound import Delivery
from botkit.store.migrate import upgrade
from botkit.store.models import new_id
from botkit.store.notify import Listener, supports_notify
from botkit.store.repo import NewAsset, StaleRevision
from botkit.uploads import ImageLimits, check_image, normalise_image

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

logger = logging.getLogger(__name__)

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
        self.db = make_db(settings.resolved_database_url())
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
        self._listener: Listener | None = None
        # SQLite has one writer: taking turns here is FIFO-ish, while waiting in SQLite's busy handler
        # backs off in sleeps of up to 100 ms. Only database writes are gated (never image decoding).
        self.write_gate = threading.BoundedSemaphore(1 if self.db.dialect.name == "sqlite" else 4)
        self.image_limits = ImageLimits(settings.max_upload_bytes, settings.max_image_pixels, settings.min_image_side)

    @classmethod
    def open(cls, settings: Settings, **kwargs) -> Bot:  # type: ignore[no-untyped-def]
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
        queue: Queue | None = None,
    ) -> Turn:
        """Start a conversation: plan the request and store it (nothing is stored if it is refused).
        ``queue``: also queue its render, in the same transaction (``Turn.job_id`` is set)."""

        def make_plan(image_paths: list[str], _latest: Latest | None) -> ShotPlan:
            return self.planner.plan(
                PlanRequest(text=text, images=image_paths, platforms=platforms or [], skill=skill, seed=seed)
            )

        return self._turn(
            new_id(),
            text,
            images or [],
            make_plan,
            channel=channel,
            external_key=external_key,
            owner=owner,
            delivery=delivery,
            queue=queue,
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
        queue: Queue | None = None,
    ) -> Turn:
        """A later message: revise the latest plan ("make it 5 seconds", "remove the second shot",
        "use a warmer palette", "another take, but keep shot 1") into a new revision; unchanged shots
        re-use their clips. A message ``revise`` does not understand keeps the plan: it raises
        ``UnclearRevision`` (an ``InputError`` saying what can change, in the user's language). A new
        request ("now one for our lamp"), images the revision does not use, or an explicit ``skill``
        are planned afresh, with the conversation's skill and platforms unless the message names others.
        Concurrent follow-ups each build on the one before (``_turn`` retries on a stale plan)."""
        self._latest(conversation_id)  # an unknown conversation is refused before anything else

        def make_plan(image_paths: list[str], latest: Latest | None) -> ShotPlan:
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
            return self.planner.plan(
                PlanRequest(
                    text=text,
                    images=image_paths,
                    platforms=platforms or kept_platforms,
                    skill=skill or kept_skill,
                    seed=seed,
                    history=latest.history,
                )
            )

        return self._turn(
            conversation_id, text, images or [], make_plan, follow_up=True, delivery=delivery, queue=queue
        )

    def _latest(self, conversation_id: str) -> Latest:
        found = self.repo.latest_revision(conversation_id)
        if found is None:
            raise InputError(f"no conversation {conversation_id!r}")
        history = [HistoryMessage(role=m["role"], text=m["text"]) for m in self.repo.messages(conversation_id)]
        return Latest(revision=found[0], plan=found[1], history=history)

    def find_conversation(self, external_key: str) -> str | None:
        return self.repo.find_conversation(external_key)

    def _turn(
        self,
        conversation_id: str,
        text: str,
        images: list[Path],
        make_plan: Callable[[list[str], Latest | None], ShotPlan],
        *,
        follow_up: bool = False,
        channel: str | None = None,
        external_key: str | None = None,
        owner: str | None = None,
        delivery: Delivery | None = None,
        queue: Queue | None = None,
    ) -> Turn:
        check_visible(text)
        checked = [check_image(Path(path), self.image_limits) for path in images]
        batch = new_id()[:8]
        image_paths = [f"conversations/{conversation_id}/inputs/{batch}-{i + 1:02d}.png" for i in range(len(checked))]
        moved: list[str] = []
        queued: list[str] = []  # the job queued with the turn (``queue``)
        with ExitStack() as cleanup:
            staged: list[Path] = []
            if checked:  # a text-only turn touches no files (a staging folder costs a sync on some disks)
                staging = cleanup.enter_context(self.assets.staging(prefix="turn-"))
                for image, relative in zip(checked, image_paths, strict=True):
                    # decoded and re-encoded here, before any database write: a big batch of panels
                    # must not hold SQLite's one write slot while other users wait
                    staged.append(staging / Path(relative).name)
                    normalise_image(image, staged[-1])
            try:
                inputs: list[NewAsset] = []
                for attempt in range(1, TURN_ATTEMPTS + 1):
                    latest = self._latest(conversation_id) if follow_up else None
                    plan = make_plan(image_paths, latest)
                    self.check_plan(plan)  # before anything is stored: a plan no engine here can render is refused
                    if not inputs:
                        for image, relative, path in zip(checked, image_paths, staged, strict=True):
                            stored = self.assets.put(path, relative)
                            moved.append(relative)
                            inputs.append(
                                NewAsset(stored, "input_image", "image/png", width=image.width, height=image.height)
                            )
                    queued.clear()  # a stale attempt's job rolled back with its turn

                    def queue_job(session: Session, plan_id: str) -> None:
                        assert queue is not None
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

            with Connections() as held:
                for _ in range(self.db.pool.size()):
                    held.enter_context(self.db.connect())
        if self._runner is not None and not self._runner.ready.wait(timeout_s):
            logger.warning("the render engines were not loaded after %.0f s; serving anyway", timeout_s)

    def stop_workers(self) -> None:
        if self._runner is not None:
            self._runner.stop()
            self._runner = None

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

    def outputs(self, conversation_id: str, *, job_id: str | None = None) -> list[Output]:
        """Finished videos with absolute paths."""
        return [
            output.model_copy(
                update={"path": str(self.assets.path(output.path)), "poster": str(self.assets.path(output.poster))}
            )
            for output in self.repo.outputs(conversation_id, job_id=job_id)
        ]

    def chat(
        self,
        text: str,
        *,
        dry_run: bool = False,
        on_progress: ProgressListener | None = None,
        mode: ReframeMode = "auto",
        **plan_args,
    ) -> Turn:  # type: ignore[no-untyped-def]
        """Plan and (unless ``dry_run``) render one request."""
        turn = self.plan(text, **plan_args)
        if dry_run:
            return turn
        return self.render(turn, on_progress=on_progress, mode=mode)


__all__ = ["Bot", "Queue", "Turn"]
