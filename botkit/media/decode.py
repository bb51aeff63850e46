"""Decodes a probed upload into the working format: constant frame rate, upright (rotation
applied), 8-bit, transparency flattened onto a background; as RGB frames for a shot, or as a
working H.264 file plus a WAV of its audio for the library.

ffmpeg is called with argument lists only; its own autorotation turns the picture upright, and
every filter chain starts from the displayed (rotated) size that ``check_video`` reported.
"""

from __future__ import annotations

import logging
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from botkit.errors import InputError, PostError
from botkit.media.probe import MediaInfo
from botkit.post.ffmpeg import ffmpeg_exe, run_ffmpeg

logger = logging.getLogger(__name__)

DECODE_TIMEOUT_S = 900.0
STANDARD_RATES = (23.976, 24.0, 25.0, 29.97, 30.0, 48.0, 50.0, 59.94, 60.0)


def working_fps(info: MediaInfo) -> float:
    """A constant rate for the upload: the rate of most of its frames (a variable-rate phone clip
    keeps its motion), snapped to the nearest standard rate within 3 %."""
    rate = info.nominal_fps if info.variable_frame_rate else info.fps
    nearest = min(STANDARD_RATES, key=lambda standard: abs(standard - rate))
    return nearest if abs(nearest - rate) <= 0.03 * nearest else round(rate, 3)


def _flatten(info: MediaInfo, background: str) -> str:
    """The graph head from input 0: transparent pixels put over ``background`` when there are any."""
    if not info.alpha:
        return "[0:v]"
    # the background is painted on a copy of each frame, so both overlay inputs share timestamps
    # (a separate colour source would set the output frame rate, not the video)
    return (
        f"[0:v]format=rgba,split=2[flatbg][flatfg];[flatbg]drawbox=c={background}@1:replace=1:t=fill[flatfill];"
        "[flatfill][flatfg]overlay=format=auto"
    )


def working_graph(info: MediaInfo, chain: str, *, background: str = "white") -> str:
    """A ``-filter_complex`` graph from input 0 to ``[out]``: flatten, then ``chain``."""
    head = _flatten(info, background)
    if head == "[0:v]":
        return f"[0:v]{chain}[out]" if chain else "[0:v]null[out]"
    return f"{head},{chain}[out]" if chain else f"{head}[out]"


@dataclass(frozen=True)
class FrameSize:
    width: int
    height: int


def _seek(start_s: float, duration_s: float | None) -> list[str]:
    args = ["-ss", f"{start_s:.6f}"] if start_s > 0 else []
    return [*args, *(["-t", f"{duration_s:.6f}"] if duration_s is not None else [])]


def iter_frames(
    info: MediaInfo, chain: str, size: FrameSize, *, start_s: float = 0.0, duration_s: float | None = None,
    max_frames: int | None = None, background: str = "white",
) -> Iterator[np.ndarray]:  # fmt: skip
    """RGB frames (uint8 ``[H, W, 3]``) of ``info`` from ``start_s`` for ``duration_s`` (source
    seconds), through ``chain`` (a filter chain that must end at ``size``), one at a time."""
    graph = working_graph(info, chain, background=background)
    command = [
        ffmpeg_exe(), "-hide_banner", "-nostdin", "-v", "error",
        *_seek(start_s, duration_s), "-i", str(info.path),
        "-filter_complex", f"{graph};[out]format=rgb24[rgb]", "-map", "[rgb]",
        *(["-frames:v", str(max_frames)] if max_frames else []),
        "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1",
    ]  # fmt: skip
    frame_bytes = size.width * size.height * 3
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as process:
        assert process.stdout is not None and process.stderr is not None
        try:
            while chunk := process.stdout.read(frame_bytes):
                if len(chunk) < frame_bytes:
                    break
                yield np.frombuffer(chunk, np.uint8).reshape(size.height, size.width, 3)
        finally:
            process.stdout.close()
            stderr = process.stderr.read().decode("utf-8", "replace")
            code = process.wait(timeout=DECODE_TIMEOUT_S)
    if code not in (0, None) and code > 0:
        tail = "; ".join(stderr.strip().splitlines()[-3:])
        raise PostError(f"decoding {info.path.name} failed (exit {code}): {tail}")


