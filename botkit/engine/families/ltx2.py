"""LTX-2: video with a synchronised soundtrack. ``LTX2Pipeline`` (t2v), ``LTX2ImageToVideoPipeline``
(i2v) and ``LTX2ConditionPipeline`` (task ``condition``: frames of a previous chunk, first/last image).

Every call decodes the audio too (diffusers 0.42 has no switch to skip it); the entry's ``audio``
setting says whether the clip keeps it (``keep``: ``clip.audio`` for the sound step to mix) or not.
"""

from __future__ import annotations

import importlib.util
import logging
from typing import Any

import numpy as np

from botkit.engine.conditioning import Conditioning
from botkit.engine.families.common import text_arguments

logger = logging.getLogger(__name__)


def _crf() -> dict[str, int]:
    """LTX-2 re-compresses an image condition with H.264 (as in training) through PyAV; without PyAV
    the image is used as it is (``crf=0``), which the model was not trained on: install ``av``."""
    if importlib.util.find_spec("av") is not None:
        return {}
    logger.warning("PyAV is not installed: LTX-2 image conditions are not H.264 re-compressed (pip install av)")
    return {"crf": 0}


def arguments(
    pipe: Any, task: str, request: Any, shape: Any, conditioning: Conditioning, *, entry: Any, guidance: float
) -> dict[str, Any]:
    kwargs: dict[str, Any] = text_arguments(request, entry) | {
        "height": shape.height,
        "width": shape.width,
        "num_frames": shape.num_frames,
        "frame_rate": float(request.fps),
        "guidance_scale": guidance,
    }
    if task == "i2v":
        kwargs["image"] = conditioning.image
        kwargs |= {"image_crf": level} if (level := _crf().get("crf")) is not None else {}
    elif task == "condition" and (conditioning.frames or conditioning.image is not None):
        from diffusers.pipelines.ltx2.pipeline_ltx2_condition import LTX2VideoCondition

        video = conditioning.frames
        if not video and conditioning.image is not None:
            video = [conditioning.image]
        crf = _crf()
        conditions = [LTX2VideoCondition(frames=video if len(video) > 1 else video[0], index=0, **crf)]
        if conditioning.last_image is not None:
            conditions.append(LTX2VideoCondition(frames=conditioning.last_image, index=shape.num_frames - 1, **crf))
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
