"""Footage shots: a clip the user gave, cut at in/out points, played at a speed, reframed to the
shot's aspect (subject-following crop, centre crop, or blur-pad) at the target size and rate.

The subject-following crop is ``botkit.post.follow``'s: analysed on a small decode at 8 fps, then
applied to a second decode one frame at a time with float offsets (no whole-pixel judder), so
only the output frames are ever held in memory.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Literal

import cv2
import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

from botkit.domain import Clip
from botkit.errors import InputError
from botkit.media.decode import FrameSize, iter_frames, read_frames
from botkit.media.probe import MediaInfo
from botkit.post.ffmpeg import run_ffmpeg
from botkit.post.follow import ANALYSIS_FPS, ANALYSIS_WIDTH, subject_path
from botkit.post.reframe import ConcreteMode, reframe_filter

logger = logging.getLogger(__name__)

Reframe = Literal["follow", "crop", "pad"]
MIN_SPEED, MAX_SPEED = 0.25, 4.0


class FootageShot(BaseModel):
    """Which part of an upload a shot shows, how fast, and how it is fitted to the frame."""

    model_config = ConfigDict(extra="forbid")

    source: Path
    in_s: float = Field(default=0.0, ge=0)
    out_s: float | None = Field(default=None, gt=0, description="None: to the end of the clip")
    speed: float = Field(default=1.0, ge=MIN_SPEED, le=MAX_SPEED, description="2 = twice as fast")
    reframe: Reframe = "follow"
    keep_audio: bool = False

    @model_validator(mode="after")
    def _in_before_out(self) -> FootageShot:
        if self.out_s is not None and self.out_s <= self.in_s:
            raise ValueError(f"out point {self.out_s:g} s must come after the in point {self.in_s:g} s")
        return self


def available_s(shot: FootageShot, info: MediaInfo) -> float:
    """Seconds of output the shot's range gives at its speed (what a planner may ask for)."""
    end = info.duration_s if shot.out_s is None else min(shot.out_s, info.duration_s)
    return max(0.0, end - shot.in_s) / shot.speed


def _source_range(shot: FootageShot, info: MediaInfo, duration_s: float | None) -> tuple[float, float]:
    """(output seconds, source seconds) of the shot; ``InputError`` when the clip is too short."""
    name = info.path.name
    if shot.in_s >= info.duration_s:
        raise InputError(f"in point {shot.in_s:g} s is past the end of {name!r} ({info.duration_s:.2f} s long)")
    if shot.out_s is not None and shot.out_s > info.duration_s + 1e-3:
        raise InputError(f"out point {shot.out_s:g} s is past the end of {name!r} ({info.duration_s:.2f} s long)")
    have = available_s(shot, info)
    want = have if duration_s is None else duration_s
    if want > have + 1e-6:
        raise InputError(
            f"{name!r} from {shot.in_s:g} s gives {have:.2f} s at speed {shot.speed:g}, but the shot lasts "
            f"{want:.2f} s; use a slower speed (at least {shot.speed * have / want:.2f}x), an earlier in point or a shorter shot"
        )
    return want, want * shot.speed


def _timing_chain(speed: float, fps: float) -> str:
    return f"setpts=(PTS-STARTPTS)/{speed:.6f},fps={fps:g}"


def render_footage(
    shot: FootageShot, info: MediaInfo, *, width: int, height: int, fps: float, duration_s: float | None = None,
    background: str = "white",
) -> Clip:  # fmt: skip
    """The shot as a Clip: ``round(duration * fps)`` frames of ``width`` x ``height``."""
    started = time.perf_counter()
    if width < 2 or height < 2 or width % 2 or height % 2 or fps <= 0:
        raise InputError(f"footage needs an even size of at least 2x2 at fps > 0, got {width}x{height} at {fps}")
    if Path(shot.source) != info.path:
        raise InputError(f"the shot's source {shot.source} is not the probed file {info.path}")
    out_s, source_s = _source_range(shot, info, duration_s)
    count = max(1, round(out_s * fps))
    timing = _timing_chain(shot.speed, fps)
    seek = {"start_s": shot.in_s, "duration_s": source_s + 1 / fps, "background": background}
    meta: dict[str, object] = {}
    if shot.reframe == "follow":
        frames, meta = _follow(info, timing, width, height, fps, count, seek)
    else:
        mode: ConcreteMode = "crop" if shot.reframe == "crop" else "blur-pad"
        chain = f"{timing},{reframe_filter(mode, width, height, label='footage')}"
        frames = read_frames(info, chain, FrameSize(width, height), max_frames=count, **seek)
    frames = _exact_count(frames, count)
    meta.update({
        "kind": "footage", "source": str(info.path), "in_s": shot.in_s, "out_s": shot.in_s + source_s,
        "speed": shot.speed, "reframe": shot.reframe, "width": width, "height": height, "num_frames": count,
        "seconds": round(time.perf_counter() - started, 3),
    })  # fmt: skip
    logger.debug("footage rendered", extra={"source": info.path.name, "frames": count})
    return Clip(frames=frames, fps=float(fps), meta=meta)


