"""Real model shapes without a single weight: components built from their released configs on the
meta device (accelerate's ``init_empty_weights``), for ``botkit models plan NAME``.

A config set (``configs/<name>.json``) names a pipeline class and, per component, a file in
``configs/components/`` with the class, its library and the config diffusers/transformers would
read from the downloaded folder. The report: parameters per component, weight memory in bf16 and
with the denoiser stored in fp8 (layerwise casting), the weights resident on the GPU at the peak
of each offload option, and latent shapes and token counts for the preset sizes.
"""

from __future__ import annotations

import functools
import json
import logging
import math
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from botkit.errors import EngineError, InputError

logger = logging.getLogger(__name__)

CONFIGS = Path(__file__).with_name("configs")
DENOISERS = ("transformer", "transformer_2", "unet")
"""Components layerwise casting (fp8 storage) applies to, as ``apply_load_options`` does."""


@dataclass(frozen=True)
class ComponentShape:
    name: str
    class_name: str
    params: int
    largest_block: int
    """Parameters of the largest repeated block (what block-level group offload holds at once)."""
    outside_blocks: int
    """Parameters outside the repeated blocks (embeddings, heads: held with every block)."""
    largest_leaf: int
    """Parameters of the largest leaf module (what sequential offload holds at once)."""
    config: dict[str, Any]
    ignored: tuple[str, ...] = ()
    """Config keys this diffusers/transformers version does not know (newer releases' flags)."""


def config_sets() -> list[str]:
    return sorted(path.stem for path in CONFIGS.glob("*.json"))


def read_config_set(name: str) -> dict[str, Any]:
    path = CONFIGS / f"{name}.json"
    if not path.is_file():
        raise InputError(f"no shipped config set {name!r}; there are: {', '.join(config_sets())}")
    data = json.loads(path.read_text(encoding="utf-8"))
    components = {}
    for component, reference in data["components"].items():
        file = CONFIGS / "components" / f"{reference}.json"
        if not file.is_file():
            raise EngineError(f"config set {name!r}: component {component!r} names {file}, which is missing")
        components[component] = json.loads(file.read_text(encoding="utf-8")) | {"file": reference}
    return {"pipeline": data["pipeline"], "components": components}


def _build(spec: dict[str, Any]) -> tuple[Any, tuple[str, ...]]:
    """The component on the meta device, and the config keys its class ignored."""
    from accelerate import init_empty_weights

    config = dict(spec["config"])
    with warnings.catch_warnings(), init_empty_weights():
        warnings.simplefilter("ignore")
        if spec["library"] == "diffusers":
            import importlib

            import diffusers

            cls = getattr(importlib.import_module(spec.get("module", "diffusers")), spec["class"], None)
            if cls is None:
                raise EngineError(f"diffusers {diffusers.__version__} has no class {spec['class']!r}")
            expected = set(cls.extract_init_dict(config)[0]) if config else set()
            ignored = tuple(sorted(set(config) - expected))
            return cls.from_config(config), ignored
        import transformers

        cls = getattr(transformers, spec["class"], None)
        config_cls = getattr(transformers, spec["config_class"], None)
        if cls is None or config_cls is None:
            raise EngineError(f"transformers {transformers.__version__} has no {spec['class']}/{spec['config_class']}")
        model = cls(config_cls(**config))
        for name in spec.get("tied", []):  # shares its tensor with another in the checkpoint: count it once
            owner, _, attr = name.rpartition(".")
            setattr(model.get_submodule(owner), attr, None)
        return model, ()


def _count(module: Any) -> int:
    """Parameters, each tensor once (tied embeddings share one)."""
    seen: dict[int, int] = {}
    for parameter in module.parameters():
        seen[id(parameter)] = parameter.numel()
    return sum(seen.values())


def _block_sizes(module: Any) -> tuple[int, int]:
    """(largest repeated block, parameters outside repeated blocks): blocks are ModuleList children."""
    import torch

    blocks: list[int] = []
    inside = 0
    for child in module.modules():
        if isinstance(child, torch.nn.ModuleList):
            for block in child:
                size = _count(block)
                blocks.append(size)
            inside += _count(child)
    # nested ModuleLists (a block list inside a block) are counted twice in ``inside``: cap it
    total = _count(module)
    return (max(blocks) if blocks else total), max(0, total - min(inside, total))


def _largest_leaf(module: Any) -> int:
    return max((_count(child) for child in module.modules() if not list(child.children())), default=0)


def plan_components(name: str) -> dict[str, ComponentShape]:
    """Every component of config set ``name``, built on the meta device (seconds, no memory)."""
    return dict(_planned(name))


@functools.cache
def _planned(name: str) -> dict[str, ComponentShape]:
    found = read_config_set(name)
    shapes = {}
    for component, spec in found["components"].items():
        module, ignored = _build(spec)
        largest_block, outside = _block_sizes(module)
        shapes[component] = ComponentShape(
            name=component,
            class_name=spec["class"],
            params=_count(module),
            largest_block=largest_block,
            outside_blocks=outside,
            largest_leaf=_largest_leaf(module),
            config=dict(getattr(module, "config", {}) or {}) if spec["library"] == "diffusers" else spec["config"],
            ignored=ignored,
        )
    return shapes


