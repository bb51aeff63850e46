"""The user's own media as shot sources: footage (their clip cut, timed and reframed), stills (a
photo animated by camera words), and generated image shots guarded by *input kept* (a model that
drifts from the photo twice is replaced by a still, and the reply says so).

Shots of a plan that mixes media and generated clips share one working canvas: the first
platform's aspect at up to ``MEDIA_SHORT_SIDE`` px, so a photo or a phone clip keeps its detail
and every clip is fitted to it by a crop (never squashed) before assembly.
"""

from __future__ import annotations

import logging
import math
import wave
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from botkit.domain import Clip, ProgressFn, Shot, ShotKind, ShotPlan, ShotRequest
from botkit.errors import InputError
from botkit.media.footage import FootageShot, footage_audio, render_footage
from botkit.media.kept import input_kept
from botkit.media.probe import check_video
from botkit.media.stills import fit_picture, render_still
from botkit.media.transitions import Transition, join_clips
from botkit.post.assemble import retime
from botkit.post.presets import preset_for
from botkit.quality.retry import retry_seed
from botkit.render.sources import EngineSource, ShotClip

logger = logging.getLogger(__name__)

MEDIA_FPS = 24
MEDIA_SHORT_SIDE = 720
SOUND_RATE = 48_000
MAX_CANVAS_BYTES = 1_500_000_000  # frames x width x height x 3 of the whole timeline, held in memory


@dataclass(frozen=True)
class Canvas:
    width: int
    height: int
    fps: int = MEDIA_FPS


def media_canvas(plan: ShotPlan, short_side: int = MEDIA_SHORT_SIDE) -> Canvas:
    """The working frame of a plan with media shots: the first platform's aspect, the short side
    ``short_side`` (less when the whole timeline would not fit ``MAX_CANVAS_BYTES``), even sizes."""
    preset = preset_for(plan.platforms[0])
    aspect = preset.width / preset.height
    frames = max(1, math.ceil(plan.total_duration_s * MEDIA_FPS))
    side = short_side
    while side > 128:
        width, height = (side * aspect, side) if aspect >= 1 else (side, side / aspect)
        if frames * width * height * 3 <= MAX_CANVAS_BYTES:
            break
        side -= 16
    width, height = (side * aspect, side) if aspect >= 1 else (side, side / aspect)
    return Canvas(max(2, round(width / 2) * 2), max(2, round(height / 2) * 2))


def fit_clip(clip: Clip, width: int, height: int) -> Clip:
    """``clip`` covering ``width`` x ``height``: scaled and centre-cropped, its aspect kept."""
    if clip.size == (width, height):
        return clip
    frames = np.stack([fit_picture(frame, width, height, "crop") for frame in clip.frames])
    return Clip(frames=frames, fps=clip.fps, meta={**clip.meta, "fitted": f"{clip.size[0]}x{clip.size[1]} crop"})


class StillSource:
    """A photo or panel animated by the shot's camera words at the canvas size (``media.stills``)."""

    name = "still"

    def __init__(self, canvas: Canvas, fit: str = "crop") -> None:
        self.native_fps, self.native_size = canvas.fps, (canvas.width, canvas.height)
        self.fit = fit
        self.revision = f"stills/1/{fit}"

    def clip(self, request: ShotRequest, on_progress: ProgressFn, *, shot: int) -> ShotClip:
        if request.image is None:
            raise InputError(f"shot {shot + 1} is a still but has no image")
        made = render_still(request.image, camera=request.camera, num_frames=request.num_frames,
                            width=request.width, height=request.height, fps=request.fps, fit=self.fit)  # type: ignore[arg-type]  # fmt: skip
        on_progress(1, 1)
        return ShotClip(made)


class FootageSource:
    """The user's clip for one shot: probed again (the file may have been replaced), cut at the
    shot's in point, played at its speed, reframed to the canvas (``media.footage``)."""

    name = "footage"

    def __init__(self, shot: Shot, canvas: Canvas) -> None:
        self.shot = shot
        self.native_fps, self.native_size = canvas.fps, (canvas.width, canvas.height)
        self.revision = f"footage/1/{shot.in_s:g}/{shot.speed:g}/{shot.reframe}"

    def clip(self, request: ShotRequest, on_progress: ProgressFn, *, shot: int) -> ShotClip:
        if request.image is None:
            raise InputError(f"shot {shot + 1} is footage but has no clip")
        info = check_video(request.image)
        footage = FootageShot(source=request.image, in_s=self.shot.in_s, speed=self.shot.speed,
                              reframe=self.shot.reframe, keep_audio=self.shot.keep_audio)  # fmt: skip
        made = render_footage(footage, info, width=request.width, height=request.height, fps=request.fps,
                              duration_s=self.shot.duration_s)  # fmt: skip
        made.meta["notes"] = info.notes
        on_progress(1, 1)
        return ShotClip(made)


