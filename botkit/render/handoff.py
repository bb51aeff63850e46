"""Hand-off to an editor: a job's edit as OpenTimelineIO (and FCPXML / FCP 7 XML where OTIO's
adapters are installed), written next to its videos.

Each shot becomes a file an editor opens: the user's own footage is referenced in the upload
itself at its in point (full quality, with handles) when it plays at normal speed; every other
shot is encoded to ``shot-NN.mp4`` at the timeline's size, lengthened by its share of the
transitions around it, so the OTIO track is exactly as long as the rendered video.
"""

from __future__ import annotations

import logging
from pathlib import Path

from botkit.domain import Clip, ShotKind, ShotPlan
from botkit.errors import InputError
from botkit.media.probe import check_video
from botkit.media.timeline import Caption, EditTimeline, TimelineClip, export_timeline
from botkit.media.transitions import Transition
from botkit.post.ffmpeg import run_ffmpeg
from botkit.render.media import extend_shots
from botkit.render.steps import StagedFile
from botkit.store.assets import AssetStore

logger = logging.getLogger(__name__)

TIMELINE_FORMATS: tuple[str, ...] = ("otio", "fcpxml", "fcp7")
_MIME = {"otio": "application/vnd.opentimelineio+json", "fcpxml": "application/xml", "fcp7": "application/xml"}
_SUFFIX = {"otio": ".otio", "fcpxml": ".fcpxml", "fcp7": ".xml"}


def encode_shot(clip: Clip, target: Path, *, x264_preset: str = "veryfast") -> Path:
    """``clip`` as an H.264 MP4 (written to a temporary name, renamed at the end)."""
    width, height = clip.size
    partial = target.with_name(f".{target.stem}.partial.mp4")
    try:
        run_ffmpeg([
            "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{width}x{height}", "-r", f"{clip.fps:g}", "-i", "pipe:0",
            "-c:v", "libx264", "-preset", x264_preset, "-crf", "16", "-pix_fmt", "yuv420p",
            "-movflags", "+faststart", "-f", "mp4", str(partial),
        ], stdin=clip.frames.tobytes())  # fmt: skip
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def stage_timeline(
    plan: ShotPlan, clips: list[Clip], assets: AssetStore, staging: Path, folder: str, formats: list[str],
    *, x264_preset: str = "veryfast",
) -> list[StagedFile]:  # fmt: skip
    """The edit of a rendered plan staged as files: shot MP4s and one timeline per format. Paths in
    the timeline are where the files will be once moved into ``folder`` (the job's folder)."""
    unknown = [fmt for fmt in formats if fmt not in TIMELINE_FORMATS]
    if unknown:
        raise InputError(f"unknown timeline format {unknown[0]!r}; choose from: {', '.join(TIMELINE_FORMATS)}")
    if not formats:
        return []
    extended, lengths, _ = extend_shots(clips, plan)
    fps = extended[0].fps
    width, height = extended[0].size
    staged: list[StagedFile] = []
    items: list[TimelineClip] = []
    for shot, clip, rendered in zip(plan.shots, extended, clips, strict=True):
        before = int(clip.meta["before"])
        kind = rendered.meta.get("kind") if rendered.meta.get("kind") in ("footage", "still") else "generated"
        name = f"shot {shot.index + 1}"
        if shot.kind is ShotKind.FOOTAGE and shot.footage and shot.speed == 1 and shot.in_s >= before / fps:
            upload = assets.path(shot.footage)
            info = check_video(upload)
            items.append(TimelineClip(name=name, path=upload, kind="footage", duration_s=clip.num_frames / fps,
                                      source_in_s=shot.in_s - before / fps, media_duration_s=info.duration_s))  # fmt: skip
            continue
        file = encode_shot(clip, staging / f"shot-{shot.index + 1:02d}.mp4", x264_preset=x264_preset)
        staged.append(StagedFile(file, "shot_file", "video/mp4"))
        items.append(TimelineClip(name=name, path=assets.path(f"{folder}/{file.name}"),
                                  kind=kind, duration_s=clip.num_frames / fps))  # fmt: skip
    transitions = [
        Transition(kind=shot.transition if frames else "cut", duration_s=frames / fps)
        for shot, frames in zip(plan.shots[1:], lengths, strict=True)
    ]
    starts, cursor = [], 0
    for shot in plan.shots:
        starts.append(cursor)
        cursor += max(1, round(shot.duration_s * fps))
    captions = [
        Caption(start_s=start / fps, end_s=(start + round(shot.duration_s * fps)) / fps, text=shot.caption)
        for shot, start in zip(plan.shots, starts, strict=True)
        if shot.caption
    ]
    timeline = EditTimeline(name=plan.title, fps=fps, width=width, height=height, clips=items,
                            transitions=transitions, captions=captions)  # fmt: skip
    for fmt in formats:
        target = export_timeline(timeline, staging / f"timeline{_SUFFIX[fmt]}", fmt)  # type: ignore[arg-type]
        staged.append(StagedFile(target, "timeline", _MIME[fmt]))
    logger.info("timeline staged", extra={"formats": formats, "shots": len(items)})
    return staged


def timeline_formats(value: str | list[str] | None) -> list[str]:
    """``"otio,fcpxml"`` -> ``["otio", "fcpxml"]`` (checked)."""
    if not value:
        return []
    names = [v.strip().lower() for v in (value.split(",") if isinstance(value, str) else value) if v.strip()]
    for name in names:
        if name not in TIMELINE_FORMATS:
            raise InputError(f"unknown timeline format {name!r}; choose from: {', '.join(TIMELINE_FORMATS)}")
    return list(dict.fromkeys(names))
