"""LTX-Video: ``LTXPipeline``, ``LTXImageToVideoPipeline``, ``LTXConditionPipeline`` (several frames) and
``LTXI2VLongMultiPromptPipeline`` (task ``long``: temporal tiles, ``|``-separated prompts, output trimmed)."""

from __future__ import annotations

import math
from typing import Any

from botkit.engine.conditioning import Conditioning
from botkit.engine.families.common import text_arguments, trim

postprocess = trim  # the long pipeline renders whole tiles: more frames than asked

_LONG_ONLY = (
    "temporal_tile_size",
    "temporal_overlap",
    "temporal_overlap_cond_strength",
    "adain_factor",
    "cond_strength",
    "decode_horizontal_tiles",
    "decode_vertical_tiles",
    "decode_overlap",
)


def arguments(
    pipe: Any, task: str, request: Any, shape: Any, conditioning: Conditioning, *, entry: Any, guidance: float
) -> dict[str, Any]:
    kwargs = text_arguments(request, entry) | {
        "height": shape.height,
        "width": shape.width,
        "num_frames": shape.num_frames,
        "frame_rate": request.fps,
        "guidance_scale": guidance,
    }
    if task == "long":
        return kwargs | _long_arguments(request, shape, conditioning, entry)
    for key in _LONG_ONLY:
        kwargs.pop(key, None)
    if task == "i2v":
        kwargs["image"] = conditioning.image
    elif task == "condition" and (conditioning.frames or conditioning.image is not None):
        from diffusers.pipelines.ltx.pipeline_ltx_condition import LTXVideoCondition

        # Several frames of the previous chunk pin motion as well as appearance; one image pins the start.
        video = conditioning.frames or [image for image in (conditioning.image,) if image is not None]
        conditions = [LTXVideoCondition(video=video, frame_index=0)]
        if conditioning.last_image is not None:
            conditions.append(LTXVideoCondition(image=conditioning.last_image, frame_index=shape.num_frames - 1))
        kwargs["conditions"] = conditions
    return kwargs


def _long_arguments(request: Any, shape: Any, conditioning: Conditioning, entry: Any) -> dict[str, Any]:
    tile = entry.call.get("temporal_tile_size") or (entry.max_frames or 161) - 1
    small = shape.width < 256 or shape.height < 256
    kwargs: dict[str, Any] = {
        "seed": request.seed,  # the pipeline seeds each temporal tile from this
        "temporal_tile_size": tile,
        "temporal_overlap": entry.call.get("temporal_overlap") or max(8, tile // 4 // 8 * 8),
    }
    if small:
        kwargs |= {"decode_horizontal_tiles": 1, "decode_vertical_tiles": 1}
    if conditioning.image is not None:
        kwargs["cond_image"] = conditioning.image
    return kwargs


def progress_steps(pipe: Any, task: str, kwargs: dict[str, Any], steps: int) -> int:
    """The long pipeline calls back ``steps - 1`` times in each temporal tile."""
    if task != "long":
        return steps
    compression = pipe.vae_temporal_compression_ratio
    latent_frames = (kwargs["num_frames"] - 1) // compression + 1
    tile, overlap = kwargs["temporal_tile_size"] // compression, kwargs["temporal_overlap"] // compression
    tiles = 1 + max(0, math.ceil((latent_frames - tile) / max(1, tile - overlap)))
    return tiles * max(1, steps - 1)
