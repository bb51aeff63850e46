"""Reframe, overlay and encode one timeline for several platforms in a single ffmpeg run.

The source is decoded once and ``split`` per platform; each branch is converted to the platform's
frame rate, reframed (centre crop, blur-pad or subject-following crop), set to square pixels, gets
its caption / end-card overlays in their time windows and is encoded H.264 yuv420p with
``+faststart``; a poster PNG is taken from the middle of each branch in the same run. An optional
music file is trimmed to the video, faded in and out and encoded AAC into every output.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from botkit.domain import Clip
from botkit.errors import InputError, PostError
from botkit.post.captions import Overlay
from botkit.post.ffmpeg import run_ffmpeg
from botkit.post.follow import CropPath, crop_window, subject_path
from botkit.post.presets import PlatformPreset
from botkit.post.reframe import CROP_TOLERANCE, ReframeMode, choose_mode, reframe_filter
from botkit.post.x264 import DEFAULT_X264_PRESET, X264Preset

logger = logging.getLogger(__name__)

__all__ = ["CROP_TOLERANCE", "EncodedVideo", "ReframeMode", "check_music", "choose_mode", "encode_platforms"]

MUSIC_FADE_S = 1.0


@dataclass(frozen=True)
class EncodedVideo:
    platform: str
    video: Path
    poster: Path
    width: int
    height: int
    fps: float
    duration_s: float
    mode: str = "crop"


def check_music(path: Path) -> None:
    """Raise ``InputError`` unless ``path`` is a file ffmpeg can decode audio from."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"music file {path} does not exist")
    try:
        run_ffmpeg(["-i", str(path), "-map", "0:a:0", "-t", "0.2", "-f", "null", "-"], timeout=60)
    except PostError as exc:
        raise InputError(f"music file {path.name} has no readable audio track ({exc})") from None


def _music_graph(input_index: int, duration: float, outputs: int) -> str:
    fade = min(MUSIC_FADE_S, duration / 4)
    chain = (
        f"[{input_index}:a]atrim=duration={duration:.6f},asetpts=PTS-STARTPTS,aresample=48000,"
        f"afade=t=in:d={fade:.3f},afade=t=out:st={duration - fade:.6f}:d={fade:.3f},"
        f"apad=whole_dur={duration:.6f}"
    )
    if outputs == 1:
        return f"{chain}[a0]"
    return f"{chain},asplit={outputs}" + "".join(f"[a{i}]" for i in range(outputs))


def encode_platforms(
    timeline: Clip,
    presets: list[PlatformPreset],
    out_dir: Path,
    *,
    mode: ReframeMode = "auto",
    stem: str = "video",
    crf: int = 20,
    x264_preset: X264Preset = DEFAULT_X264_PRESET,
    overlays: Mapping[str, list[Overlay]] | None = None,
    music: Path | None = None,
    shot_starts_s: list[float] | None = None,
    paths: Mapping[str, CropPath] | None = None,
) -> list[EncodedVideo]:
    """Encode ``timeline`` once per preset. ``overlays`` are keyed by preset id; ``shot_starts_s``
    lets the subject-following crop choose a camera per shot; ``paths`` gives precomputed crop paths."""
    if timeline.num_frames == 0:
        raise InputError("the timeline has no frames")
    if not presets:
        raise InputError("no platforms to encode for")
    if music is not None:
        check_music(music)
    out_dir = Path(out_dir)
    overlays = overlays or {}
    duration = timeline.duration_s
    height, width = timeline.frames.shape[1:3]
    branches = len(presets)
    inputs = [
        "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{width}x{height}", "-r", f"{timeline.fps:g}", "-i", "pipe:0",
    ]  # fmt: skip
    next_input = 1
    music_index = None
    if music is not None:
        inputs += ["-i", str(music)]
        music_index, next_input = next_input, next_input + 1
    graph = [
        f"[0:v]split={branches}" + "".join(f"[in{i}]" for i in range(branches)) if branches > 1 else "[0:v]null[in0]"
    ]
    if music_index is not None:
        graph.append(_music_graph(music_index, duration, branches))
    computed: dict[tuple[int, int], CropPath] = {}
    outputs: list[str] = []
    results = []
    for i, preset in enumerate(presets):
        frames = max(1, round(duration * preset.fps))
        concrete = choose_mode(mode, (width, height), preset)
        path = None
        if concrete == "follow":
            path = (paths or {}).get(preset.id)
            if path is None:
                window = crop_window((width, height), preset.aspect)[:2]
                if window not in computed:
                    computed[window] = subject_path(
                        timeline.frames, timeline.fps, preset.aspect, shot_starts_s=shot_starts_s
                    )
                path = computed[window]
            logger.debug("follow camera", extra={"platform": preset.id, "modes": path.modes()})
        reframe = reframe_filter(concrete, preset.width, preset.height, path=path, label=str(i))
        # Reframe at whichever frame rate is lower, so no frame is reframed only to be dropped or
        # duplicated; the 2 cloned frames at the end cover the rounding of the frame-rate change.
        if timeline.fps > preset.fps:
            chain = [f"[in{i}]fps={preset.fps},{reframe},tpad=stop_mode=clone:stop=2[r{i}_0]"]
        else:
            chain = [f"[in{i}]{reframe},fps={preset.fps},tpad=stop_mode=clone:stop=2[r{i}_0]"]
        for k, overlay in enumerate(overlays.get(preset.id, [])):
            inputs += ["-i", str(overlay.image)]
            enable = f"gte(t\\,{overlay.start_s:.6f})*lt(t\\,{overlay.end_s:.6f})"
            chain.append(
                f"[r{i}_{k}][{next_input}:v]overlay=x={overlay.x}:y={overlay.y}:eof_action=repeat:"
                f"enable='{enable}'[r{i}_{k + 1}]"
            )
            next_input += 1
        last = len(overlays.get(preset.id, []))
        chain.append(f"[r{i}_{last}]format=yuv420p,split[v{i}][p{i}]")
        graph += chain
        graph.append(f"[p{i}]select='eq(n\\,{frames // 2})'[poster{i}]")
        video = out_dir / f"{stem}-{preset.id}.mp4"
        poster = out_dir / f"{stem}-{preset.id}.png"
        audio = (
            ["-map", f"[a{i}]", "-c:a", "aac", "-b:a", "128k", "-t", f"{frames / preset.fps:.6f}"] if music else ["-an"]
        )
        outputs += [
            "-map", f"[v{i}]", "-frames:v", str(frames), "-c:v", "libx264", "-preset", x264_preset,
            "-crf", str(crf), "-pix_fmt", "yuv420p", "-r", str(preset.fps), "-movflags", "+faststart",
            *audio, str(video),
            "-map", f"[poster{i}]", "-frames:v", "1", "-update", "1", str(poster),
        ]  # fmt: skip
        results.append(
            EncodedVideo(
                preset.id, video, poster, preset.width, preset.height, preset.fps, frames / preset.fps, concrete
            )
        )
    run_ffmpeg([*inputs, "-filter_complex", ";".join(graph), *outputs], stdin=timeline.frames.tobytes())
    return results
