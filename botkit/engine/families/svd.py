"""Stable Video Diffusion: image-only (no prompt), ``fps`` and motion conditioning, guidance ramped min..max."""

from __future__ import annotations

from typing import Any

from botkit.engine.conditioning import Conditioning


def arguments(
    pipe: Any, task: str, request: Any, shape: Any, conditioning: Conditioning, *, entry: Any, guidance: float
) -> dict[str, Any]:
    return {
        "image": conditioning.image,
        "height": shape.height,
        "width": shape.width,
        "num_frames": shape.num_frames,
        "fps": max(1, request.fps - 1),  # SVD was conditioned on fps - 1
        "max_guidance_scale": guidance,
        "decode_chunk_size": 8,
        **entry.call,
    }