class KeptSource:
    """A generated image shot on a model that can take real photos: rendered (with the usual
    quality retry), then checked by *input kept* against the photo fitted as the engine fits it
    (cover and crop); a drift is rendered once more with a new seed, and a second drift becomes a
    still of the photo, with a note for the reply."""

    def __init__(self, inner: EngineSource) -> None:
        self.inner = inner
        self.name, self.native_fps, self.native_size = inner.name, inner.native_fps, inner.native_size
        self.revision = f"{inner.revision}+kept"

    def clip(self, request: ShotRequest, on_progress: ProgressFn, *, shot: int) -> ShotClip:
        if request.image is None:
            return self.inner.clip(request, on_progress, shot=shot)
        made = self.inner.clip(request, on_progress, shot=shot)
        first = input_kept(made.clip, request.image, fit="crop")
        if first.kept:
            made.clip.meta["input_kept"] = first.score
            return made
        logger.info("shot drifts from its image; rendering again", extra={"shot": shot, "score": first.score})
        again = self.inner.clip(request.model_copy(update={"seed": retry_seed(request.seed)}), on_progress, shot=shot)
        second = input_kept(again.clip, request.image, fit="crop")
        if second.kept:
            again.clip.meta["input_kept"] = second.score
            again.attempts += made.attempts
            return again
        still = render_still(request.image, camera=request.camera, num_frames=made.clip.num_frames,
                             width=made.clip.size[0], height=made.clip.size[1], fps=made.clip.fps)  # fmt: skip
        still.meta.update({
            "input_kept": second.score, "fallback": "still", "model": self.inner.name,
            "fallback_note": f"{self.inner.name} drifted from the photo twice ({second.reason()}), so it is shown "
            "as a still with the camera move instead",
        })  # fmt: skip
        return ShotClip(still, [], made.attempts + again.attempts, made.quality + again.quality)


def join_shots(clips: list[Clip], plan: ShotPlan) -> tuple[Clip | None, list[str]]:
    """The plan's shots joined by their transitions (``Shot.transition``, into each shot), or
    ``None`` when every join is a cut (post's own assembly does those). Each transition of ``t``
    frames is centred on its cut: the shot before is lengthened by ``t - t // 2`` frames, the one
    after by ``t // 2``, and ffmpeg's xfade blends the overlap, so every cut, caption and the
    total stay where the plan puts them, to the frame. A transition longer than half of either
    shot is shortened to that, with a warning."""
    if all(shot.transition == "cut" for shot in plan.shots[1:]):
        return None, []
    extended, lengths, warnings = extend_shots(clips, plan)
    fps = extended[0].fps
    counts = [max(1, round(shot.duration_s * fps)) for shot in plan.shots]
    transitions = [
        Transition(kind=shot.transition if frames else "cut", duration_s=frames / fps)
        for shot, frames in zip(plan.shots[1:], lengths, strict=True)
    ]
    joined = join_clips(extended, transitions, fps=fps)
    if joined.num_frames != sum(counts):
        raise InputError(f"the joined shots have {joined.num_frames} frames; the plan has {sum(counts)}")
    joined.meta.update({"transition": "xfade", "transition_frames": lengths})
    return joined, warnings


def extend_shots(clips: list[Clip], plan: ShotPlan) -> tuple[list[Clip], list[int], list[str]]:
    """Each shot at the timeline's rate and size, lengthened by its share of the transitions
    around it (see ``join_shots``); the transitions' frames; warnings for shortened ones."""
    fps = max(clip.fps for clip in clips)
    width, height = clips[0].size
    counts = [max(1, round(shot.duration_s * fps)) for shot in plan.shots]
    lengths, warnings = [], []
    for k, shot in enumerate(plan.shots[1:], start=1):
        wanted = Transition(kind=shot.transition, duration_s=shot.transition_s).frames(fps)
        most = min(counts[k - 1], counts[k]) // 2
        if wanted > most:
            warnings.append(
                f"the {shot.transition} into shot {k + 1} was shortened to {most / fps:.2f} s "
                f"(half of the shorter shot; {wanted / fps:.2f} s was asked)"
            )
        lengths.append(min(wanted, most))
    extended = []
    for index, (clip, count) in enumerate(zip(clips, counts, strict=True)):
        before = lengths[index - 1] // 2 if index > 0 else 0
        after = lengths[index] - lengths[index] // 2 if index < len(lengths) else 0
        frames = retime(fit_clip(clip, width, height), (count + before + after) / fps, fps)
        extended.append(Clip(frames=np.ascontiguousarray(frames), fps=fps, meta={"before": before, "after": after}))
    return extended, lengths, warnings


def footage_sound(plan: ShotPlan, resolve: Callable[[str], Path], staging: Path, fps: float) -> Path | None:
    """The sound of the footage shots whose ``keep_audio`` is set, each at its shot's place on
    the timeline (silence elsewhere), as one 48 kHz stereo WAV in ``staging``; None when no shot
    keeps its sound."""
    keeping = [shot for shot in plan.shots if shot.kind is ShotKind.FOOTAGE and shot.keep_audio and shot.footage]
    if not keeping:
        return None
    counts = [max(1, round(shot.duration_s * fps)) for shot in plan.shots]
    starts = [sum(counts[:i]) / fps for i in range(len(counts))]
    total = np.zeros((round(sum(counts) / fps * SOUND_RATE), 2), np.int32)
    for shot in keeping:
        info = check_video(resolve(shot.footage))  # type: ignore[arg-type]
        if not info.has_audio:
            continue
        footage = FootageShot(source=info.path, in_s=shot.in_s, speed=shot.speed, keep_audio=True)
        part = footage_audio(footage, info, staging / f"sound-{shot.index + 1:02d}.wav", duration_s=shot.duration_s)
        with wave.open(str(part), "rb") as handle:
            samples = np.frombuffer(handle.readframes(handle.getnframes()), np.int16).reshape(-1, 2)
        first = round(starts[shot.index] * SOUND_RATE)
        samples = samples[: max(0, len(total) - first)]
        total[first : first + len(samples)] += samples
        part.unlink(missing_ok=True)
    target = staging / "footage-sound.wav"
    with wave.open(str(target), "wb") as handle:
        handle.setnchannels(2)
        handle.setsampwidth(2)
        handle.setframerate(SOUND_RATE)
        handle.writeframes(np.clip(total, -32768, 32767).astype(np.int16).tobytes())
    return target
