"""Reframe and encode one timeline for several platforms in a single ffmpeg run.

The source is decoded once and ``split`` per platform; each branch is reframed (centre crop, or
blur-pad: the whole picture fitted over a blurred fill), set to square pixels, converted to the
platform's frame rate and encoded H.264 yuv420p with ``+faststart``; a poster PNG is taken from the
middle of each branch in the same run.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from botkit.domain import Clip
from botkit.post.ffmpeg import run_ffmpeg
from botkit.post.presets import PlatformPreset

ReframeMode = Literal["auto", "crop", "blur-pad"]
CROP_TOLERANCE = 1.3  # "auto" crops when the aspect ratios differ by at most this factor


@dataclass(frozen=True)
class EncodedVideo:
    platform: str
    video: Path
    poster: Path
    width: int
    height: int
    fps: float
    duration_s: float


def choose_mode(mode: ReframeMode, source: tuple[int, int], preset: PlatformPreset) -> Literal["crop", "blur-pad"]:
    if mode != "auto":
        return mode
    ratio = (source[0] / source[1]) / preset.aspect
    return "crop" if max(ratio, 1 / ratio) <= CROP_TOLERANCE else "blur-pad"


def reframe_filter(mode: Literal["crop", "blur-pad"], width: int, height: int) -> str:
    """Filter chain from the source to a ``width`` x ``height`` frame with square pixels."""
    cover = f"scale={width}:{height}:force_original_aspect_ratio=increase:flags=lanczos,crop={width}:{height}"
    if mode == "crop":
        return f"{cover},setsar=1"
    fit = f"scale={width}:{height}:force_original_aspect_ratio=decrease:flags=lanczos"
    sigma = max(4, min(width, height) // 50)
    return (
        f"split[bgsrc][fgsrc];[bgsrc]{cover},gblur=sigma={sigma}[bg];[fgsrc]{fit}[fg];"
        f"[bg][fg]overlay=(W-w)/2:(H-h)/2,setsar=1"
    )


def encode_platforms(
    timeline: Clip,
    presets: list[PlatformPreset],
    out_dir: Path,
    *,
    mode: ReframeMode = "auto",
    stem: str = "video",
    crf: int = 20,
    x264_preset: str = "veryfast",
) -> list[EncodedVideo]:
    duration = timeline.duration_s
    height, width = timeline.frames.shape[1:3]
    branches = len(presets)
    graph = [
        f"[0:v]split={branches}" + "".join(f"[in{i}]" for i in range(branches)) if branches > 1 else "[0:v]null[in0]"
    ]
    outputs: list[str] = []
    results = []
    for i, preset in enumerate(presets):
        frames = max(1, round(duration * preset.fps))
        reframe = reframe_filter(choose_mode(mode, (width, height), preset), preset.width, preset.height)
        # name each branch's internal labels apart
        reframe = reframe.replace("[bgsrc]", f"[bgsrc{i}]").replace("[fgsrc]", f"[fgsrc{i}]")
        reframe = reframe.replace("[bg]", f"[bg{i}]").replace("[fg]", f"[fg{i}]")
        graph.append(
            f"[in{i}]fps={preset.fps},tpad=stop_mode=clone:stop_duration=1,{reframe},format=yuv420p,split[v{i}][p{i}]"
        )
        graph.append(f"[p{i}]select='eq(n\\,{frames // 2})'[poster{i}]")
        video = out_dir / f"{stem}-{preset.id}.mp4"
        poster = out_dir / f"{stem}-{preset.id}.png"
        outputs += [
            "-map", f"[v{i}]", "-frames:v", str(frames), "-c:v", "libx264", "-preset", x264_preset,
            "-crf", str(crf), "-pix_fmt", "yuv420p", "-r", str(preset.fps), "-movflags", "+faststart",
            "-an", str(video),
            "-map", f"[poster{i}]", "-frames:v", "1", "-update", "1", str(poster),
        ]  # fmt: skip
        results.append(
            EncodedVideo(preset.id, video, poster, preset.width, preset.height, preset.fps, frames / preset.fps)
        )
    source = [
        "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{width}x{height}", "-r", f"{timeline.fps:g}", "-i", "pipe:0",
    ]  # fmt: skip
    run_ffmpeg([*source, "-filter_complex", ";".join(graph), *outputs], stdin=timeline.frames.tobytes())
    return results
