"""Helios: autoregressive video in chunks of 33 frames (``HeliosPipeline``: text, a first image, or
a video to continue). Long shots are one call: the pipeline carries its own history; its output is
whole chunks, trimmed to the length asked."""

from __future__ import annotations

import math
from typing import Any

from botkit.engine.conditioning import Conditioning
from botkit.engine.families.common import text_arguments, trim

postprocess = trim


def arguments(
    pipe: Any, task: str, request: Any, shape: Any, conditioning: Conditioning, *, entry: Any, guidance: float
) -> dict[str, Any]:
    kwargs = text_arguments(request, entry) | {
        "height": shape.height,
        "width": shape.width,
        "num_frames": shape.num_frames,
        "guidance_scale": guidance,
    }
    if conditioning.image is not None and task in ("i2v", "t2v", "continue"):
        kwargs["image"] = conditioning.image
    return kwargs


def progress_steps(pipe: Any, task: str, kwargs: dict[str, Any], steps: int) -> int:
    """One denoising loop per chunk of ``(num_latent_frames_per_chunk - 1) * 4 + 1`` frames."""
    per_chunk = kwargs.get("num_latent_frames_per_chunk", 9)
    window = (per_chunk - 1) * pipe.vae_scale_factor_temporal + 1
    return max(1, math.ceil(kwargs["num_frames"] / window)) * steps