def _exact_count(frames: np.ndarray, count: int) -> np.ndarray:
    """Exactly ``count`` frames: the decoder may stop one short at the very end of a file."""
    if len(frames) >= count:
        return frames[:count]
    return np.concatenate([frames, np.repeat(frames[-1:], count - len(frames), axis=0)])


def _follow(
    info: MediaInfo, timing: str, width: int, height: int, fps: float, count: int, seek: dict[str, object]
) -> tuple[np.ndarray, dict[str, object]]:
    aspect = width / height
    small_w = min(ANALYSIS_WIDTH, info.width) // 2 * 2
    small_h = max(2, round(info.height * small_w / info.width / 2) * 2)
    analysis_chain = timing.replace(f"fps={fps:g}", f"fps={ANALYSIS_FPS:g}")
    small = read_frames(info, f"{analysis_chain},scale={small_w}:{small_h}:flags=area,setsar=1",
                        FrameSize(small_w, small_h), **seek)  # fmt: skip
    path = subject_path(small, ANALYSIS_FPS, aspect)
    # the cover size: the source scaled so the crop window is exactly the output size
    scale = max(width / info.width, height / info.height)
    cover_w, cover_h = max(width, round(info.width * scale)), max(height, round(info.height * scale))
    along = cover_w if path.axis == "x" else cover_h
    span = along - (width if path.axis == "x" else height)
    small_along = small_w if path.axis == "x" else small_h
    small_window = path.crop_width if path.axis == "x" else path.crop_height
    times = np.arange(count) / fps
    # window centre as a fraction of the frame, carried from the analysis size to the cover size
    centres = (path.offsets(times) + small_window / 2) / small_along
    offsets = np.clip(centres * along - (along - span) / 2, 0, span)
    # A smaller source is decoded as it is and enlarged by the same resample that crops it (one
    # interpolation, a third of the bytes through the pipe); a larger one is shrunk by ffmpeg first.
    if scale > 1:
        decode_w, decode_h = info.width, info.height
        chain = f"{timing},setsar=1"
    else:
        decode_w, decode_h = cover_w, cover_h
        chain = f"{timing},scale={cover_w}:{cover_h}:flags=lanczos,setsar=1"
    zoom_x, zoom_y = cover_w / decode_w, cover_h / decode_h
    out = np.empty((count, height, width, 3), np.uint8)
    filled = 0
    frames = iter_frames(info, chain, FrameSize(decode_w, decode_h), max_frames=count, **seek)  # type: ignore[arg-type]
    for index, frame in enumerate(frames):
        dx, dy = (offsets[index], 0.0) if path.axis == "x" else (0.0, offsets[index])
        # cover pixel = zoom * (decoded pixel + 0.5) - 0.5; output pixel = cover pixel - offset
        affine = np.array([[zoom_x, 0.0, 0.5 * zoom_x - 0.5 - dx], [0.0, zoom_y, 0.5 * zoom_y - 0.5 - dy]])
        out[index] = cv2.warpAffine(frame, affine, (width, height), flags=cv2.INTER_CUBIC,
                                    borderMode=cv2.BORDER_REPLICATE)  # fmt: skip
        filled = index + 1
    if filled == 0:
        raise InputError(f"video {info.path.name!r} gave no frames in the requested range")
    return out[:filled], {"camera": path.modes(), "axis": path.axis}


def _atempo(speed: float) -> str:
    """``atempo`` stages for ``speed`` (each stage must be within 0.5..2)."""
    stages, rest = [], speed
    while rest > 2.0:
        stages.append(2.0)
        rest /= 2.0
    while rest < 0.5:
        stages.append(0.5)
        rest /= 0.5
    stages.append(rest)
    return ",".join(f"atempo={stage:.6f}" for stage in stages)


def footage_audio(shot: FootageShot, info: MediaInfo, target: Path, *, duration_s: float | None = None) -> Path:
    """The shot's own sound as a 48 kHz stereo WAV of exactly the shot's length (pitch kept at other speeds)."""
    if not info.has_audio:
        raise InputError(f"video {info.path.name!r} has no audio track to keep")
    out_s, source_s = _source_range(shot, info, duration_s)
    target = Path(target)
    partial = target.with_name(f".{target.stem}.partial.wav")
    chain = f"{_atempo(shot.speed)},apad,atrim=duration={out_s:.6f}"
    try:
        run_ffmpeg([
            "-ss", f"{shot.in_s:.6f}", "-t", f"{source_s:.6f}", "-i", str(info.path), "-map", "0:a:0",
            "-af", chain, "-ar", "48000", "-ac", "2", "-c:a", "pcm_s16le", str(partial),
        ])  # fmt: skip
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return target
