"""Reads back what an encoded file really is: size, duration, codec, pixel format, frame count,
and whether the MP4 index (moov) comes before the media data (faststart)."""

from __future__ import annotations

import re
import struct
from pathlib import Path

from pydantic import BaseModel

from botkit.errors import PostError
from botkit.post.ffmpeg import run_ffmpeg


class VideoInfo(BaseModel):
    width: int
    height: int
    fps: float
    duration_s: float
    frames: int
    codec: str
    pix_fmt: str
    sar: str
    faststart: bool


def mp4_atoms(path: Path) -> list[str]:
    """Top-level MP4 box names in file order."""
    names = []
    with path.open("rb") as handle:
        while header := handle.read(8):
            if len(header) < 8:
                break
            size, name = struct.unpack(">I4s", header)
            if size == 1:
                size = struct.unpack(">Q", handle.read(8))[0] - 8
            elif size == 0:
                names.append(name.decode("latin-1"))
                break
            names.append(name.decode("latin-1"))
            handle.seek(size - 8, 1)
    return names


def probe(path: Path) -> VideoInfo:
    stderr = run_ffmpeg(["-i", str(path), "-map", "0:v:0", "-c", "copy", "-f", "null", "-"])
    stream = re.search(
        r"Stream #0:\d+.*?: Video: (\w+).*?, (\w+)(?:\([^)]*\))?, (\d+)x(\d+)(?: \[SAR (\d+:\d+))?", stderr
    )
    duration = re.search(r"Duration: (\d+):(\d+):(\d+\.\d+)", stderr)
    fps = re.search(r"([\d.]+) fps", stderr)
    frames = re.findall(r"frame=\s*(\d+)", stderr)
    if not (stream and duration and fps and frames):
        raise PostError(f"could not read video stream info from {path.name}")
    hours, minutes, seconds = duration.groups()
    atoms = mp4_atoms(path)
    return VideoInfo(
        codec=stream.group(1),
        pix_fmt=stream.group(2),
        width=int(stream.group(3)),
        height=int(stream.group(4)),
        sar=stream.group(5) or "1:1",
        fps=float(fps.group(1)),
        duration_s=int(hours) * 3600 + int(minutes) * 60 + float(seconds),
        frames=int(frames[-1]),
        faststart="moov" in atoms and "mdat" in atoms and atoms.index("moov") < atoms.index("mdat"),
    )
