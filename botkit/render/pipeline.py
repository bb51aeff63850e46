"""One plan to finished, stored files: the whole render path, stage by stage.

    plan -> narration -> shots -> produce -> after_produce steps -> assets

0. **narration** (a narrated plan, when the deployment speaks): the lines are spoken and the shots
   fitted to the real speech (the plan was fitted to estimates); a shot whose length changes is a
   ``narration`` event ("shot 2 3.0 -> 3.4 s") and everything after renders the real durations
   (render keys included). The stored plan revision stays as it was planned.
1. **shots**: each shot becomes a ``ShotRequest`` for its source (the engine that can do its
   task, see ``routing``); its render key finds a stored clip, or the source renders it (with the
   quality check and one retry) and the clip is stored at once, so a crash loses no finished shot.
2. **produce**: ``botkit.post.produce`` assembles the clips and encodes every platform into the
   job's staging folder (captions, end card, reframe, poster, preview, contact sheet).
3. **after_produce**: the context's ordered steps (the skill's hook; audio and signing next).
4. **assets**: the staged files are moved into ``conversations/<id>/jobs/<job>/`` and returned as
   rows for the caller to record in the same transaction as the job's success.

``render_plan`` knows nothing of job rows, claims or heartbeats: it reports progress to a
``Reporter`` (whose ``checkpoint`` may raise ``Cancelled``) and returns a ``Rendered``. The job
layer (``botkit.jobs.render``) wraps it; tests call it directly.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from botkit.domain import Clip, Output, Progress, ProgressListener, ShotKind, ShotMode, ShotPlan, ShotRequest
from botkit.post.captions import Brand, CaptionStyle
from botkit.post.presets import preset_for
from botkit.post.produce import ProduceOptions, produce
from botkit.post.reframe import ReframeMode
from botkit.provenance.label import badge_overlay
from botkit.render.clips import ClipWriter, image_checksum, render_key
from botkit.render.context import RenderContext
from botkit.render.handoff import stage_timeline
from botkit.render.media import FootageSource, StillSource, fit_clip, footage_sound, join_shots
from botkit.render.routing import FOOTAGE, STILL, Engines
from botkit.render.sources import ShotSource
from botkit.render.steps import Staged, StagedFile, run_steps
from botkit.store.assets import AssetStore
from botkit.store.repo import NewAsset

if TYPE_CHECKING:
    from botkit.render.sound import SpokenPlan

logger = logging.getLogger(__name__)


class Reporter:
    """Where a render reports: ``progress`` on every denoising step and stage, ``checkpoint`` before
    files are moved into place. The job layer's reporter records (throttled) events and raises
    ``Cancelled`` from either when the job was cancelled; this one only passes progress on."""

    def __init__(self, listener: ProgressListener | None = None) -> None:
        self.listener = listener

    def progress(self, progress: Progress) -> None:
        if self.listener is not None:
            self.listener(progress)

    def checkpoint(self) -> None:
        """Called before anything is moved into place: the last moment to stop cleanly."""

    def event(self, kind: str, data: dict[str, Any]) -> None:
        """A fact about the render worth a line in the job's log (the job layer records it)."""


@dataclass
class ShotResult:
    clip: Clip
    meta: dict[str, Any]
    quality: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Rendered:
    """Files already moved into the job's folder, and the rows that record them."""

    assets: list[NewAsset]
    moved: list[str]
    reply: str
    timings: dict[str, float]
    shots: list[dict[str, Any]]

    def discard(self, store: AssetStore) -> None:
        """Remove the moved files again (the job could not be recorded as done)."""
        for relative in self.moved:
            store.remove(relative)


def job_folder(conversation_id: str, job_id: str) -> str:
    return f"conversations/{conversation_id}/jobs/{job_id}"


