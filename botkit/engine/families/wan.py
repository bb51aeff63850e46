"""Wan 2.1 / 2.2: ``WanPipeline`` and ``WanImageToVideoPipeline`` (incl. ``last_image``, two experts, TI2V-5B)."""

from __future__ import annotations

from typing import Any

from botkit.engine.conditioning import Conditioning
from botkit.engine.families.common import text_arguments
from botkit.errors import InputError


def arguments(
    pipe: Any, task: str, request: Any, shape: Any, conditioning: Conditioning, *, entry: Any, guidance: float
) -> dict[str, Any]:
    kwargs = text_arguments(request, entry) | {
        "height": shape.height,
        "width": shape.width,
        "num_frames": shape.num_frames,
        "guidance_scale": guidance,
    }
    if getattr(pipe, "transformer_2", None) is not None:
        kwargs.setdefault("guidance_scale_2", guidance)  # the low-noise expert; the entry's call may override
    if task == "i2v":
        kwargs["image"] = conditioning.image
        if conditioning.last_image is None and _needs_last_image(pipe):
            raise InputError("this Wan first-last-frame model needs a last image (request.last_image)")
        if conditioning.last_image is not None and getattr(pipe, "image_encoder", None) is not None:
            if not _needs_last_image(pipe):
                raise InputError(
                    "this Wan 2.1 I2V model cannot take a last image: use an FLF2V checkpoint or Wan 2.2 I2V"
                )
        if conditioning.last_image is not None:
            kwargs["last_image"] = conditioning.last_image
    elif conditioning.last_image is not None:
        raise InputError("last_image needs an image-to-video shot (task 'i2v')")
    return kwargs


def _needs_last_image(pipe: Any) -> bool:
    """FLF2V checkpoints embed two images as one sequence (``pos_embed_seq_len`` set)."""
    return getattr(pipe.transformer.config, "pos_embed_seq_len", None) is not None


def needs_last_image(pipe: Any) -> bool:
    """Capabilities hook: an image-to-video pipeline of this checkpoint needs a last image too."""
    return getattr(pipe, "image_encoder", None) is not None and _needs_last_image(pipe)
