"""CogVideoX: ``CogVideoXPipeline`` and ``CogVideoXImageToVideoPipeline`` (a fixed frame count)."""

from __future__ import annotations

from typing import Any

from botkit.engine.backends import Conditioning, text_arguments


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