def shot_request(plan: ShotPlan, index: int, source: ShotSource, ctx: RenderContext) -> ShotRequest:
    shot = plan.shots[index]
    width, height = source.native_size
    image = ctx.assets.path(shot.image) if shot.mode is ShotMode.IMAGE_TO_VIDEO and shot.image else None
    if shot.kind is ShotKind.FOOTAGE and shot.footage:
        image = ctx.assets.path(shot.footage)  # the clip's checksum goes into the render key
    return ShotRequest(
        task=shot.mode.value,
        prompt=f"{shot.prompt}, {plan.style}" if plan.style else shot.prompt,
        negative_prompt=shot.negative_prompt,
        image=image,
        num_frames=max(1, math.ceil(shot.duration_s * source.native_fps)),
        width=width,
        height=height,
        fps=source.native_fps,
        steps=ctx.denoise_steps,
        seed=shot.seed,
        camera=shot.camera,
    )


def brand_card(plan: ShotPlan, assets: AssetStore) -> Brand | None:
    """The plan's end card as post-processing draws it (its logo found on disk or in the store)."""
    card = plan.end_card
    if card is None:
        return None
    logo = None
    if card.logo:
        logo = Path(card.logo) if Path(card.logo).is_absolute() else assets.path(card.logo)
    return Brand(**card.model_dump(exclude={"logo"}), logo=logo)  # same fields; the logo resolved to a file


def render_shots(
    plan: ShotPlan, ctx: RenderContext, engines: Engines, reporter: Reporter, writer: ClipWriter
) -> list[ShotResult]:
    """Stage 1: every shot's clip, from the cache when its render key matches, else rendered and
    handed to ``writer``, which stores it at once on a background thread (while the next shot
    renders, and the last one while the video encodes)."""
    sources = engines.sources_for(plan)
    # a plan with the user's media renders on one canvas: every other clip is fitted to it (cropped)
    canvas = next((s.native_size for s in sources if isinstance(s, StillSource | FootageSource)), None)
    results: list[ShotResult] = []
    for shot, source in zip(plan.shots, sources, strict=True):
        request = shot_request(plan, shot.index, source, ctx)

        def on_step(step: int, steps: int, index: int = shot.index) -> None:
            reporter.progress(Progress(stage="rendering", shot=index, shots=len(plan.shots), step=step, steps=steps))

        key = render_key(source.name, source.revision, request, image_checksum(request.image))
        cached = ctx.clips.find(key)
        quality: list[dict[str, Any]] = []
        if cached is not None:
            clip, problems, attempts = cached, list(cached.meta.get("problems", [])), 0
            on_step(1, 1)
        else:
            made = source.clip(request, on_step, shot=shot.index)
            clip, problems, attempts, quality = made.clip, made.problems, made.attempts, made.quality
            writer.submit(key, clip)
        if canvas is not None and clip.size != canvas:
            clip = fit_clip(clip, *canvas)
        if source.name == STILL and shot.kind is ShotKind.GENERATED:
            clip.meta["fallback_note"] = (
                "shown as a still of your image (camera move): no image-to-video model that keeps real "
                "pictures is installed; the embedded model knows only its toy world"
            )
        scalars = {k: v for k, v in clip.meta.items() if isinstance(v, int | float | str)}
        meta = {
            "index": shot.index,
            "render_key": key,
            "reused": cached is not None,
            "problems": problems,
            **scalars,
            "source": source.name,
            "revision": source.revision,
        }
        if attempts:
            meta["attempts"] = attempts
        results.append(ShotResult(clip, meta, quality))
    return results


def wants_badge(plan: ShotPlan, ctx: RenderContext, *, generated: bool = True) -> bool:
    """The visible "AI" badge: the plan's choice (its site's or workspace's setting), else its
    skill's config, else the deployment's; by default only on videos with generated shots
    (``generated``: some shot came from a model, not from the user's photos or footage)."""
    if not generated:
        return bool(plan.ai_badge)  # only when the site or workspace asked for it
    if plan.ai_badge is not None:
        return plan.ai_badge
    if ctx.skills is not None and plan.skill in ctx.skills:
        chosen = ctx.skills.config_for(plan.skill).ai_badge
        if chosen is not None:
            return chosen
    return ctx.ai_badge


