"""HunyuanVideo 1.5: guidance through a ``guider`` component, no ``guidance_scale`` and no step callback.

``PipelineEngine`` reports progress by wrapping the pipeline's progress bar instead.
"""

from __future__ import annotations

from typing import Any

from botkit.engine.conditioning import Conditioning
from botkit.engine.families.common import prompt_with_camera


def arguments(
    pipe: Any, task: str, request: Any, shape: Any, conditioning: Conditioning, *, entry: Any, guidance: float
) -> dict[str, Any]:
    guider = getattr(pipe, "guider", None)
    if guider is not None and hasattr(guider, "guidance_scale"):
        guider.guidance_scale = guidance
    kwargs: dict[str, Any] = {
        "prompt": prompt_with_camera(request),
        "negative_prompt": request.negative_prompt or None,
        "num_frames": shape.num_frames,
        **entry.call,
    }
    if task == "i2v":
        kwargs["image"] = conditioning.image  # the i2v pipeline takes its size from the image
    else:
        kwargs |= {"height": shape.height, "width": shape.width}
    return kwargs
