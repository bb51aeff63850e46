"""Speed and memory options for a diffusers pipeline, set per registry entry and per request.

``EngineOptions`` is data (it lives in ``models.toml``); ``apply_load_options`` sets the ones that
change how a pipeline is placed in memory (once, after loading), ``render_options`` the ones cheap
enough to switch per request (cache hooks, VAE tiling and slicing, attention backend).
"""

from __future__ import annotations

import contextlib
import io
import logging
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from botkit.errors import BotkitError, EngineError, InputError

if TYPE_CHECKING:
    import torch

logger = logging.getLogger(__name__)

DTYPE_NAMES = ("float32", "bfloat16", "float16")
"""Weight dtypes a registry entry may name (torch is imported only when a model is loaded)."""


def torch_dtype(name: str) -> torch.dtype:
    import torch

    if name not in DTYPE_NAMES:
        raise InputError(f"dtype {name!r} is not one of {', '.join(DTYPE_NAMES)}")
    dtype: torch.dtype = getattr(torch, name)
    return dtype


class CacheOptions(BaseModel):
    """A transformer cache hook: skip recomputing blocks when their input barely changed."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["first_block", "mag", "taylor"]
    threshold: float | None = Field(default=None, gt=0, le=1)
    mag_ratios: list[float] | None = None
    """MagCache ratios from a calibration run (``botkit.engine.options.calibrate_mag_cache``)."""
    max_skip_steps: int = Field(default=3, ge=1)
    retention_ratio: float = Field(default=0.2, ge=0, le=1)
    cache_interval: int = Field(default=5, ge=1)
    """TaylorSeer: full computations every this many steps, predicted in between."""
    warmup_steps: int = Field(default=3, ge=0)
    """TaylorSeer: full computations for the first steps (to fit the Taylor factors)."""
    identifiers: list[str] | None = None
    """TaylorSeer: regexes (full match) of the modules to predict; default: lite mode (skip the blocks,
    predict ``proj_out``), since diffusers' default patterns miss Wan's ``attn1``/``attn2``."""


class RenderOptions(BaseModel):
    """Options that may change from one request to the next on a loaded pipeline."""

    model_config = ConfigDict(extra="forbid")

    cache: CacheOptions | None = None
    vae_tiling: bool = False
    vae_slicing: bool = False
    attention_backend: str | None = None
    """``native``, ``flash``, ``sage``, ``_native_cudnn`` ... (``diffusers.models.attention_dispatch``)."""


class EngineOptions(RenderOptions):
    """Everything a registry entry may set: placement in memory plus the per-request defaults."""

    device: str | None = None
    """``cuda``, ``cpu`` ...; default: ``cuda`` when available."""
    offload: Literal["none", "model", "sequential", "group"] = "none"
    group_offload_type: Literal["block_level", "leaf_level"] = "block_level"
    group_offload_blocks: int = Field(default=1, ge=1)
    group_offload_stream: bool = False
    layerwise_casting: Literal["none", "float8_e4m3fn", "float8_e5m2"] = "none"
    compile: Literal["none", "repeated_blocks"] = "none"

    def render_part(self) -> RenderOptions:
        return RenderOptions(**{name: getattr(self, name) for name in RenderOptions.model_fields})


def resolve_device(options: EngineOptions) -> str:
    import torch

    if options.device:
        return options.device
    return "cuda" if torch.cuda.is_available() else "cpu"


def _denoisers(pipe: Any) -> list[Any]:
    """The big networks: ``transformer`` (and Wan 2.2's ``transformer_2``) or a ``unet``."""
    import torch

    found = [getattr(pipe, name, None) for name in ("transformer", "transformer_2", "unet")]
    return [module for module in found if isinstance(module, torch.nn.Module)]


def apply_load_options(pipe: Any, options: EngineOptions, *, compute_dtype: torch.dtype) -> str:
    """Place a freshly loaded pipeline in memory; returns the device it computes on."""
    import torch

    device = resolve_device(options)
    if options.layerwise_casting != "none":
        storage = getattr(torch, options.layerwise_casting)
        for module in _denoisers(pipe):
            module.enable_layerwise_casting(storage_dtype=storage, compute_dtype=compute_dtype)
    if options.offload == "model":
        pipe.enable_model_cpu_offload(device=device)
    elif options.offload == "sequential":
        pipe.enable_sequential_cpu_offload(device=device)
    elif options.offload == "group":
        kwargs: dict[str, Any] = {
            "onload_device": torch.device(device),
            "offload_device": torch.device("cpu"),
            "offload_type": options.group_offload_type,
            "use_stream": options.group_offload_stream,
        }
        if options.group_offload_type == "block_level":
            kwargs["num_blocks_per_group"] = options.group_offload_blocks
        pipe.enable_group_offload(**kwargs)
    else:
        pipe.to(device)
    if options.compile == "repeated_blocks":
        for module in _denoisers(pipe):
            module.compile_repeated_blocks(fullgraph=True)
    return device


def _cache_config(cache: CacheOptions, steps: int, *, calibrate: bool = False) -> Any:
    if cache.kind == "first_block":
        from diffusers import FirstBlockCacheConfig

        return FirstBlockCacheConfig(threshold=cache.threshold or 0.05)
    if cache.kind == "taylor":
        from diffusers import TaylorSeerCacheConfig

        return TaylorSeerCacheConfig(
            cache_interval=cache.cache_interval,
            disable_cache_before_step=cache.warmup_steps,
            cache_identifiers=cache.identifiers,
            use_lite_mode=cache.identifiers is None,
        )
    from diffusers import MagCacheConfig

    if cache.mag_ratios is None and not calibrate:
        raise InputError(
            "MagCache needs mag_ratios from a calibration run: run calibrate_mag_cache() once and store them"
        )
    return MagCacheConfig(
        threshold=cache.threshold or 0.06,
        max_skip_steps=cache.max_skip_steps,
        retention_ratio=cache.retention_ratio,
        num_inference_steps=steps,
        mag_ratios=None if calibrate else cache.mag_ratios,
        calibrate=calibrate,
    )


@contextlib.contextmanager
def render_options(pipe: Any, options: RenderOptions, *, steps: int) -> Iterator[None]:
    """Switch per-request options on for one render and off again afterwards."""
    vae = getattr(pipe, "vae", None)
    denoisers = _denoisers(pipe)
    try:
        try:
            if vae is not None and options.vae_tiling:
                vae.enable_tiling()
            if vae is not None and options.vae_slicing:
                vae.enable_slicing()
            if options.attention_backend:
                for module in denoisers:
                    module.set_attention_backend(options.attention_backend)
            if options.cache is not None:
                for module in denoisers:
                    module.enable_cache(_cache_config(options.cache, steps))
        except BotkitError:
            raise
        except (ValueError, RuntimeError, NotImplementedError, AttributeError) as exc:
            shown = options.model_dump(exclude_defaults=True)
            raise EngineError(f"could not apply engine options {shown}: {exc}") from exc
        yield
    finally:
        if options.cache is not None:
            for module in denoisers:
                if getattr(module, "is_cache_enabled", False):
                    module.disable_cache()
        if options.attention_backend:
            for module in denoisers:
                module.reset_attention_backend()
        if vae is not None and options.vae_tiling:
            vae.disable_tiling()
        if vae is not None and options.vae_slicing:
            vae.disable_slicing()


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def calibrate_mag_cache(run: Any, pipe: Any, *, steps: int) -> list[float]:
    """Run ``run()`` once with MagCache in calibration mode and return the ratios it measured.

    The ratios depend on the checkpoint and scheduler: store them in the registry entry's
    ``options.cache.mag_ratios``.
    """
    denoiser = _denoisers(pipe)[0]
    diffusers_logger = logging.getLogger("diffusers.hooks.mag_cache")
    handler, level = _Collect(), diffusers_logger.level
    diffusers_logger.addHandler(handler)
    diffusers_logger.setLevel(logging.INFO)
    denoiser.enable_cache(_cache_config(CacheOptions(kind="mag"), steps, calibrate=True))
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # diffusers prints the ratios too
            run()
    finally:
        denoiser.disable_cache()
        diffusers_logger.removeHandler(handler)
        diffusers_logger.setLevel(level)
    prefix = "MagCache Calibration Results: "
    found = [message[len(prefix) :] for message in handler.messages if message.startswith(prefix)]
    if not found:
        raise EngineError("MagCache calibration produced no ratios (did the run finish all steps?)")
    return [float(value) for value in found[0].strip("[] ").split(",")]
