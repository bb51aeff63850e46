"""Wan 2.1 / 2.2: ``WanPipeline`` and ``WanImageToVideoPipeline`` (incl. ``last_image``, two experts, TI2V-5B),
``WanVideoToVideoPipeline`` (task ``v2v``: restyle a video by ``strength``) and ``WanVACEPipeline``
(task ``vace``: text, a first frame, a control video and reference images in one model)."""

from __future__ import annotations

from typing import Any

from botkit.engine.conditioning import Conditioning
from botkit.engine.families.common import text_arguments, video_frames
from botkit.errors import InputError


def arguments(
    pipe: Any, task: str, request: Any, shape: Any, conditioning: Conditioning, *, entry: Any, guidance: float
) -> dict[str, Any]:
    if task == "v2v":
        kwargs = text_arguments(request, entry) | {
            "video": video_frames(conditioning.video, shape.num_frames),
            "height": shape.height,
            "width": shape.width,
            "guidance_scale": guidance,
        }
        if request.strength is not None:
            kwargs["strength"] = request.strength
        return kwargs
    if task == "vace":
        return _vace_arguments(pipe, request, shape, conditioning, entry=entry, guidance=guidance)
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


def _vace_arguments(
    pipe: Any, request: Any, shape: Any, conditioning: Conditioning, *, entry: Any, guidance: float
) -> dict[str, Any]:
    """VACE: a video and a mask say which pixels to keep (mask 0) and which to make (mask 255).

    A first frame is kept and the rest made (image-to-video); a control video is followed whole;
    reference images set appearance without being a frame of the result."""
    from PIL import Image

    kwargs = text_arguments(request, entry) | {
        "height": shape.height,
        "width": shape.width,
        "num_frames": shape.num_frames,
        "guidance_scale": guidance,
    }
    if getattr(pipe, "transformer_2", None) is not None:
        kwargs.setdefault("guidance_scale_2", guidance)
    size = (shape.width, shape.height)
    if conditioning.video:
        kwargs["video"] = video_frames(conditioning.video, shape.num_frames)
        if request.strength is not None:
            kwargs["conditioning_scale"] = request.strength
    elif conditioning.image is not None:
        gray = Image.new("RGB", size, (128, 128, 128))
        kwargs["video"] = [conditioning.image] + [gray] * (shape.num_frames - 1)
        kwargs["mask"] = [Image.new("L", size, 0)] + [Image.new("L", size, 255)] * (shape.num_frames - 1)
    if conditioning.references:
        kwargs["reference_images"] = list(conditioning.references)
    return kwargs


def progress_steps(pipe: Any, task: str, kwargs: dict[str, Any], steps: int) -> int:
    """Video-to-video denoises only the last ``strength`` of the schedule."""
    if task != "v2v":
        return steps
    strength = kwargs.get("strength", 0.8)
    return max(1, min(steps, int(steps * strength)))