def read_frames(info: MediaInfo, chain: str, size: FrameSize, **kwargs: object) -> np.ndarray:
    """All frames of ``iter_frames`` in one array ``[T, H, W, 3]``."""
    frames = list(iter_frames(info, chain, size, **kwargs))  # type: ignore[arg-type]
    if not frames:
        raise InputError(f"video {info.path.name!r} gave no frames in the requested range")
    return np.stack(frames)


class WorkingOptions(BaseModel):
    """How an upload is normalised for storage."""

    model_config = ConfigDict(extra="forbid")

    max_side: int = Field(default=1920, ge=16, le=4096, description="longest side of the working copy, px")
    fps: float | None = Field(default=None, gt=0, le=120, description="None: the upload's average, snapped")
    keep_audio: bool = True
    background: str = Field(default="white", pattern=r"^(#[0-9a-fA-F]{6}|[a-z]+)$")
    crf: int = Field(default=16, ge=0, le=51)


class WorkingVideo(BaseModel):
    """The normalised copy: H.264 yuv420p at a constant rate, upright; audio as 48 kHz WAV."""

    video: Path
    audio: Path | None
    width: int
    height: int
    fps: float
    duration_s: float
    source: MediaInfo


def fit_size(width: int, height: int, max_side: int) -> FrameSize:
    """Even size within ``max_side``, aspect kept, never enlarged."""
    scale = min(1.0, max_side / max(width, height))
    return FrameSize(max(2, round(width * scale / 2) * 2), max(2, round(height * scale / 2) * 2))


def normalise_video(
    info: MediaInfo, out_dir: Path, *, stem: str = "working", options: WorkingOptions | None = None
) -> WorkingVideo:
    """Write ``<stem>.mp4`` (and ``<stem>.wav`` when audio is kept) into ``out_dir``. Written to
    temporary names and renamed at the end, so a failure leaves nothing behind."""
    options = options or WorkingOptions()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    fps = options.fps or working_fps(info)
    size = fit_size(info.width, info.height, options.max_side)
    chain = f"fps={fps:g},scale={size.width}:{size.height}:flags=lanczos,setsar=1,format=yuv420p"
    graph = working_graph(info, chain, background=options.background)
    video, audio = out_dir / f"{stem}.mp4", out_dir / f"{stem}.wav"
    partial_video, partial_audio = out_dir / f".{stem}.partial.mp4", out_dir / f".{stem}.partial.wav"
    keep_audio = options.keep_audio and info.has_audio
    outputs = [
        "-map", "[out]", "-c:v", "libx264", "-preset", "veryfast", "-crf", str(options.crf),
        "-pix_fmt", "yuv420p", "-r", f"{fps:g}", "-movflags", "+faststart", "-an", str(partial_video),
    ]  # fmt: skip
    if keep_audio:
        outputs += ["-map", "0:a:0", "-vn", "-c:a", "pcm_s16le", "-ar", "48000", str(partial_audio)]
    try:
        run_ffmpeg(["-i", str(info.path), "-filter_complex", graph, *outputs], timeout=DECODE_TIMEOUT_S)
        partial_video.replace(video)
        if keep_audio:
            partial_audio.replace(audio)
    finally:
        partial_video.unlink(missing_ok=True)
        partial_audio.unlink(missing_ok=True)
    frames = max(1, round(info.duration_s * fps))
    logger.info("normalised video", extra={"video": info.path.name, "notes": info.notes})
    return WorkingVideo(
        video=video, audio=audio if keep_audio else None, width=size.width, height=size.height, fps=fps,
        duration_s=frames / fps, source=info,
    )  # fmt: skip
