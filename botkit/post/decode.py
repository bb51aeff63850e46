"""Decodes a video file back into frames (optionally smaller), for quality checks and reports."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from botkit.domain import Clip
from botkit.errors import InputError
from botkit.post.ffmpeg import ffmpeg_output
from botkit.post.probe import probe


def read_frames(path: Path, *, width: int | None = None, max_frames: int | None = None) -> Clip:
    """All frames of ``path`` as RGB, scaled to ``width`` (even height, aspect kept) when given."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"video {path} does not exist")
    info = probe(path)
    out_w, out_h = info.width, info.height
    args = ["-i", str(path), "-map", "0:v:0"]
    if width is not None and width < info.width:
        out_w = width - width % 2
        out_h = max(2, round(info.height * out_w / info.width / 2) * 2)
        args += ["-vf", f"scale={out_w}:{out_h}:flags=area"]
    if max_frames is not None:
        args += ["-frames:v", str(max_frames)]
    data = ffmpeg_output([*args, "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"])
    frame_bytes = out_w * out_h * 3
    count = len(data) // frame_bytes
    frames = np.frombuffer(data[: count * frame_bytes], np.uint8).reshape(count, out_h, out_w, 3)
    return Clip(frames=frames.copy(), fps=info.fps, meta={"source": str(path)})
