"""Real-size models on a GPU with random weights: seconds per step and peak memory, botkit against
calling diffusers directly, and each speed/memory option.

The pipelines are built from the configs shipped in ``botkit/engine/configs`` (the real shapes)
with random weights made on the device: no download. Random weights make noise, not video; the
timings and the memory are the real figures. Per model and variant it renders the same request
(same seed, steps, frames, size) after a warm-up and records seconds, seconds per denoising step,
peak CUDA memory, and how far the frames moved from the variant without a cache (PSNR). Variants:

    baseline  botkit ``engine.generate`` and the direct pipeline call, alternated; the ratio
    fbc       FirstBlockCache (threshold 0.05)
    mag       MagCache, calibrated once on this request
    taylor    TaylorSeer (lite mode, every 5th step computed after 3)
    compile   ``transformer.compile_repeated_blocks(fullgraph=True)`` (compile time reported apart)
    group     group offload (block level, CUDA streams): weights on the CPU, one block on the GPU

Writes ``gpu_real.json`` under ``--out`` (default ``$OUT`` or ``bench/results``) and prints a
Markdown table. Each run must stay under 10 minutes on the device: split the variants.

    python bench/gpu_real.py --model wan2.1-t2v-1.3b --variants baseline,fbc,mag,taylor
    python bench/gpu_real.py --model wan2.1-t2v-1.3b --variants compile,group
    python bench/gpu_real.py --model ltx-2 --variants baseline,fbc,taylor
    python bench/gpu_real.py --tiny      # CPU dry run with the tiny models (seconds)
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import torch

from botkit.domain import ShotRequest
from botkit.engine.conditioning import Conditioning
from botkit.engine.images import frames_to_uint8
from botkit.engine.options import CacheOptions, RenderOptions, calibrate_mag_cache
from botkit.engine.pipeline import PipelineEngine
from botkit.engine.registry import Registry
from botkit.errors import BotkitError

VARIANTS = ("baseline", "fbc", "mag", "taylor", "compile", "group")
# Real runs: the sizes and steps of the issue (Wan 480p/81 frames, LTX-2 768x512); --tiny: tiny doubles.
REAL = {
    "wan2.1-t2v-1.3b": {"frames": 81, "size": (832, 480), "steps": 30},
    "ltx-2": {"frames": 121, "size": (768, 512), "steps": 40},
}
TINY = {"wan2.1-t2v-1.3b": "tiny-wan", "ltx-2": "tiny-ltx2"}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--model", action="append", choices=sorted(REAL), help="default: both")
    parser.add_argument("--variants", default="baseline,fbc,mag,taylor,compile,group")
    parser.add_argument("--steps", type=int, help="denoising steps [the model's real count]")
    parser.add_argument("--frames", type=int)
    parser.add_argument("--size", type=int, nargs=2, metavar=("W", "H"))
    parser.add_argument("--repeats", type=int, default=1, help="timed calls per side and variant")
    parser.add_argument("--tiny", action="store_true", help="tiny random models on the CPU: a dry run")
    parser.add_argument("--out", type=Path, default=Path(os.environ.get("OUT") or "bench/results"))
    args = parser.parse_args(argv)
    args.model = args.model or sorted(REAL)
    args.variants = [v.strip() for v in args.variants.split(",") if v.strip()]
    unknown = sorted(set(args.variants) - set(VARIANTS))
    if unknown:
        parser.error(f"unknown variants {unknown}; choose from {', '.join(VARIANTS)}")
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    return args


def random_pipeline(name: str, device: str) -> Any:
    """The pipeline of registry entry ``name`` at its real size with random weights made on ``device``."""
    import diffusers
    import transformers

    from botkit.engine.shapes import read_config_set
    from botkit.testing.tiny import tiny_t5_tokenizer
    from botkit.testing.tiny.ltx2 import tiny_gemma_tokenizer

    entry = Registry.default().get(name)
    assert entry.shapes, name
    found = read_config_set(entry.shapes)
    components: dict[str, Any] = {}
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.bfloat16)  # made in bf16 directly: 19B parameters never exist in fp32
    try:
        with torch.device(device):
            for component, spec in found["components"].items():
                if spec["library"] == "diffusers":
                    import importlib

                    cls = getattr(importlib.import_module(spec.get("module", "diffusers")), spec["class"])
                    components[component] = cls.from_config(spec["config"]).eval()
                else:
                    model = getattr(transformers, spec["class"])(
                        getattr(transformers, spec["config_class"])(**spec["config"])
                    )
                    components[component] = model.eval()
    finally:
        torch.set_default_dtype(previous)
    if entry.family == "wan":
        components["tokenizer"] = tiny_t5_tokenizer()  # ids within UMT5's vocabulary; prompt length is padded
        components["scheduler"] = diffusers.UniPCMultistepScheduler(
            prediction_type="flow_prediction", use_flow_sigmas=True, num_train_timesteps=1000, flow_shift=3.0
        )
    else:
        components["tokenizer"] = tiny_gemma_tokenizer()
        components["scheduler"] = diffusers.FlowMatchEulerDiscreteScheduler()
    pipe = getattr(diffusers, found["pipeline"])(**components)
    pipe.set_progress_bar_config(disable=True)
    return pipe


def engine_for(name: str, tiny: bool, device: str) -> PipelineEngine:
    registry = Registry.default()
    entry = registry.get(TINY[name] if tiny else name)
    if tiny:
        from botkit.engine.loading import load_pipelines

        pipe = load_pipelines(entry)["t2v"]
    else:
        pipe = random_pipeline(name, device)
    rules = {
        key: getattr(entry, key) for key in ("fps", "size", "frames", "size_multiple", "steps", "guidance", "call")
    }
    rules["options"] = entry.options.model_copy(update={"offload": "none", "device": device, "vae_tiling": False})
    rules["max_frames"] = None
    return PipelineEngine.from_pipe(pipe, name=entry.name, family=entry.family, revision="random", **rules)


def direct_call(engine: PipelineEngine, request: ShotRequest) -> np.ndarray:
    """What a person would write by hand: the pipeline's own arguments, frames converted once."""
    pipe = engine.pipes["t2v"]
    shape = engine.shape(request.num_frames, request.width, request.height)
    kwargs = engine.family.arguments(
        pipe, "t2v", request, shape, Conditioning(), entry=engine.entry, guidance=engine.entry.guidance
    )
    kwargs |= {
        "num_inference_steps": request.steps,
        "output_type": "np",
        "generator": torch.Generator("cpu").manual_seed(request.seed),
    }
    return frames_to_uint8(pipe(**kwargs).frames[0])