def speak_narration(plan: ShotPlan, ctx: RenderContext, reporter: Reporter) -> SpokenPlan | None:
    """Stage 0: the plan's lines spoken and its shots fitted to them (None: this deployment or job
    speaks nothing). A change of durations is reported as a ``narration`` event."""
    if ctx.narrator is None:
        return None
    spoken = ctx.narrator.speak_plan(plan)
    if spoken.changes:
        detail = f"fitted to the spoken narration: {spoken.describe()}"
        logger.info("narration refitted the shots", extra={"changes": spoken.describe()})
        reporter.event(
            "narration",
            {
                "detail": detail,
                "shots": [{"shot": i + 1, "planned_s": old, "rendered_s": new} for i, old, new in spoken.changes],
                "total_s": spoken.plan.total_duration_s,
            },
        )
    return spoken


def produce_outputs(
    plan: ShotPlan,
    shots: list[ShotResult],
    ctx: RenderContext,
    staging: Path,
    reframe: ReframeMode,
    spoken: SpokenPlan | None = None,
) -> Staged:
    """Stage 2: the sound prepared (the spoken lines placed, cues timed), then every platform
    assembled and encoded into the staging folder, with the speech-timed captions burned in when asked."""
    presets = [preset_for(platform) for platform in plan.platforms]
    sound = None
    if ctx.narrator is not None:
        fps = max(s.clip.fps for s in shots)
        heard = plan
        if spoken is not None and spoken.speeches is None:  # the lines could not be spoken: music only
            heard = plan.model_copy(update={"shots": [s.model_copy(update={"narration": None}) for s in plan.shots]})
        sound = ctx.narrator.prepare(heard, fps, ctx.assets, spoken.speeches if spoken is not None else None)
        if spoken is not None and spoken.warnings:
            from botkit.render.sound import Sound

            sound = sound or Sound(None, None, [], False)
            sound.warnings[:0] = spoken.warnings
    # the user's clips keep their own sound where asked ("keep the sound"): the video's audio track
    # under any narration the sound step mixes in
    kept_sound = footage_sound(plan, ctx.assets.path, staging, max(shot.clip.fps for shot in shots))
    options = ProduceOptions(
        mode=reframe,
        brand=brand_card(plan, ctx.assets),
        caption_style=CaptionStyle(font=ctx.assets.path(plan.font)) if plan.font else CaptionStyle(),
        x264_preset=ctx.x264_preset,
        timed_captions=sound.cues if sound is not None and sound.burn else None,
        music=kept_sound,
    )
    badge = wants_badge(plan, ctx, generated=any(s.meta.get("source") not in (STILL, FOOTAGE) for s in shots))
    joined, joins = join_shots([shot.clip for shot in shots], plan)
    made = produce(
        [shot.clip for shot in shots],
        plan,
        presets,
        staging,
        options,
        badge=badge_overlay if badge else None,
        timeline=joined,
    )
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
        for v in made.videos
    ]
    extras = [
        StagedFile(path, kind, mime)
        for path, kind, mime in (
            (made.preview, "preview", "image/webp"),
            (made.contact_sheet, "contact_sheet", "image/png"),
        )
        if path is not None
    ]
    staged = Staged(
        plan,
        staging,
        outputs,
        made.timeline,
        extras,
        [*made.warnings, *joins],
        shots=[s.meta for s in shots],
        sound=sound,
    )
    staged.metrics["ai_badge"] = badge
    if spoken is not None and spoken.changes:  # the durations rendered, next to what the plan said
        staged.metrics["narration_fit"] = [
            {"shot": i + 1, "planned_s": old, "rendered_s": new} for i, old, new in spoken.changes
        ]
    return staged


