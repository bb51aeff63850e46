"""Transitions between shots, rendered by ffmpeg's ``xfade``: cut, cross-fade, dip to black or
white, wipe and slide, each lasting an exact number of frames.

A transition overlaps the end of one shot with the start of the next, so the joined length is
the sum of the shots less the sum of the transitions (``TimelinePlan.total_frames``). Three ways in:
``xfade_graph`` builds the filter graph for an assembler's own ffmpeg run, ``join_files`` joins clip
files (with their sound, cross-faded alike), and ``join_clips`` joins in-memory Clips.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from botkit.domain import Clip, TransitionKind
from botkit.errors import InputError
from botkit.media.probe import check_video
from botkit.post.ffmpeg import ffmpeg_output, run_ffmpeg

logger = logging.getLogger(__name__)

TRANSITION_KINDS: tuple[str, ...] = TransitionKind.__args__  # type: ignore[attr-defined]
XFADE_NAMES: dict[str, str] = {
    "crossfade": "fade", "dip-black": "fadeblack", "dip-white": "fadewhite",
    "wipe-left": "wipeleft", "wipe-right": "wiperight", "wipe-up": "wipeup", "wipe-down": "wipedown",
    "slide-left": "slideleft", "slide-right": "slideright", "slide-up": "slideup", "slide-down": "slidedown",
}  # fmt: skip


class Transition(BaseModel):
    """How one shot gives way to the next. A cut has no duration."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: TransitionKind = "cut"
    duration_s: float = Field(default=0.5, ge=0, le=3)

    def frames(self, fps: float) -> int:
        if self.kind == "cut" or self.duration_s == 0:
            return 0
        return max(1, round(self.duration_s * fps))


class TimelinePlan(BaseModel):
    """Where each shot and each transition falls, in frames of the joined video."""

    fps: float
    shot_frames: list[int]
    transition_frames: list[int]
    starts: list[int] = Field(description="first output frame of each shot (where its transition in begins)")
    total_frames: int

    @property
    def duration_s(self) -> float:
        return self.total_frames / self.fps

    def offsets_s(self) -> list[float]:
        """xfade's ``offset`` for each transition: when it starts in the joined video."""
        return [self.starts[k + 1] / self.fps for k in range(len(self.transition_frames))]


def plan_timeline(shot_frames: list[int], transitions: list[Transition], fps: float) -> TimelinePlan:
    """Check that every transition fits its two shots and place them; ``InputError`` otherwise."""
    if not shot_frames:
        raise InputError("need at least one shot to join")
    if len(transitions) != len(shot_frames) - 1:
        raise InputError(f"{len(shot_frames)} shots need {len(shot_frames) - 1} transitions, got {len(transitions)}")
    lengths = [transition.frames(fps) for transition in transitions]
    for index, frames in enumerate(shot_frames):
        if frames < 1:
            raise InputError(f"shot {index} has no frames")
        overlap = (lengths[index - 1] if index > 0 else 0) + (lengths[index] if index < len(lengths) else 0)
        if overlap >= frames:
            raise InputError(
                f"shot {index} lasts {frames / fps:.2f} s but its transitions take {overlap / fps:.2f} s; "
                "shorten the transitions or lengthen the shot"
            )
    starts, cursor = [], 0
    for index, frames in enumerate(shot_frames):
        cursor -= lengths[index - 1] if index > 0 else 0
        starts.append(cursor)
        cursor += frames
    return TimelinePlan(fps=fps, shot_frames=shot_frames, transition_frames=lengths, starts=starts, total_frames=cursor)


