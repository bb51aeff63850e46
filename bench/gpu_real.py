"""Benchmark a real checkpoint with and without each cache option: speed-up and frame difference.

Give a registry name, or a local diffusers folder with its pipeline class and family. For each
option (no cache, FirstBlockCache at two thresholds, MagCache after one calibration run) it renders
the same request with the same seed, after one warm-up, and prints a Markdown table: median seconds,
speed-up over no cache, and how far the frames moved (mean absolute difference in 0-255 levels and
PSNR against the uncached frames). Meant for a GPU; it runs on a CPU too, slowly.

    .venv/bin/python bench/gpu_real.py --model wan2.1-t2v-1.3b
    .venv/bin/python bench/gpu_real.py --path ~/models/Wan2.1-T2V-1.3B-Diffusers --pipeline WanPipeline \
        --family wan --frames 81 --size 832 480 --steps 30
"""

from __future__ import annotations

import argparse
import math
import statistics
import time
from pathlib import Path

import numpy as np
import torch

from botkit.domain import ShotRequest
from botkit.engine.options import CacheOptions, RenderOptions, calibrate_mag_cache
from botkit.engine.pipeline import PipelineEngine
from botkit.engine.registry import ModelEntry, Registry


def entry_from_args(args: argparse.Namespace) -> ModelEntry:
    if args.model:
        entry = Registry.default().get(args.model)
    else:
        if not (args.pipeline and args.family):
            raise SystemExit("--path needs --pipeline (e.g. WanPipeline) and --family (e.g. wan)")
        entry = ModelEntry(
            name=Path(args.path).name,
            family=args.family,
            pipelines={"t2v": args.pipeline},
            path=str(Path(args.path).expanduser().resolve()),
            frames=args.frame_rule,
            dtype=args.dtype,
        )
    updates: dict[str, object] = {}
    if args.offload:
        updates["options"] = entry.options.model_copy(update={"offload": args.offload})
    return entry.model_copy(update=updates)


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    return math.inf if mse == 0 else 10 * math.log10(255**2 / mse)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="registry name")
    parser.add_argument("--path", help="a local diffusers folder (instead of --model)")
    parser.add_argument("--pipeline", help="diffusers pipeline class, with --path")
    parser.add_argument("--family", help="botkit family (wan, ltx, cogvideox, ...), with --path")
    parser.add_argument("--frame-rule", default="4k+1")
    parser.add_argument("--dtype", default="bfloat16")
    parser.add_argument("--offload", choices=["none", "model", "group"], help="override the entry's offload")
    parser.add_argument("--frames", type=int, default=33)
    parser.add_argument("--size", type=int, nargs=2, default=(832, 480), metavar=("W", "H"))
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--threads", type=int, help="torch CPU threads (1 when other work shares a small CPU)")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    if not (args.model or args.path):
        raise SystemExit("give --model NAME or --path FOLDER")

    entry = entry_from_args(args)
    started = time.perf_counter()
    engine = PipelineEngine.load(entry)
    print(
        f"loaded {entry.name} in {time.perf_counter() - started:.1f} s on {engine.device}"
        f" ({torch.cuda.get_device_name() if torch.cuda.is_available() else 'cpu'})"
    )
    request = ShotRequest(
        prompt="a red running shoe on a white table, slow push in, studio light",
        num_frames=args.frames,
        width=args.size[0],
        height=args.size[1],
        fps=entry.fps,
        steps=args.steps,
        seed=0,
    )

    def timed(options: RenderOptions) -> tuple[float, np.ndarray]:
        if torch.cuda.is_available():
            torch.cuda.synchronize()
        begun = time.perf_counter()
        with engine.using(options):
            frames = engine.generate(request).frames
        if torch.cuda.is_available():
            torch.cuda.synchronize()
        return time.perf_counter() - begun, frames

    timed(RenderOptions())  # warm-up
    ratios = calibrate_mag_cache(lambda: engine.generate(request), engine.pipe, steps=args.steps)
    variants = {
        "no cache": RenderOptions(),
        "FirstBlockCache 0.05": RenderOptions(cache=CacheOptions(kind="first_block", threshold=0.05)),
        "FirstBlockCache 0.10": RenderOptions(cache=CacheOptions(kind="first_block", threshold=0.10)),
        "MagCache 0.06 (calibrated)": RenderOptions(cache=CacheOptions(kind="mag", mag_ratios=ratios, threshold=0.06)),
        "MagCache 0.12 (calibrated)": RenderOptions(cache=CacheOptions(kind="mag", mag_ratios=ratios, threshold=0.12)),
    }
    results: dict[str, tuple[float, np.ndarray]] = {}
    for name, options in variants.items():
        runs = [timed(options) for _ in range(args.repeats)]
        results[name] = (statistics.median(seconds for seconds, _ in runs), runs[0][1])
    base_seconds, base_frames = results["no cache"]
    print(
        f"\n{entry.name}: {request.num_frames} frames {request.width}x{request.height}, {args.steps} steps, "
        f"median of {args.repeats}"
    )
    print("| option | seconds | speed-up | mean abs diff (0-255) | PSNR dB |")
    print("|---|---|---|---|---|")
    for name, (seconds, frames) in results.items():
        diff = float(np.abs(frames.astype(np.float32) - base_frames.astype(np.float32)).mean())
        print(
            f"| {name} | {seconds:.2f} | {base_seconds / seconds:.2f}x | {diff:.2f} | {psnr(frames, base_frames):.1f} |"
        )


if __name__ == "__main__":
    main()