def psnr(a: np.ndarray, b: np.ndarray) -> float | None:
    mse = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    return None if mse == 0 else round(10 * math.log10(255**2 / mse), 2)


def timed(run: Any, device: str) -> tuple[float, float | None, Any]:
    if device == "cuda":
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
    started = time.perf_counter()
    result = run()
    if device == "cuda":
        torch.cuda.synchronize()
    peak = torch.cuda.max_memory_allocated() / 2**30 if device == "cuda" else None
    return time.perf_counter() - started, peak, result


def bench_model(name: str, args: argparse.Namespace, device: str) -> list[dict[str, Any]]:
    real = REAL[name]
    steps = args.steps or (2 if args.tiny else real["steps"])
    frames = args.frames or (9 if args.tiny else real["frames"])
    width, height = args.size or ((32, 32) if args.tiny else real["size"])
    built, _, engine = timed(lambda: engine_for(name, args.tiny, device), device)
    request = ShotRequest(prompt="a red running shoe on a trail, slow push in", num_frames=frames, width=width,
                          height=height, fps=engine.native_fps, steps=steps, seed=0)  # fmt: skip
    engine.generate(request.model_copy(update={"steps": 2}))  # warm-up: kernels, allocator
    rows: list[dict[str, Any]] = []
    reference: np.ndarray | None = None

    def row(variant: str, seconds: list[float], peak: float | None, clip_frames: np.ndarray, **extra: Any) -> None:
        median = statistics.median(seconds)
        rows.append({"model": name, "variant": variant, "frames": frames, "size": [width, height], "steps": steps,
                     "seconds": round(median, 3), "s_per_step": round(median / steps, 4),
                     "peak_gib": None if peak is None else round(peak, 2),
                     "psnr_vs_baseline": None if reference is None else psnr(clip_frames, reference), **extra})  # fmt: skip

    for variant in args.variants:
        if variant in ("compile", "group") and device != "cuda":
            rows.append({"model": name, "variant": variant, "skipped": "needs a CUDA device"})
            continue
        try:
            reference = run_variant(variant, engine, request, args, device, row, reference)
        except (BotkitError, ValueError, NotImplementedError) as exc:  # unsupported here (FirstBlockCache on LTX-2)
            rows.append({"model": name, "variant": variant, "skipped": str(exc)[:160]})
    for item in rows:
        item["build_s"] = round(built, 1)
    return rows


