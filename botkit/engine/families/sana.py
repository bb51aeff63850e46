"""SanaVideo: frames are ``frames=`` (not ``num_frames``); no LLM prompt rewriting, no size binning."""

from __future__ import annotations

from typing import Any

from botkit.engine.conditioning import Conditioning
from botkit.engine.families.common import text_arguments


def arguments(
    pipe: Any, task: str, request: Any, shape: Any, conditioning: Conditioning, *, entry: Any, guidance: float
) -> dict[str, Any]:
    return {
        "complex_human_instruction": None,
        "use_resolution_binning": False,
        **text_arguments(request, entry),
        "negative_prompt": request.negative_prompt,  # Sana lower-cases it: a string, never None
        "height": shape.height,
        "width": shape.width,
        "frames": shape.num_frames,
        "guidance_scale": guidance,
    }
