"""Benchmark: botkit's reframe + encode against one hand-written ffmpeg command doing the same work.

A 10 s 1280x720 24 fps clip (a textured scene with a moving subject) is reframed to 1080x1920 in
each mode (centre crop, blur-pad, subject-following crop) and encoded H.264 (veryfast, crf 20,
yuv420p, +faststart); botkit's ``encode_platforms`` and the hand-written command are run
alternately, both reading the same raw frames from a pipe. Then the time per extra platform when
several are made from one source in one run. Prints medians and ratios as a Markdown table.

    .venv/bin/python bench/post.py [--repeats 3] [--seconds 10]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np

from botkit.domain import Clip
from botkit.post.encode import encode_platforms
from botkit.post.ffmpeg import run_ffmpeg
from botkit.post.follow import subject_path
from botkit.post.presets import PRESETS
from botkit.post.probe import probe
from botkit.quality.synthetic import good_clip

TARGET = PRESETS["tiktok"]
W, H = TARGET.width, TARGET.height
X264 = ["-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-pix_fmt", "yuv420p", "-movflags", "+faststart", "-an"]


def source_clip(seconds: float, fps: int = 24) -> Clip:
    frames = round(seconds * fps)
    clip = good_clip(7, frames=frames, width=1280, height=720, fps=fps)
    return Clip(np.ascontiguousarray(clip.frames), fps)


def hand_written(clip: Clip, graph: str, out: Path) -> None:
    """One ffmpeg command as a person would write it for this job: the video and, like botkit, a
    poster PNG from the middle."""
    frames = round(clip.num_frames / clip.fps * TARGET.fps)
    run_ffmpeg(
        ["-f", "rawvideo", "-pix_fmt", "rgb24", "-s", "1280x720", "-r", f"{clip.fps:g}", "-i", "pipe:0",
         "-filter_complex", f"[0:v]fps={TARGET.fps},{graph},format=yuv420p,split[v][p];[p]select='eq(n\\,{frames // 2})'[poster]",
         "-map", "[v]", "-frames:v", str(frames), *X264, str(out),
         "-map", "[poster]", "-frames:v", "1", "-update", "1", str(out.with_suffix(".png"))],
        stdin=clip.frames.tobytes(),
    )  # fmt: skip


def hand_graphs(clip: Clip) -> dict[str, str]:
    cover = f"scale={W}:{H}:force_original_aspect_ratio=increase:flags=lanczos,crop={W}:{H}"
    fit = f"scale={W}:{H}:force_original_aspect_ratio=decrease:flags=lanczos"
    path = subject_path(clip.frames, clip.fps, TARGET.aspect)  # the hand-written one gets the path for free
    return {
        "crop": f"{cover},setsar=1",
        "blur-pad": f"split[a][b];[a]{cover},gblur=sigma=21[bg];[b]{fit}[fg];[bg][fg]overlay=(W-w)/2:(H-h)/2,setsar=1",
        "follow": f"crop={path.crop_width}:{path.crop_height}:'{path.expression()}':0,scale={W}:{H}:flags=lanczos,"
        "setsar=1",
    }


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    cv2.setNumThreads(1)
    clip = source_clip(args.seconds)
    graphs = hand_graphs(clip)
    rows = []
    with tempfile.TemporaryDirectory(prefix="botkit-bench-") as scratch:
        out = Path(scratch)
        for mode, graph in graphs.items():
            ours, theirs = [], []
            for repeat in range(args.repeats):  # alternate, so drift in machine load hits both alike
                pair = [
                    ("ours", lambda m=mode: encode_platforms(clip, [TARGET], out, mode=m, stem=f"ours-{m}")),
                    ("hand", lambda g=graph, m=mode: hand_written(clip, g, out / f"hand-{m}.mp4")),
                ]
                for name, action in pair if repeat % 2 == 0 else pair[::-1]:
                    (ours if name == "ours" else theirs).append(timed(action))
            info = probe(out / f"ours-{mode}-tiktok.mp4")
            assert (info.width, info.height, info.sar) == (W, H, "1:1"), info
            rows.append((mode, statistics.median(ours), statistics.median(theirs)))
        platform_sets = [["tiktok"], ["tiktok", "youtube"], ["tiktok", "youtube", "instagram-feed", "x"]]
        per_count = {}
        for ids in platform_sets:
            presets = [PRESETS[i] for i in ids]
            per_count[len(ids)] = statistics.median(
                timed(lambda p=presets: encode_platforms(clip, p, out, mode="crop", stem="multi"))
                for _ in range(args.repeats)
            )
    lines = [
        f"{args.seconds:g} s 1280x720 {clip.fps:g} fps -> 1080x1920 30 fps, libx264 veryfast crf 20; "
        f"medians of {args.repeats} alternated runs (s)",
        "",
        "| mode | botkit | hand-written ffmpeg | ratio |",
        "|---|---|---|---|",
        *(f"| {mode} | {ours:.2f} | {hand:.2f} | {ours / hand:.2f}x |" for mode, ours, hand in rows),
        "",
        "| platforms in one run (crop) | seconds | per extra platform |",
        "|---|---|---|",
        *(
            f"| {n} ({', '.join(ids)}) | {per_count[n]:.2f} | "
            f"{'-' if n == 1 else f'{(per_count[n] - per_count[1]) / (n - 1):.2f}'} |"
            for n, ids in ((len(s), s) for s in platform_sets)
        ),
    ]
    print("\n".join(lines))


if __name__ == "__main__":
    main()