def xfade_graph(inputs: list[str], transitions: list[Transition], plan: TimelinePlan, *, out: str = "joined") -> str:
    """A filter graph joining the labelled video streams ``inputs`` (same size, rate and pixel
    format, each exactly its planned frames) into ``[out]``."""
    if len(inputs) != len(plan.shot_frames):
        raise InputError(f"{len(plan.shot_frames)} shots planned but {len(inputs)} inputs given")
    if len(inputs) == 1:
        return f"[{inputs[0]}]null[{out}]"
    parts, current = [], inputs[0]
    for k, transition in enumerate(transitions):
        label = out if k == len(transitions) - 1 else f"xf{k}"
        if plan.transition_frames[k] == 0:
            parts.append(f"[{current}][{inputs[k + 1]}]concat=n=2:v=1:a=0[{label}]")
        else:
            duration = plan.transition_frames[k] / plan.fps
            parts.append(
                f"[{current}][{inputs[k + 1]}]xfade=transition={XFADE_NAMES[transition.kind]}:"
                f"duration={duration:.6f}:offset={plan.offsets_s()[k]:.6f}[{label}]"
            )
        current = label
    return ";".join(parts)


def _audio_graph(inputs: list[str], plan: TimelinePlan, *, out: str = "joinedaudio") -> str:
    if len(inputs) == 1:
        return f"[{inputs[0]}]anull[{out}]"
    parts, current = [], inputs[0]
    for k, frames in enumerate(plan.transition_frames):
        label = out if k == len(plan.transition_frames) - 1 else f"ax{k}"
        if frames == 0:
            parts.append(f"[{current}][{inputs[k + 1]}]concat=n=2:v=0:a=1[{label}]")
        else:
            parts.append(f"[{current}][{inputs[k + 1]}]acrossfade=d={frames / plan.fps:.6f}:c1=tri:c2=tri[{label}]")
        current = label
    return ";".join(parts)


def join_files(
    paths: list[Path], transitions: list[Transition], target: Path, *, width: int, height: int, fps: float,
    durations_s: list[float] | None = None, audio: bool = False, crf: int = 18, x264_preset: str = "veryfast",
) -> TimelinePlan:  # fmt: skip
    """Join clip files into one H.264 MP4 at ``width`` x ``height`` and ``fps`` (each clip is
    cover-scaled and centre-cropped; ``durations_s`` trims them, default: their probed length).
    With ``audio``, their sound is joined too (silence for a clip without), cross-faded with the
    picture. Written to a temporary name and renamed, so a failure leaves no file."""
    if not paths:
        raise InputError("need at least one clip file to join")
    infos = [check_video(Path(path)) for path in paths]
    if durations_s is not None and len(durations_s) != len(paths):
        raise InputError(f"{len(paths)} clips but {len(durations_s)} durations")
    shot_frames = [
        max(1, round((durations_s[i] if durations_s else info.duration_s) * fps)) for i, info in enumerate(infos)
    ]
    plan = plan_timeline(shot_frames, transitions, fps)
    graph = []
    for i, frames in enumerate(shot_frames):
        graph.append(
            f"[{i}:v]fps={fps:g},scale={width}:{height}:force_original_aspect_ratio=increase:flags=lanczos,"
            f"crop={width}:{height},setsar=1,format=yuv420p,trim=end_frame={frames},setpts=PTS-STARTPTS,"
            f"tpad=stop_mode=clone:stop={frames}[v{i}]"  # a clip a frame short is held, not shortened
        )
        graph.append(f"[v{i}]trim=end_frame={frames},setpts=PTS-STARTPTS[c{i}]")
    graph.append(xfade_graph([f"c{i}" for i in range(len(paths))], transitions, plan))
    inputs = [arg for path in paths for arg in ("-i", str(path))]
    maps = ["-map", "[joined]"]
    if audio:
        for i, (info, frames) in enumerate(zip(infos, shot_frames, strict=True)):
            seconds = frames / fps
            head = f"[{i}:a:0]" if info.has_audio else "anullsrc=r=48000:cl=stereo,"  # silence fills a mute clip
            graph.append(
                f"{head}aresample=48000,aformat=channel_layouts=stereo,apad,atrim=duration={seconds:.6f},"
                f"asetpts=PTS-STARTPTS[s{i}]"
            )
        graph.append(_audio_graph([f"s{i}" for i in range(len(paths))], plan))
        maps += ["-map", "[joinedaudio]", "-c:a", "aac", "-b:a", "160k"]
    target = Path(target)
    partial = target.with_name(f".{target.stem}.partial{target.suffix or '.mp4'}")
    try:
        run_ffmpeg([
            *inputs, "-filter_complex", ";".join(graph), *maps, "-frames:v", str(plan.total_frames),
            "-c:v", "libx264", "-preset", x264_preset, "-crf", str(crf), "-pix_fmt", "yuv420p",
            "-r", f"{fps:g}", "-movflags", "+faststart", "-f", "mp4", str(partial),
        ])  # fmt: skip
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    logger.info("joined clips", extra={"clips": len(paths), "frames": plan.total_frames})
    return plan


