"""Benchmark: botkit's engine against calling the same diffusers pipeline directly.

Both sides run the same pipeline object with the same seed, steps, frames and size; botkit adds
snapping, image fitting, the progress callback, option hooks and the uint8 conversion. Calls are
alternated (botkit, direct, botkit, ...) after warm-up so drift hits both alike. Prints, per model,
the median seconds of each side, the median ratio (target <= 1.03x) and the time per denoising step,
as a Markdown table. The tiny registry models are the default; give real ones (``--model``) on a GPU.

    .venv/bin/python bench/engine_overhead.py [--model tiny-wan --model tiny-ltx] [--repeats 9]
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

import numpy as np
import torch

from botkit.domain import ShotRequest
from botkit.engine.conditioning import Conditioning
from botkit.engine.factory import load_chunk_engine
from botkit.engine.images import frames_to_uint8
from botkit.engine.pipeline import PipelineEngine
from botkit.engine.registry import Registry


def direct_kwargs(engine: PipelineEngine, request: ShotRequest) -> dict[str, Any]:
    """What a person would pass by hand: the pipeline's own argument names, no botkit layer."""
    shape = engine.shape(request.num_frames, request.width, request.height)
    task = "t2v" if "t2v" in engine.pipes else next(iter(engine.pipes))
    kwargs = engine.family.arguments(
        engine.pipes[task], task, request, shape, Conditioning(), entry=engine.entry, guidance=engine.entry.guidance
    )
    return kwargs | {"num_inference_steps": request.steps, "output_type": "np"}


def measure(model: str, repeats: int, steps: int, frames: int, size: tuple[int, int]) -> dict[str, Any]:
    engine = load_chunk_engine(Registry.default().get(model))  # one pipeline call per render, no chaining
    assert isinstance(engine, PipelineEngine), f"{model} is not a diffusers pipeline engine"
    width, height = size
    request = ShotRequest(
        prompt="a red shoe moving left on a white background",
        num_frames=frames,
        width=width,
        height=height,
        fps=engine.native_fps,
        steps=steps,
        seed=0,
    )
    kwargs = direct_kwargs(engine, request)
    pipe = engine.pipes["t2v"]

    def botkit_call() -> np.ndarray:
        return engine.generate(request, on_progress=lambda step, total: None).frames

    def direct_call() -> np.ndarray:
        out = pipe(**kwargs, generator=torch.Generator("cpu").manual_seed(request.seed))
        return frames_to_uint8(out.frames[0])

    for call in (botkit_call, direct_call):  # warm-up: first calls are up to 3x slower
        call()
    assert np.array_equal(botkit_call(), direct_call()), "botkit and the direct call must render the same frames"
    ours, theirs, ratios = [], [], []
    for _ in range(repeats):
        started = time.perf_counter()
        botkit_call()
        ours.append(time.perf_counter() - started)
        started = time.perf_counter()
        direct_call()
        theirs.append(time.perf_counter() - started)
        ratios.append(ours[-1] / theirs[-1])
    return {
        "model": model,
        "shape": f"{kwargs.get('num_frames', kwargs.get('frames'))}x{kwargs['width']}x{kwargs['height']}",
        "steps": steps,
        "botkit_s": statistics.median(ours),
        "direct_s": statistics.median(theirs),
        "ratio": statistics.median(ratios),
        "diff_ms": 1000 * statistics.median(a - b for a, b in zip(ours, theirs, strict=True)),
        "per_step_ms": 1000 * statistics.median(ours) / steps,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", action="append", help="registry name (repeatable) [tiny-wan, tiny-ltx]")
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument("--steps", type=int, default=4)
    parser.add_argument("--frames", type=int, default=9)
    parser.add_argument("--size", type=int, nargs=2, default=(32, 32), metavar=("W", "H"))
    parser.add_argument("--threads", type=int, default=1, help="torch threads (1 when other work shares the CPU)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    rows = [
        measure(m, args.repeats, args.steps, args.frames, tuple(args.size))
        for m in args.model or ["tiny-wan", "tiny-ltx"]
    ]
    print(
        f"device: {'cuda' if torch.cuda.is_available() else 'cpu'}, torch threads {args.threads}, {args.repeats} alternated pairs"
    )
    print(
        "| model | frames x W x H | steps | botkit s (median) | direct s (median) | ratio (median) "
        "| botkit - direct ms (median) | ms / step |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for row in rows:
        print(
            f"| {row['model']} | {row['shape']} | {row['steps']} | {row['botkit_s']:.4f} | {row['direct_s']:.4f} | "
            f"{row['ratio']:.3f}x | {row['diff_ms']:+.1f} | {row['per_step_ms']:.1f} |"
        )


if __name__ == "__main__":
    main()
