"""SkyReels-V2 diffusion forcing: long video natively by a sliding window over latent frames.

``base_num_frames``, ``overlap_history``, ``ar_step`` and ``causal_block_size`` come from the entry's
``call``; the pipeline may round the length up, so the output is trimmed to the snapped count.
"""

from __future__ import annotations

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
    if "overlap_history" in kwargs and shape.num_frames <= kwargs.get("base_num_frames", 97):
        del kwargs["overlap_history"]  # one window: no history to overlap
    if task == "i2v":
        kwargs["image"] = conditioning.image
        if conditioning.last_image is not None:
            kwargs["last_image"] = conditioning.last_image
    return kwargs
