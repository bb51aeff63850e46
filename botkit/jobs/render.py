"""Runs one render job around the render pipeline: claim it, keep it alive, record what happens.

Durable by construction: the job row says who owns it; a heartbeat thread keeps the claim fresh
and carries cancel requests back; ``botkit.render.render_plan`` does the work; outputs and success
are recorded in one guarded transaction, so a job completes once. A staging marker
(``.staging/<job>-...``) lives for the whole attempt, so whatever a worker that died left behind is
found and removed (``clear_dead_staging``).
"""

from __future__ import annotations

import logging
import os
import shutil
import socket
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from botkit import metrics
from botkit.domain import Progress, ProgressListener
from botkit.domain.jobs import JobState
from botkit.engine import Engine, load_engine
from botkit.errors import BotkitError, Cancelled
from botkit.post.reframe import ReframeMode
from botkit.render import Engines, RenderContext, Reporter, render_plan
from botkit.render.pipeline import job_folder
from botkit.store.assets import AssetStore
from botkit.store.jobs import JobRepository
from botkit.store.repo import Repository

if TYPE_CHECKING:
    from botkit.quality import Thresholds

logger = logging.getLogger(__name__)


def worker_name(kind: str) -> str:
    return f"{kind}:{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


@dataclass
class WorkerContext:
    """What a worker needs besides its engine; cheap to build in any process (``jobs.context``)."""

    render: RenderContext
    repo: Repository
    jobs: JobRepository
    heartbeat_s: float = 2.0
    stale_after_s: float = 30.0
    event_interval_s: float = 0.25  # at most one "rendering" event per this many seconds per job

    @property
    def assets(self) -> AssetStore:
        return self.render.assets

    def engines(self, engine: Engine, thresholds: Thresholds | None = None) -> Engines:
        """``engine`` plus the deployment's engines for other tasks, loaded on first use."""
        return Engines(
            engine,
            routes=self.render.task_engines,
            load=load_engine,
            quality_checks=self.render.quality_checks,
            thresholds=thresholds or self.render.thresholds,
        )


class _Heartbeat(threading.Thread):
    def __init__(self, jobs: JobRepository, job_id: str, worker: str, every_s: float) -> None:
        super().__init__(daemon=True, name=f"heartbeat-{job_id[:8]}")
        self.jobs, self.job_id, self.worker, self.every_s = jobs, job_id, worker, every_s
        self.stop_requested = threading.Event()
        self.cancelled = threading.Event()

    def run(self) -> None:
        while not self.stop_requested.wait(self.every_s):
            try:
                if self.jobs.heartbeat(self.job_id, self.worker):
                    self.cancelled.set()
            except Exception:  # a missed beat is retried; the job is not lost for one
                logger.warning("heartbeat failed", exc_info=True, extra={"job_id": self.job_id})


class JobReporter(Reporter):
    """Progress into the job's event log (rendering steps throttled), cancel requests out as ``Cancelled``."""

    def __init__(
        self,
        jobs: JobRepository,
        conversation_id: str,
        job_id: str,
        heartbeat: _Heartbeat,
        listener: ProgressListener | None,
        interval_s: float,
    ) -> None:
        super().__init__(listener)
        self.jobs, self.conversation_id, self.job_id = jobs, conversation_id, job_id
        self.heartbeat, self.interval_s = heartbeat, interval_s
        self._last = 0.0
        self._started = time.perf_counter()
        self._post_at: float | None = None

    @property
    def engine_s(self) -> float:
        """Seconds spent rendering shots so far: until post-processing began, else until now (what
        an attempt that fails or is cancelled has used of the engines)."""
        return (self._post_at or time.perf_counter()) - self._started

    def progress(self, progress: Progress) -> None:
        if progress.stage == "post" and self._post_at is None:
            self._post_at = time.perf_counter()
        if self.heartbeat.cancelled.is_set():
            raise Cancelled("cancelled while rendering")
        super().progress(progress)
        if progress.stage == "rendering":
            now = time.monotonic()
            if progress.step != progress.steps and now - self._last < self.interval_s:
                return
            self._last = now
        self.jobs.add_event(self.conversation_id, self.job_id, progress.stage, progress.model_dump(exclude={"stage"}))

    def checkpoint(self) -> None:
        if self.heartbeat.cancelled.is_set():
            raise Cancelled("cancelled before the outputs were saved")

    def event(self, kind: str, data: dict[str, Any]) -> None:
        self.jobs.add_event(self.conversation_id, self.job_id, kind, data)


