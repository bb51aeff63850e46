"""Any diffusers video pipeline that follows the common call convention (CogVideoX T2V, I2V and V2V too)."""

from __future__ import annotations

from typing import Any

from botkit.engine.conditioning import Conditioning
from botkit.engine.families.common import text_arguments, video_frames


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
    elif task == "v2v":  # the video sets the length: no num_frames
        del kwargs["num_frames"]
        kwargs["video"] = video_frames(conditioning.video, shape.num_frames)
        if request.strength is not None:
            kwargs["strength"] = request.strength
    return kwargs


def progress_steps(pipe: Any, task: str, kwargs: dict[str, Any], steps: int) -> int:
    """Video-to-video denoises only the last ``strength`` of the schedule."""
    if task != "v2v":
        return steps
    strength = kwargs.get("strength", 0.8)
    return max(1, min(steps, int(steps * strength)))
