"""AnyFlow-FAR (``AnyFlowFARPipeline``, task ``continue``): few-step flow-map distillation of Wan 2.1 with
chunk-wise causal generation. One pipeline does text-to-video, image-to-video (a one-frame context)
and continuation (the last ``4n+1`` frames of a previous chunk as context), so long shots need no
cross-fade guesswork: the context frames come back first and the new ones follow them.

``chunk_partition`` (latent frames per causal chunk) must add up to the latent length; it is made
from the checkpoint's own partition: its first chunk, then chunks of its usual size.
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
        "guidance_scale": guidance,
    }
    compression = pipe.vae_scale_factor_temporal
    latent_frames = (shape.num_frames - 1) // compression + 1
    kwargs.setdefault("chunk_partition", chunk_partition(list(pipe.transformer.config.chunk_partition), latent_frames))
    context = conditioning.frames or ([conditioning.image] if conditioning.image is not None else [])
    if context:
        usable = (len(context) - 1) // compression * compression + 1  # the pipeline wants 4n+1 frames
        kwargs["video"] = _video_tensor(context[-usable:])
    return kwargs


def chunk_partition(released: list[int], latent_frames: int) -> list[int]:
    """Latent frames per causal chunk, summing to ``latent_frames``: the released partition's first
    chunk, then its usual chunk size, the last chunk shorter where needed."""
    first = min(released[0], latent_frames)
    size = max(released[1:] or released)
    parts, left = [first], latent_frames - first
    while left > 0:
        parts.append(min(size, left))
        left -= parts[-1]
    return parts


def _video_tensor(frames: list[Any]) -> Any:
    import torch

    array = np.stack([np.asarray(frame.convert("RGB"), dtype=np.float32) / 255.0 for frame in frames])
    return torch.from_numpy(array).permute(0, 3, 1, 2).unsqueeze(0)  # (1, T, C, H, W) in [0, 1]


def progress_steps(pipe: Any, task: str, kwargs: dict[str, Any], steps: int) -> int:
    """One denoising loop per chunk that is not context."""
    parts = kwargs["chunk_partition"]
    video = kwargs.get("video")
    if video is None:
        return len(parts) * steps
    latent_context = (video.shape[1] - 1) // pipe.vae_scale_factor_temporal + 1
    done, context_chunks = 0, 0
    for part in parts:
        if done >= latent_context:
            break
        done += part
        context_chunks += 1
    return max(1, len(parts) - context_chunks) * steps