def join_clips(clips: list[Clip], transitions: list[Transition], *, fps: float | None = None) -> Clip:
    """Join in-memory Clips (same size and rate). Only the frames inside transitions go through
    ffmpeg's ``xfade`` (one run for all of them); the rest of each shot is copied as it is, so the
    cost is the transitions', not the whole video's."""
    if not clips:
        raise InputError("need at least one clip to join")
    size = clips[0].size
    for index, clip in enumerate(clips):
        if clip.size != size:
            raise InputError(f"clip {index} is {clip.size[0]}x{clip.size[1]}; every clip must be {size[0]}x{size[1]}")
    rate = fps or clips[0].fps
    if any(abs(clip.fps - rate) > 1e-6 for clip in clips):
        raise InputError(f"every clip must be at {rate:g} fps to join in memory; got {[c.fps for c in clips]}")
    plan = plan_timeline([clip.num_frames for clip in clips], transitions, rate)
    blends = _blend_windows(clips, transitions, plan, rate)
    parts = []
    for index, clip in enumerate(clips):
        head = plan.transition_frames[index - 1] if index > 0 else 0
        tail = plan.transition_frames[index] if index < len(transitions) else 0
        if index > 0 and head:
            parts.append(blends[index - 1])
        parts.append(clip.frames[head : clip.num_frames - tail])
    frames = np.concatenate(parts)
    kinds = [transition.kind for transition in transitions]
    return Clip(frames=frames, fps=rate, meta={"shots": len(clips), "transitions": kinds, "starts": plan.starts})


def _blend_windows(
    clips: list[Clip], transitions: list[Transition], plan: TimelinePlan, rate: float
) -> dict[int, np.ndarray]:
    """The frames of every transition, by ffmpeg ``xfade``: shot k's last t frames into shot k+1's first t."""
    windows = [(k, t) for k, t in enumerate(plan.transition_frames) if t]
    if not windows:
        return {}
    width, height = clips[0].size
    pieces, graph, starts = [], [], 0
    streams = 2 * len(windows)
    graph.append(
        f"[0:v]split={streams}" + "".join(f"[w{i}]" for i in range(streams)) if streams > 1 else "[0:v]null[w0]"
    )
    for n, (k, t) in enumerate(windows):
        pieces += [clips[k].frames[-t:], clips[k + 1].frames[:t]]
        for side in (0, 1):
            graph.append(
                f"[w{2 * n + side}]trim=start_frame={starts}:end_frame={starts + t},setpts=PTS-STARTPTS[p{n}_{side}]"
            )
            starts += t
        graph.append(
            f"[p{n}_0][p{n}_1]xfade=transition={XFADE_NAMES[transitions[k].kind]}:duration={t / rate:.6f}:offset=0[b{n}]"
        )
    graph.append("".join(f"[b{n}]" for n in range(len(windows))) + f"concat=n={len(windows)}:v=1:a=0[blended]")
    total = sum(t for _, t in windows)
    args = [
        "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{width}x{height}", "-r", f"{rate:g}", "-i", "pipe:0",
        "-filter_complex", ";".join(graph), "-map", "[blended]", "-frames:v", str(total),
        "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1",
    ]  # fmt: skip
    data = ffmpeg_output(args, stdin=np.concatenate(pieces).tobytes())
    frame_bytes = width * height * 3
    if len(data) != total * frame_bytes:
        raise InputError(f"the transitions gave {len(data) // frame_bytes} frames, expected {total}")
    blended = np.frombuffer(data, np.uint8).reshape(total, height, width, 3)
    result, cursor = {}, 0
    for k, t in windows:
        result[k] = blended[cursor : cursor + t]
        cursor += t
    return result
