"""Speed and memory options apply to a real (tiny) pipeline and do what they say, or fail clearly."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from botkit.domain import ShotRequest
from botkit.engine.options import CacheOptions, EngineOptions, RenderOptions, calibrate_mag_cache
from botkit.engine.pipeline import PipelineEngine
from botkit.engine.registry import Registry
from botkit.errors import EngineError, InputError
from botkit.testing.tiny.wan import build_t2v

REQUEST = ShotRequest(prompt="a red shoe", num_frames=9, width=32, height=32, fps=16, steps=4, seed=1)


def engine_with(**options: object) -> PipelineEngine:
    entry = Registry.default().get("tiny-wan").model_copy(update={"options": EngineOptions(**options)})
    return PipelineEngine(entry, {"t2v": build_t2v()})


@pytest.fixture(scope="module")
def plain() -> PipelineEngine:
    return engine_with()


@pytest.fixture(scope="module")
def reference(plain: PipelineEngine) -> np.ndarray:
    return plain.generate(REQUEST).frames


def block_calls(engine: PipelineEngine, run) -> int:  # type: ignore[no-untyped-def]
    """Calls into the last transformer block's feed-forward during ``run()`` (cache hooks skip the block)."""
    calls = []
    handle = engine.pipe.transformer.blocks[-1].ffn.register_forward_pre_hook(lambda *_: calls.append(1))
    try:
        run()
    finally:
        handle.remove()
    return len(calls)


@pytest.mark.parametrize(
    "options",
    [
        {"offload": "model"},
        {"offload": "group"},
        {"offload": "group", "group_offload_type": "leaf_level"},
        {"vae_tiling": True, "vae_slicing": True},
        {"attention_backend": "native"},
    ],
    ids=["model-offload", "group-offload-block", "group-offload-leaf", "vae-tiling-slicing", "attention-native"],
)
def test_exact_options_keep_the_frames(options: dict, reference: np.ndarray) -> None:
    assert np.array_equal(engine_with(**options).generate(REQUEST).frames, reference)


def test_layerwise_fp8_storage_stays_close(reference: np.ndarray) -> None:
    engine = engine_with(layerwise_casting="float8_e4m3fn")
    assert engine.pipe.transformer.blocks[0].ffn.net[0].proj.weight.dtype == torch.float8_e4m3fn
    frames = engine.generate(REQUEST).frames
    assert np.abs(frames.astype(int) - reference).mean() < 5


def using(engine: PipelineEngine, options: RenderOptions):
    with engine.using(options):
        return engine.generate(REQUEST)


def test_first_block_cache_skips_blocks_per_request(plain: PipelineEngine, reference: np.ndarray) -> None:
    full = block_calls(plain, lambda: plain.generate(REQUEST))
    cache = RenderOptions(cache=CacheOptions(kind="first_block", threshold=0.3))
    cached: list[np.ndarray] = []
    skipped = block_calls(plain, lambda: cached.append(using(plain, cache).frames))
    assert skipped < full
    assert np.abs(cached[0].astype(int) - reference).mean() < 10
    assert np.array_equal(plain.generate(REQUEST).frames, reference)  # switched off again after the request


def test_mag_cache_calibrates_then_skips(plain: PipelineEngine) -> None:
    ratios = calibrate_mag_cache(lambda: plain.generate(REQUEST), plain.pipe, steps=REQUEST.steps)
    assert len(ratios) == REQUEST.steps and ratios[0] == 1.0
    cache = RenderOptions(cache=CacheOptions(kind="mag", mag_ratios=ratios, threshold=0.5, retention_ratio=0.0))
    assert block_calls(plain, lambda: using(plain, cache)) < block_calls(plain, lambda: plain.generate(REQUEST))
    with pytest.raises(InputError, match="calibration"):
        using(plain, RenderOptions(cache=CacheOptions(kind="mag")))


def test_unavailable_attention_backend_is_a_clear_error(plain: PipelineEngine, reference: np.ndarray) -> None:
    with pytest.raises(EngineError, match=r"could not apply engine options.*flash"):
        using(plain, RenderOptions(attention_backend="flash"))
    assert np.array_equal(plain.generate(REQUEST).frames, reference)


def test_registry_options_are_validated() -> None:
    with pytest.raises(ValueError):
        EngineOptions(offload="sometimes")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        CacheOptions(kind="first_block", threshold=2.0)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="sequential CPU offload streams weights to an accelerator")
def test_sequential_offload_on_a_gpu(reference: np.ndarray) -> None:
    frames = engine_with(offload="sequential").generate(REQUEST).frames
    assert np.abs(frames.astype(int) - reference).mean() < 5


@pytest.mark.slow
def test_regional_compile_keeps_the_frames(reference: np.ndarray) -> None:
    """torch.compile of the repeated blocks (inductor needs a C++ compiler; minutes on a CPU)."""
    frames = engine_with(compile="repeated_blocks").generate(REQUEST).frames
    assert np.abs(frames.astype(int) - reference).mean() < 2