def run_variant(
    variant: str,
    engine: PipelineEngine,
    request: ShotRequest,
    args: argparse.Namespace,
    device: str,
    row: Any,
    reference: np.ndarray | None,
) -> np.ndarray | None:
    """One variant's timed calls, recorded by ``row``; returns the reference frames (set by baseline)."""
    steps = request.steps or 1
    if variant == "baseline":
        ours, theirs, peak, frames_out = [], [], None, None
        for _ in range(args.repeats):
            seconds, peak, clip = timed(lambda: engine.generate(request), device)
            ours.append(seconds)
            seconds, _, _ = timed(lambda: direct_call(engine, request), device)
            theirs.append(seconds)
            frames_out = clip.frames
        assert frames_out is not None
        row("baseline", ours, peak, frames_out, direct_seconds=round(statistics.median(theirs), 3),
            botkit_vs_direct=round(statistics.median(ours) / statistics.median(theirs), 3))  # fmt: skip
        return frames_out
    if variant == "compile":
        for module in (engine.pipe.transformer,):
            module.compile_repeated_blocks(fullgraph=True)
        compile_s, _, _ = timed(lambda: engine.generate(request.model_copy(update={"steps": 2})), device)
        runs = [timed(lambda: engine.generate(request), device) for _ in range(args.repeats)]
        row("compile", [r[0] for r in runs], runs[-1][1], runs[-1][2].frames, compile_and_warmup_s=round(compile_s, 1))
        return reference
    if variant == "group":
        pipe = engine.pipe
        pipe.to("cpu")
        pipe.enable_group_offload(onload_device=torch.device("cuda"), offload_device=torch.device("cpu"),
                                  offload_type="block_level", num_blocks_per_group=1, use_stream=True)  # fmt: skip
        runs = [timed(lambda: engine.generate(request), device) for _ in range(args.repeats)]
        row("group", [r[0] for r in runs], runs[-1][1], runs[-1][2].frames)
        return reference
    cache = {"fbc": CacheOptions(kind="first_block", threshold=0.05), "taylor": CacheOptions(kind="taylor")}.get(
        variant
    )
    extra: dict[str, Any] = {}
    if variant == "mag":
        calibrate_s, _, ratios = timed(
            lambda: calibrate_mag_cache(lambda: engine.generate(request), engine.pipe, steps=steps), device
        )
        cache = CacheOptions(kind="mag", mag_ratios=ratios)
        extra["calibration_s"] = round(calibrate_s, 1)
    assert cache is not None
    with engine.using(RenderOptions(cache=cache)):
        runs = [timed(lambda: engine.generate(request), device) for _ in range(args.repeats)]
    row(variant, [r[0] for r in runs], runs[-1][1], runs[-1][2].frames, **extra)
    return reference


def table(rows: list[dict[str, Any]]) -> str:
    lines = ["| model | variant | frames | size | steps | s | s/step | peak GiB | vs direct | PSNR vs baseline |",
             "|---|---|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for r in rows:
        if "skipped" in r:
            lines.append(f"| {r['model']} | {r['variant']} | skipped: {r['skipped']} |||||||")
            continue
        lines.append(
            f"| {r['model']} | {r['variant']} | {r['frames']} | {r['size'][0]}x{r['size'][1]} | {r['steps']} | "
            f"{r['seconds']} | {r['s_per_step']} | {r['peak_gib'] if r['peak_gib'] is not None else '-'} | "
            f"{r.get('botkit_vs_direct', '-')} | {r['psnr_vs_baseline'] or '-'} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    device = "cuda" if torch.cuda.is_available() and not args.tiny else "cpu"
    if not args.tiny and device != "cuda":
        print("no CUDA device: real sizes need a GPU (use --tiny for a dry run)", file=sys.stderr)
        return 2
    if device == "cpu":
        torch.set_num_threads(1)
    rows = [item for name in args.model for item in bench_model(name, args, device)]
    args.out.mkdir(parents=True, exist_ok=True)
    report = {
        "device": torch.cuda.get_device_name() if device == "cuda" else "cpu",
        "torch": torch.__version__,
        "tiny": args.tiny,
        "note": "random weights: the frames are noise; seconds and memory are the real figures",
        "rows": rows,
    }
    (args.out / "gpu_real.json").write_text(json.dumps(report, indent=2))
    print(table(rows))
    print(f"\nwrote {args.out / 'gpu_real.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
