"""LTX-2: video with a synchronised soundtrack. ``LTX2Pipeline`` (t2v), ``LTX2ImageToVideoPipeline``
(i2v) and ``LTX2ConditionPipeline`` (task ``condition``: frames of a previous chunk, first/last image).

Every call decodes the audio too (diffusers 0.42 has no switch to skip it); the entry's ``audio``
setting says whether the clip keeps it (``keep``: ``clip.audio`` for the sound step to mix) or not.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from botkit.engine.conditioning import Conditioning
from botkit.engine.families.common import text_arguments


def arguments(
    pipe: Any, task: str, request: Any, shape: Any, conditioning: Conditioning, *, entry: Any, guidance: float
) -> dict[str, Any]:
    kwargs = text_arguments(request, entry) | {
        "height": shape.height,
        "width": shape.width,
        "num_frames": shape.num_frames,
        "frame_rate": float(request.fps),
        "guidance_scale": guidance,
    }
    if task == "i2v":
        kwargs["image"] = conditioning.image
    elif task == "condition" and (conditioning.frames or conditioning.image is not None):
        from diffusers.pipelines.ltx2.pipeline_ltx2_condition import LTX2VideoCondition

        video = conditioning.frames or [conditioning.image]
        conditions = [LTX2VideoCondition(frames=video if len(video) > 1 else video[0], index=0)]
        if conditioning.last_image is not None:
            conditions.append(LTX2VideoCondition(frames=conditioning.last_image, index=shape.num_frames - 1))
        kwargs["conditions"] = conditions
    return kwargs


def audio(pipe: Any, out: Any, entry: Any, *, frames: int, fps: int) -> tuple[np.ndarray | None, int | None]:
    """The vocoder's waveform as float32 ``[samples, channels]``, cut to the video's length."""
    waveform = getattr(out, "audio", None)
    if entry.audio != "keep" or waveform is None:
        return None, None
    import torch

    if isinstance(waveform, torch.Tensor):
        waveform = waveform.float().cpu().numpy()
    samples = np.asarray(waveform, dtype=np.float32)
    samples = samples[0] if samples.ndim == 3 else samples  # [channels, samples] of the one video
    rate = int(pipe.vocoder.config.output_sampling_rate)
    wanted = round(frames / fps * rate)
    samples = np.clip(samples.T[:wanted], -1.0, 1.0)
    return np.ascontiguousarray(samples), rate