def weight_bytes(shapes: dict[str, ComponentShape], *, fp8: bool = False) -> int:
    """Bytes of all weights in bf16; with ``fp8`` the denoisers are stored in one byte per weight."""
    return sum(shape.params * (1 if fp8 and name in DENOISERS else 2) for name, shape in shapes.items())


def offload_peaks(shapes: dict[str, ComponentShape], *, fp8: bool = False) -> dict[str, int]:
    """Weight bytes resident on the GPU at the peak of each offload option (activations come on top).

    none: everything; model: the largest component (one at a time); group (block level, one block
    per group): the largest block plus what lies outside the blocks of its component; sequential:
    the largest leaf module."""

    def size(name: str, count: int) -> int:
        return count * (1 if fp8 and name in DENOISERS else 2)

    return {
        "none": weight_bytes(shapes, fp8=fp8),
        "model": max(size(name, shape.params) for name, shape in shapes.items()),
        "group": max(size(name, shape.largest_block + shape.outside_blocks) for name, shape in shapes.items()),
        "sequential": max(size(name, shape.largest_leaf) for name, shape in shapes.items()),
    }


@dataclass(frozen=True)
class LatentShape:
    label: str
    width: int
    height: int
    frames: int
    latent: tuple[int, ...]
    """(channels, frames, height, width) of the video latent (image models: no frames)."""
    tokens: int
    """Sequence length the denoiser attends over (after its patching)."""


def compression(shapes: dict[str, ComponentShape]) -> tuple[int, int, int]:
    """(spatial, temporal, channels) of the VAE, from its config."""
    vae = shapes.get("vae")
    if vae is None:
        raise EngineError("config set has no vae")
    config = vae.config
    spatial = config.get("spatial_compression_ratio") or config.get("scale_factor_spatial")
    temporal = config.get("temporal_compression_ratio") or config.get("scale_factor_temporal") or 1
    if spatial is None:
        if "temperal_downsample" in config:
            spatial = 2 ** len(config["temperal_downsample"])
        elif "encoder_block_out_channels" in config:  # DC-AE: one halving per stage after the first
            spatial = 2 ** (len(config["encoder_block_out_channels"]) - 1)
        else:
            spatial = 2 ** (len(config.get("block_out_channels", [0])) - 1)
    channels = config.get("latent_channels") or config.get("z_dim") or 4
    if vae.class_name == "AutoencoderKL":
        temporal = 1
    return int(spatial), int(temporal), int(channels)


def _patch(shapes: dict[str, ComponentShape]) -> tuple[int, int]:
    """(temporal, spatial) patch size of the denoiser."""
    denoiser = next((shapes[name] for name in DENOISERS if name in shapes), None)
    if denoiser is None:
        return 1, 1
    patch = denoiser.config.get("patch_size", 1)
    if isinstance(patch, list | tuple):
        return int(patch[0]), int(patch[-1])
    if denoiser.class_name == "FluxTransformer2DModel":
        return 1, 2  # Flux packs 2x2 latent patches before the transformer
    if denoiser.class_name == "UNet2DConditionModel":
        return 1, 1
    return int(denoiser.config.get("patch_size_t", 1) or 1), int(patch or 1)


def latent_shape(shapes: dict[str, ComponentShape], label: str, width: int, height: int, frames: int) -> LatentShape:
    spatial, temporal, channels = compression(shapes)
    patch_t, patch_s = _patch(shapes)
    lat_h, lat_w = height // spatial, width // spatial
    if temporal == 1 and frames <= 1:
        latent: tuple[int, ...] = (channels, lat_h, lat_w)
        tokens = (lat_h // patch_s) * (lat_w // patch_s)
    else:
        lat_f = (frames - 1) // temporal + 1
        latent = (channels, lat_f, lat_h, lat_w)
        tokens = math.ceil(lat_f / patch_t) * (lat_h // patch_s) * (lat_w // patch_s)
    return LatentShape(label, width, height, frames, latent, tokens)


def preset_sizes(native: tuple[int, int], multiple: int) -> list[tuple[str, int, int]]:
    """The native size and the 9:16 and 1:1 sizes of about the same pixel count, snapped to ``multiple``."""
    width, height = native
    pixels = width * height

    def snap(value: float) -> int:
        return max(multiple, round(value / multiple) * multiple)

    landscape = (max(width, height), min(width, height))
    portrait = (landscape[1], landscape[0])
    square = snap(math.sqrt(pixels))
    sizes = [("native", width, height)]
    if (width, height) != portrait:
        sizes.append(("9:16", snap(portrait[0]), snap(portrait[1])))
    if width != height:
        sizes.append(("1:1", square, square))
    return sizes


def gib(count: int) -> str:
    return f"{count / 2**30:.2f} GiB"
