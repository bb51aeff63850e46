"""Kandinsky 5 (``Kandinsky5T2VPipeline``, ``Kandinsky5I2VPipeline``): Qwen2.5-VL and CLIP text encoders,
a HunyuanVideo VAE; 4k+1 frames, sizes in multiples of 16."""

from __future__ import annotations

from typing import Any

from botkit.engine.conditioning import Conditioning
from botkit.engine.families.common import text_arguments


def arguments(
    pipe: Any, task: str, request: Any, shape: Any, conditioning: Conditioning, *, entry: Any, guidance: float
) -> dict[str, Any]:
    kwargs = text_arguments(request, entry) | {
        "height": shape.height,
        "width": shape.width,
        "num_frames": shape.num_frames,
        "guidance_scale": guidance,
    }
    if task == "i2v":
        kwargs["image"] = conditioning.image
    return kwargs
