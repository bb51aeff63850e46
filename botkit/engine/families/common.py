"""Helpers every family module shares: prompt with camera words, text arguments, trimming."""

from __future__ import annotations

from typing import Any

import numpy as np


def prompt_with_camera(request: Any) -> str:
    """The shot's prompt, with its camera words appended when the prompt does not say them already."""
    camera = (request.camera or "").strip()
    if camera and camera != "static" and camera.lower() not in request.prompt.lower():
        return f"{request.prompt}, {camera}"
    return request.prompt


def text_arguments(request: Any, entry: Any) -> dict[str, Any]:
    """prompt (with camera words) / negative_prompt plus the entry's fixed call arguments."""
    return {"prompt": prompt_with_camera(request), "negative_prompt": request.negative_prompt or None, **entry.call}


def trim(frames: np.ndarray, shape: Any) -> np.ndarray:
    """Pipelines that round the length up (SkyReels DF, LTX long) are trimmed to the snapped count."""
    return frames[: shape.num_frames]


def video_frames(frames: list[Any], count: int) -> list[Any]:
    """Exactly ``count`` frames of an input video: cut, or held on its last frame when the model's
    frame rule rounded the length up."""
    if not frames:
        raise ValueError("video_frames needs at least one frame")
    return list(frames[:count]) + [frames[-1]] * max(0, count - len(frames))
