"""LTX-Video: ``LTXPipeline``, ``LTXImageToVideoPipeline`` and ``LTXConditionPipeline`` (several frames)."""

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
        "frame_rate": request.fps,
        "guidance_scale": guidance,
    }
    if task == "i2v":
        kwargs["image"] = conditioning.image
    elif task == "condition" and (conditioning.frames or conditioning.image is not None):
        from diffusers.pipelines.ltx.pipeline_ltx_condition import LTXVideoCondition

        # Several frames of the previous chunk pin motion as well as appearance; one image pins the start.
        video = conditioning.frames or [conditioning.image]
        conditions = [LTXVideoCondition(video=video, frame_index=0)]
        if conditioning.last_image is not None:
            conditions.append(LTXVideoCondition(image=conditioning.last_image, frame_index=shape.num_frames - 1))
        kwargs["conditions"] = conditions
    return kwargs
