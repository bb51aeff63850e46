"""Executes one render job: claim it, render every shot, post-process, record the outputs.

Durable by construction: the job row says who owns it; a heartbeat thread keeps the claim fresh
and carries cancel requests back; files are made in a staging folder and moved into the job's
folder; outputs and success are recorded in one guarded transaction, so a job completes once.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from botkit.domain import Clip, Output, Progress, ProgressListener, ShotMode, ShotPlan, ShotRequest
from botkit.domain.jobs import JobState
from botkit.engine import Engine
from botkit.errors import BotkitError, Cancelled
from botkit.post.captions import Brand
from botkit.post.encode import EncodedVideo, ReframeMode
from botkit.post.presets import preset_for
from botkit.post.produce import ProduceOptions, produce
from botkit.quality import Thresholds
from botkit.quality.retry import render_checked
from botkit.skills import SkillRegistry
from botkit.skills.errors import SkillHookError
from botkit.store.assets import AssetStore
from botkit.store.jobs import JobRepository
from botkit.store.repo import NewAsset, Repository

logger = logging.getLogger(__name__)


def worker_name(kind: str) -> str:
    return f"{kind}:{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


def render_key(engine_name: str, request: ShotRequest, image_checksum: str | None) -> str:
    """Hash of everything that decides a shot's pixels: a clip is re-used when this matches."""
    fields = {
        "model": engine_name,
        "prompt": request.prompt,
        "negative_prompt": request.negative_prompt,
        "image": image_checksum,
        "seed": request.seed,
        "frames": request.num_frames,
        "size": [request.width, request.height],
        "steps": request.steps,
        "guidance": request.guidance,
        "camera": request.camera,
    }
    return hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()


def save_clip(clip: Clip, path: Path) -> None:
    """Frames losslessly (compressed numpy), with fps and metadata, for re-use by render key."""
    with path.open("wb") as handle:
        np.savez_compressed(handle, frames=clip.frames, fps=np.float64(clip.fps), meta=json.dumps(clip.meta))


def load_clip(path: Path) -> Clip:
    with np.load(path) as data:
        return Clip(frames=data["frames"], fps=float(data["fps"]), meta=json.loads(str(data["meta"])))


def shot_requests(plan: ShotPlan, engine: Engine, assets: AssetStore, steps: int | None = None) -> list[ShotRequest]:
    width, height = engine.native_size
    requests = []
    for shot in plan.shots:
        image = assets.path(shot.image) if shot.mode is ShotMode.IMAGE_TO_VIDEO and shot.image else None
        requests.append(
            ShotRequest(
                task=shot.mode.value,
                prompt=f"{shot.prompt}, {plan.style}" if plan.style else shot.prompt,
                negative_prompt=shot.negative_prompt,
                image=image,
                num_frames=max(1, math.ceil(shot.duration_s * engine.native_fps)),
                width=width,
                height=height,
                fps=engine.native_fps,
                steps=steps,
                seed=shot.seed,
                camera=shot.camera,
            )
        )
    return requests


def brand_card(plan: ShotPlan, assets: AssetStore) -> Brand | None:
    """The plan's end card as post-processing draws it (its logo found on disk or in the store)."""
    card = plan.end_card
    if card is None:
        return None
    logo = None
    if card.logo:
        logo = Path(card.logo) if Path(card.logo).is_absolute() else assets.path(card.logo)
    return Brand(**card.model_dump(exclude={"logo"}), logo=logo)  # same fields; the logo resolved to a file


@dataclass
class RenderContext:
    """What a worker needs besides its engine; cheap to build in any process."""

    repo: Repository
    jobs: JobRepository
    assets: AssetStore
    steps: int | None = None
    heartbeat_s: float = 2.0
    stale_after_s: float = 30.0
    reframe: ReframeMode = "auto"
    event_interval_s: float = 0.25
    skills: SkillRegistry | None = None  # runs the plan's skill's post_process hook on the outputs
    quality_checks: bool = True  # measure each new clip; re-render once with a new seed on failure
    thresholds: Thresholds | None = None  # None: the defaults


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


