"""The composition root: one chat turn from request to stored, planned, rendered MP4s.

``Bot.plan`` validates the request and its images before writing anything, then stores the
conversation, message, images and plan in one transaction. ``Bot.render`` runs a render job:
every shot through the engine, the shots assembled, each platform reframed and encoded; files are
made in a staging folder and moved into place only when all succeeded, then recorded in SQL.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from botkit.agent import OfflinePlanner, PlanRequest
from botkit.domain import Clip, Output, Progress, ProgressListener, ShotMode, ShotPlan, ShotRequest
from botkit.engine import Engine, load_engine
from botkit.errors import BotkitError, InputError
from botkit.post.assemble import assemble
from botkit.post.encode import ReframeMode, encode_platforms
from botkit.post.presets import preset_for
from botkit.settings import Settings
from botkit.store.assets import AssetStore
from botkit.store.db import make_engine, session_factory
from botkit.store.migrate import upgrade
from botkit.store.models import new_id
from botkit.store.repo import NewAsset, Repository
from botkit.uploads import ImageLimits, check_image, normalise_image

logger = logging.getLogger(__name__)


@dataclass
class Turn:
    """The result of one chat turn."""

    conversation_id: str
    plan_id: str
    plan: ShotPlan
    job_id: str | None = None
    outputs: list[Output] = field(default_factory=list)


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


class Bot:
    def __init__(self, settings: Settings, *, engine: Engine | None = None, planner: OfflinePlanner | None = None):
        self.settings = settings
        self.db = make_engine(settings.resolved_database_url())
        self.repo = Repository(session_factory(self.db))
        self.assets = AssetStore(settings.data_dir / "assets")
        self.planner = planner or OfflinePlanner()
        self._engine = engine
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
            self._engine = load_engine(self.settings.engine)
        return self._engine

    def plan(
        self,
        text: str,
        *,
        images: list[Path] | None = None,
        platforms: list[str] | None = None,
        skill: str | None = None,
        seed: int | None = None,
        channel: str = "python",
    ) -> Turn:
        images = images or []
        checked = [check_image(Path(path), self.image_limits) for path in images]
        conversation_id = new_id()
        image_paths = [f"conversations/{conversation_id}/inputs/{i + 1:02d}.png" for i in range(len(checked))]
        plan = self.planner.plan(
            PlanRequest(text=text, images=image_paths, platforms=platforms or [], skill=skill, seed=seed)
        )
        moved: list[str] = []
        try:
            inputs = []
            with self.assets.staging() as staging:
                for image, relative in zip(checked, image_paths, strict=True):
                    staged = staging / Path(relative).name
                    normalise_image(image, staged)
                    stored = self.assets.put(staged, relative)
                    moved.append(relative)
                    inputs.append(NewAsset(stored, "input_image", "image/png", width=image.width, height=image.height))
            plan_id = self.repo.start_conversation(
                conversation_id=conversation_id, channel=channel, text=plan.request, plan=plan, inputs=inputs
            )
        except BaseException:
            for relative in moved:
                self.assets.remove(relative)
            raise
        logger.info("planned", extra={"conversation_id": conversation_id, "plan_id": plan_id})
        return Turn(conversation_id=conversation_id, plan_id=plan_id, plan=plan)

    def shot_requests(self, plan: ShotPlan) -> list[ShotRequest]:
        engine = self.engine
        width, height = engine.native_size
        requests = []
        for shot in plan.shots:
            image = self.assets.path(shot.image) if shot.mode is ShotMode.IMAGE_TO_VIDEO and shot.image else None
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
                    seed=shot.seed,
                    camera=shot.camera,
                )
            )
        return requests

    def render(
        self,
        turn: Turn,
        *,
        on_progress: ProgressListener | None = None,
        mode: ReframeMode = "auto",
        idempotency_key: str | None = None,
    ) -> Turn:
        notify = on_progress or (lambda _progress: None)
        plan = turn.plan
        presets = [preset_for(platform) for platform in plan.platforms]
        engine = self.engine
        job_id = self.repo.create_job(turn.conversation_id, turn.plan_id, engine.name, idempotency_key)
        turn.job_id = job_id
        started = time.perf_counter()
        self.repo.update_job(job_id, state="running", attempts=1, started_at=datetime.now(UTC), worker="inline")
        try:
            clips, shot_meta = self._render_shots(plan, notify)
            notify(Progress(stage="post", shots=len(plan.shots), detail=f"encoding {len(presets)} platform(s)"))
            render_s = time.perf_counter() - started
            timeline = assemble(clips, [shot.duration_s for shot in plan.shots])
            folder = f"conversations/{turn.conversation_id}/jobs/{job_id}"
            new_assets: list[NewAsset] = []
            moved: list[str] = []
            try:
                with self.assets.staging() as staging:
                    encoded = encode_platforms(timeline, presets, staging, mode=mode)
                    for video in encoded:
                        stored_video = self.assets.put(video.video, f"{folder}/{video.video.name}")
                        moved.append(stored_video.path)
                        stored_poster = self.assets.put(video.poster, f"{folder}/{video.poster.name}")
                        moved.append(stored_poster.path)
                        common = {"platform": video.platform, "width": video.width, "height": video.height}
                        new_assets.append(
                            NewAsset(
                                stored_video,
                                "video",
                                "video/mp4",
                                fps=video.fps,
                                duration_s=video.duration_s,
                                metrics={"shots": shot_meta},
                                **common,
                            )
                        )
                        new_assets.append(NewAsset(stored_poster, "poster", "image/png", **common))
                reply = f"Done: {len(encoded)} video(s) for {', '.join(plan.platforms)}."
                self.repo.add_outputs(turn.conversation_id, job_id, new_assets, reply)
            except BaseException:
                for relative in moved:
                    self.assets.remove(relative)
                raise
        except BaseException as exc:
            message = str(exc) if isinstance(exc, BotkitError) else f"internal error: {type(exc).__name__}: {exc}"
            self.repo.update_job(job_id, state="failed", error=message, finished_at=datetime.now(UTC))
            notify(Progress(stage="failed", detail=message))
            raise
        timings = {"render_s": round(render_s, 3), "total_s": round(time.perf_counter() - started, 3)}
        self.repo.update_job(job_id, state="succeeded", finished_at=datetime.now(UTC), timings=timings)
        turn.outputs = [
            Output(
                platform=asset.platform or "",
                path=str(self.assets.path(asset.stored.path)),
                width=asset.width or 0,
                height=asset.height or 0,
                fps=asset.fps or 0.0,
                duration_s=asset.duration_s or 0.0,
                poster=str(self.assets.path(poster.stored.path)),
            )
            for asset, poster in zip(new_assets[::2], new_assets[1::2], strict=True)
        ]
        notify(Progress(stage="done", shots=len(plan.shots), detail=f"{len(turn.outputs)} video(s)"))
        return turn

    def _render_shots(self, plan: ShotPlan, notify: ProgressListener) -> tuple[list[Clip], list[dict]]:
        engine = self.engine
        clips, meta = [], []
        for shot, request in zip(plan.shots, self.shot_requests(plan), strict=True):

            def on_step(step: int, steps: int, index: int = shot.index) -> None:
                notify(Progress(stage="rendering", shot=index, shots=len(plan.shots), step=step, steps=steps))

            notify(Progress(stage="rendering", shot=shot.index, shots=len(plan.shots)))
            clip = engine.generate(request, on_progress=on_step)
            image_checksum = None
            if request.image is not None:
                image_checksum = hashlib.sha256(request.image.read_bytes()).hexdigest()
            meta.append(
                {
                    "index": shot.index,
                    "render_key": render_key(engine.name, request, image_checksum),
                    **{k: v for k, v in clip.meta.items() if isinstance(v, (int, float, str))},
                }
            )
            clips.append(clip)
        return clips, meta

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


__all__ = ["Bot", "InputError", "Turn", "render_key"]