class RenderWorker:
    """One engine (plus routed ones), one job at a time (pipelines are not thread-safe)."""

    def __init__(self, context: WorkerContext, engine: Engine, name: str | None = None) -> None:
        self.context = context
        self.engine = engine
        self.engines = context.engines(engine)
        self.name = name or worker_name("inline")

    def run(
        self, job_id: str, on_progress: ProgressListener | None = None, *, reframe: ReframeMode | None = None
    ) -> JobState | None:
        """Claim and execute ``job_id``. Returns its final state, or None if it was not ours to run."""
        ctx = self.context
        if not ctx.jobs.claim(job_id, self.name, stale_after_s=ctx.stale_after_s):
            return None
        claimed = time.perf_counter()
        status = ctx.jobs.status(job_id)
        folder = job_folder(status.conversation_id, job_id)
        # leftovers of an attempt whose worker died: never recorded, so never visible
        ctx.assets.clear_staging(f"{job_id}-")
        ctx.assets.remove_tree(folder)
        heartbeat = _Heartbeat(ctx.jobs, job_id, self.name, ctx.heartbeat_s)
        heartbeat.start()
        reporter = JobReporter(ctx.jobs, status.conversation_id, job_id, heartbeat, on_progress, ctx.event_interval_s)
        try:
            with ctx.assets.staging(prefix=f"{job_id}-"):  # the marker: this attempt is under way
                plan = ctx.repo.get_plan(status.plan_id)
                rendered = render_plan(
                    plan,
                    ctx.render,
                    self.engines,
                    conversation_id=status.conversation_id,
                    job_id=job_id,
                    reporter=reporter,
                    reframe=reframe,
                )
                if not ctx.jobs.complete(job_id, self.name, rendered.assets, rendered.reply, rendered.timings):
                    rendered.discard(ctx.assets)
                    logger.warning("job taken over by another worker; outputs dropped", extra={"job_id": job_id})
                    metrics.job_ended(status.engine, "lost", time.perf_counter() - claimed)
                    return None
                count_render(status.engine, rendered.shots, rendered.timings)
                metrics.job_ended(status.engine, "succeeded", time.perf_counter() - claimed)
            if on_progress:
                on_progress(Progress(stage="done", shots=len(plan.shots), detail=rendered.reply))
            return JobState.SUCCEEDED
        except Cancelled as exc:
            ctx.assets.remove_tree(folder)
            ctx.jobs.finish(job_id, self.name, JobState.CANCELLED, str(exc), engine_s=reporter.engine_s)
            metrics.job_ended(status.engine, "cancelled", time.perf_counter() - claimed)
            return JobState.CANCELLED
        except Exception as exc:
            ctx.assets.remove_tree(folder)
            if isinstance(exc, BotkitError):
                message = str(exc)
            else:
                logger.exception("render failed", extra={"job_id": job_id})
                message = f"internal error while rendering ({type(exc).__name__}); the team has the details in the log"
            ctx.jobs.finish(job_id, self.name, JobState.FAILED, message, engine_s=reporter.engine_s)
            metrics.job_ended(status.engine, "failed", time.perf_counter() - claimed)
            if on_progress:
                on_progress(Progress(stage="failed", detail=message))
            raise
        finally:
            heartbeat.stop_requested.set()


def count_render(engine: str, shots: list[dict], timings: dict[str, float]) -> None:
    """Render seconds per engine (each new shot's own time, by the engine that made it) and
    quality retries, from the shots' metadata; the job's render time when no shot says."""
    counted = False
    for shot in shots:
        if shot.get("reused"):
            continue
        source = str(shot.get("source") or engine)
        seconds = shot.get("seconds", shot.get("render_s"))
        if isinstance(seconds, int | float):
            metrics.rendered(source, float(seconds))
            counted = True
        if int(shot.get("attempts") or 1) > 1:
            metrics.quality_retry(source)
    if not counted:
        metrics.rendered(engine, float(timings.get("render_s") or 0.0))


def clear_dead_staging(context: WorkerContext) -> list[str]:
    """Remove what attempts of finished jobs left behind when their worker died (staging folders,
    and a job folder of a job that did not succeed). Running and queued jobs are left alone.
    Returns the job ids cleaned."""
    staging = context.assets.root / ".staging"
    if not staging.is_dir():
        return []
    cleaned = []
    for folder in staging.iterdir():
        job_id = folder.name.split("-", 1)[0]
        if "-" not in folder.name or len(job_id) != 32:
            continue  # not a job's (an upload's staging folder)
        try:
            status = context.jobs.status(job_id)
        except KeyError:
            status = None
        if status is not None and not status.state.finished:
            continue
        if status is not None and status.state is not JobState.SUCCEEDED:
            context.assets.remove_tree(job_folder(status.conversation_id, job_id))
        shutil.rmtree(folder, ignore_errors=True)
        cleaned.append(job_id)
    if cleaned:
        logger.info("removed files of dead attempts", extra={"jobs": sorted(set(cleaned))})
    return sorted(set(cleaned))