class RenderWorker:
    """One engine, one job at a time (pipelines are not thread-safe)."""

    def __init__(self, context: RenderContext, engine: Engine, name: str | None = None) -> None:
        self.context = context
        self.engine = engine
        self.name = name or worker_name("inline")

    def run(self, job_id: str, on_progress: ProgressListener | None = None) -> JobState | None:
        """Claim and execute ``job_id``. Returns its final state, or None if it was not ours to run."""
        ctx = self.context
        if not ctx.jobs.claim(job_id, self.name, stale_after_s=ctx.stale_after_s):
            return None
        status = ctx.jobs.status(job_id)
        folder = f"conversations/{status.conversation_id}/jobs/{job_id}"
        # leftovers of an attempt whose worker died: never recorded, so never visible
        ctx.assets.clear_staging(f"{job_id}-")
        ctx.assets.remove_tree(folder)
        heartbeat = _Heartbeat(ctx.jobs, job_id, self.name, ctx.heartbeat_s)
        heartbeat.start()
        started = time.perf_counter()
        try:
            plan = ctx.repo.get_plan(status.plan_id)
            moved: list[str] = []
            with ctx.assets.staging(prefix=f"{job_id}-") as staging:
                clips, shot_meta, new_clips, quality = self._render_shots(
                    job_id, status.conversation_id, plan, heartbeat, on_progress, staging
                )
                render_s = time.perf_counter() - started
                self._event(status.conversation_id, job_id, Progress(stage="post", shots=len(plan.shots)), on_progress)
                presets = [preset_for(platform) for platform in plan.platforms]
                options = ProduceOptions(mode=ctx.reframe, brand=brand_card(plan, ctx.assets))
                made = produce(clips, plan, presets, staging, options)
                encoded = made.videos
                if heartbeat.cancelled.is_set():
                    raise Cancelled("cancelled before the outputs were saved")
                new_assets = []
                for extra, kind, mime in (
                    (made.preview, "preview", "image/webp"),
                    (made.contact_sheet, "contact_sheet", "image/png"),
                ):
                    if extra is not None:
                        stored = ctx.assets.put(extra, f"{folder}/{extra.name}")
                        moved.append(stored.path)
                        new_assets.append(NewAsset(stored, kind, mime))
                for key, staged, clip in new_clips:
                    stored = ctx.assets.put(staged, f"clips/{key[:2]}/{key}.npz")
                    width, height = clip.size
                    new_assets.append(
                        NewAsset(
                            stored,
                            "clip",
                            "application/x-npz",
                            width=width,
                            height=height,
                            fps=clip.fps,
                            duration_s=clip.duration_s,
                            render_key=key,
                        )
                    )
                for video in self._post_process(plan, encoded, staging):
                    stored_video = ctx.assets.put(Path(video.path), f"{folder}/{Path(video.path).name}")
                    stored_poster = ctx.assets.put(Path(video.poster), f"{folder}/{Path(video.poster).name}")
                    moved += [stored_video.path, stored_poster.path]
                    common = {"platform": video.platform, "width": video.width, "height": video.height}
                    new_assets.append(
                        NewAsset(
                            stored_video,
                            "video",
                            "video/mp4",
                            fps=video.fps,
                            duration_s=video.duration_s,
                            metrics={"shots": shot_meta, "quality": quality, "warnings": made.warnings},
                            **common,
                        )
                    )
                    new_assets.append(NewAsset(stored_poster, "poster", "image/png", **common))
            timings = {"render_s": round(render_s, 3), "total_s": round(time.perf_counter() - started, 3)}
            reply = f"Done: {len(encoded)} video(s) for {', '.join(plan.platforms)}."
            problems = [f"shot {m['index'] + 1}: {p}" for m in shot_meta for p in m.get("problems", [])]
            if problems:
                reply += " Quality checks still flag: " + "; ".join(problems) + "."
            if not ctx.jobs.complete(job_id, self.name, new_assets, reply, timings):
                for relative in moved:
                    ctx.assets.remove(relative)
                logger.warning("job taken over by another worker; outputs dropped", extra={"job_id": job_id})
                return None
            if on_progress:
                on_progress(Progress(stage="done", shots=len(plan.shots), detail=reply))
            return JobState.SUCCEEDED
        except Cancelled as exc:
            ctx.assets.remove_tree(folder)
            ctx.jobs.finish(job_id, self.name, JobState.CANCELLED, str(exc))
            return JobState.CANCELLED
        except Exception as exc:
            ctx.assets.remove_tree(folder)
            if isinstance(exc, BotkitError):
                message = str(exc)
            else:
                logger.exception("render failed", extra={"job_id": job_id})
                message = f"internal error while rendering ({type(exc).__name__}); the team has the details in the log"
            ctx.jobs.finish(job_id, self.name, JobState.FAILED, message)
            if on_progress:
                on_progress(Progress(stage="failed", detail=message))
            raise
        finally:
            heartbeat.stop_requested.set()

    def _post_process(self, plan: ShotPlan, encoded: list[EncodedVideo], staging: Path) -> list[Output]:
        """The skill's ``post_process`` hook sees the staged outputs; what it returns is stored. Its
        files must stay in the staging folder (so a failed job leaves nothing behind)."""
        outputs = [
            Output(
                platform=v.platform,
                path=str(v.video),
                width=v.width,
                height=v.height,
                fps=v.fps,
                duration_s=v.duration_s,
                poster=str(v.poster),
            )
            for v in encoded
        ]
        if self.context.skills is None:
            return outputs
        outputs = self.context.skills.post_process(plan, outputs)
        for output in outputs:
            for path in (output.path, output.poster):
                if not Path(path).resolve().is_relative_to(staging.resolve()) or not Path(path).is_file():
                    raise SkillHookError(
                        f"the {plan.skill!r} skill returned an output outside its job's folder: {path}"
                    )
        return outputs

    def _render_shots(
        self,
        job_id: str,
        conversation_id: str,
        plan: ShotPlan,
        heartbeat: _Heartbeat,
        on_progress: ProgressListener | None,
        staging: Path,
    ) -> tuple[list[Clip], list[dict], list[tuple[str, Path, Clip]], list[dict]]:
        """Every shot's clip: re-used when a clip with the same render key is stored, else rendered
        (and staged for storing). Returns clips, per-shot metadata and the newly rendered clips."""
        ctx = self.context
        clips, meta, new_clips, quality = [], [], [], []
        check = ctx.quality_checks and not self.engine.name.startswith("tiny-")  # random test weights: noise
        last_event = 0.0
        for shot, request in zip(plan.shots, shot_requests(plan, self.engine, ctx.assets, ctx.steps), strict=True):

            def on_step(step: int, steps: int, index: int = shot.index) -> None:
                nonlocal last_event
                if heartbeat.cancelled.is_set():
                    raise Cancelled("cancelled while rendering")
                progress = Progress(stage="rendering", shot=index, shots=len(plan.shots), step=step, steps=steps)
                if on_progress:
                    on_progress(progress)
                if step == steps or time.monotonic() - last_event >= ctx.event_interval_s:
                    last_event = time.monotonic()
                    ctx.jobs.add_event(conversation_id, job_id, "rendering", progress.model_dump(exclude={"stage"}))

            checksum = hashlib.sha256(request.image.read_bytes()).hexdigest() if request.image else None
            key = render_key(self.engine.name, request, checksum)
            cached = ctx.repo.find_clip(key)
            reused = cached is not None and ctx.assets.path(cached).is_file()
            if reused:
                clip = load_clip(ctx.assets.path(cached))
                on_step(1, 1)
            elif check:
                checked = render_checked(
                    lambda seed, r=request, cb=on_step: self.engine.generate(r.model_copy(update={"seed": seed}), cb),
                    request.seed,
                    shot=shot.index,
                    thresholds=ctx.thresholds,
                )
                clip = checked.clip
                clip.meta["problems"] = checked.problems
                clip.meta["attempts"] = checked.attempts
                quality.extend(checked.entries)
            else:
                clip = self.engine.generate(request, on_progress=on_step)
            if not reused:
                staged = staging / f"clip-{shot.index:02d}.npz"
                save_clip(clip, staged)
                new_clips.append((key, staged, clip))
            scalars = {k: v for k, v in clip.meta.items() if isinstance(v, int | float | str)}
            problems = list(clip.meta.get("problems", []))
            meta.append({"index": shot.index, "render_key": key, "reused": reused, "problems": problems, **scalars})
            clips.append(clip)
        return clips, meta, new_clips, quality

    def _event(
        self, conversation_id: str, job_id: str, progress: Progress, on_progress: ProgressListener | None
    ) -> None:
        self.context.jobs.add_event(conversation_id, job_id, progress.stage, progress.model_dump(exclude={"stage"}))
        if on_progress:
            on_progress(progress)