def store_outputs(
    staged: Staged, shots: list[ShotResult], store: AssetStore, folder: str
) -> tuple[list[NewAsset], list[str]]:
    """Stage 4: move the staged files into the job's folder; the rows to record them."""
    moved: list[str] = []
    assets: list[NewAsset] = []
    try:
        for extra in staged.extras:
            stored = store.put(extra.path, f"{folder}/{extra.path.name}")
            moved.append(stored.path)
            assets.append(NewAsset(stored, extra.kind, extra.mime, platform=extra.platform, metrics=extra.metrics))
        metrics = {
            "shots": [shot.meta for shot in shots],
            "quality": [entry for shot in shots for entry in shot.quality],
            "warnings": staged.warnings,
            **staged.metrics,
        }
        for output in staged.outputs:
            video = store.put(Path(output.path), f"{folder}/{Path(output.path).name}")
            moved.append(video.path)
            poster = store.put(Path(output.poster), f"{folder}/{Path(output.poster).name}")
            moved.append(poster.path)
            assets.append(
                NewAsset(
                    video,
                    "video",
                    "video/mp4",
                    platform=output.platform,
                    width=output.width,
                    height=output.height,
                    fps=output.fps,
                    duration_s=output.duration_s,
                    metrics=metrics,
                )
            )
            assets.append(
                NewAsset(
                    poster, "poster", "image/png", platform=output.platform, width=output.width, height=output.height
                )
            )
    except BaseException:
        for relative in moved:
            store.remove(relative)
        raise
    return assets, moved


def reply_for(plan: ShotPlan, outputs: int, shots: list[ShotResult], spoken: SpokenPlan | None = None) -> str:
    reply = f"Done: {outputs} video(s) for {', '.join(plan.platforms)}."
    if spoken is not None and spoken.changes:
        reply += f" Timed to the narration: {spoken.describe()}."
    problems = [f"shot {shot.meta['index'] + 1}: {p}" for shot in shots for p in shot.meta.get("problems", [])]
    if problems:
        reply += " Quality checks still flag: " + "; ".join(problems) + "."
    by_note: dict[str, list[str]] = {}
    for shot in shots:
        if shot.meta.get("fallback_note"):
            by_note.setdefault(shot.meta["fallback_note"], []).append(str(shot.meta["index"] + 1))
    for note, numbers in by_note.items():
        reply += f" {'Shot' if len(numbers) == 1 else 'Shots'} {', '.join(numbers)}: {note}."
    return reply


def render_plan(
    plan: ShotPlan,
    ctx: RenderContext,
    engines: Engines,
    *,
    conversation_id: str,
    job_id: str,
    reporter: Reporter | None = None,
    reframe: ReframeMode | None = None,
) -> Rendered:
    """Render, produce and store one plan (the stages above). Nothing is left in the job's folder
    or staging when it raises; clips of finished shots stay in the cache."""
    reporter = reporter or Reporter()
    started = time.perf_counter()
    folder = job_folder(conversation_id, job_id)
    spoken = speak_narration(plan, ctx, reporter)
    plan = spoken.plan if spoken is not None else plan  # the durations really rendered
    narrated_s = time.perf_counter() - started
    with (
        ctx.assets.staging(prefix=f"{job_id}-") as staging,
        ClipWriter(ctx.clips, staging, conversation_id=conversation_id, job_id=job_id) as writer,
    ):
        shots = render_shots(plan, ctx, engines, reporter, writer)
        rendered_s = time.perf_counter() - started
        reporter.progress(Progress(stage="post", shots=len(plan.shots)))
        staged = produce_outputs(plan, shots, ctx, staging, reframe or ctx.reframe, spoken)
        writer.flush()  # every new clip stored before the outputs are
        produced_s = time.perf_counter() - started
        staged = run_steps(staged, ctx.after_produce)
        if ctx.timeline_formats:  # the edit for an editor: shot files and OTIO / FCPXML, next to the videos
            staged.extras += stage_timeline(plan, [shot.clip for shot in shots], ctx.assets, staging, folder,
                                            ctx.timeline_formats, x264_preset=ctx.x264_preset)  # fmt: skip
        reporter.checkpoint()
        assets, moved = store_outputs(staged, shots, ctx.assets, folder)
    timings = {
        "narration_s": round(narrated_s, 3),
        "render_s": round(rendered_s - narrated_s, 3),
        "produce_s": round(produced_s - rendered_s, 3),
        "total_s": round(time.perf_counter() - started, 3),
    }
    reply = reply_for(plan, len(staged.outputs), shots, spoken)
    return Rendered(assets, moved, reply, timings, [shot.meta for shot in shots])
