"""``EmbeddedVideoPipeline``: text- and image-to-video with the embedded model.

Components: a stock tiny ``WanTransformer3DModel`` denoising 8x8x4 latents (input channels: noisy
latent + clean first-frame latent + first-frame mask), the ``ToyAutoencoder``, the ``CaptionTable``
of MiniLM token embeddings and a ``FlowMatchEulerDiscreteScheduler`` (shift 3). Image-to-video
pins latent frame 0 to the encoded image at every step, so the first output frame is the image
through the autoencoder.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from typing import Any

import numpy as np
import torch

# the defining modules: mypy reads `from diffusers import X` as diffusers' dummy placeholder classes
from diffusers.models.transformers.transformer_wan import WanTransformer3DModel
from diffusers.pipelines.pipeline_utils import DiffusionPipeline
from diffusers.schedulers.scheduling_flow_match_euler_discrete import FlowMatchEulerDiscreteScheduler
from diffusers.utils import BaseOutput

from botkit.engine.embedded.autoencoder import ToyAutoencoder
from botkit.engine.embedded.sampling import (
    LATENT_CHANNELS,
    condition_channels,
    denoiser_config,
    encode_image,
    sample,
)
from botkit.engine.embedded.text import CaptionTable

__all__ = ["LATENT_CHANNELS", "EmbeddedVideoPipeline", "condition_channels", "denoiser_config"]

logger = logging.getLogger(__name__)


class EmbeddedVideoOutput(BaseOutput):
    frames: np.ndarray | torch.Tensor


class EmbeddedVideoPipeline(DiffusionPipeline):
    """Sample toy-world clips. ``image`` (uint8 ``[H, W, 3]`` or float ``[-1, 1]`` tensor, model
    size) or ``image_latents`` (``[1, C, h, w]``, e.g. the last latent frame of a previous chunk)
    switch to image-to-video."""

    model_cpu_offload_seq = "transformer->autoencoder"  # type: ignore[assignment]  # diffusers declares it `= None`, untyped

    def __init__(
        self,
        transformer: WanTransformer3DModel,
        autoencoder: ToyAutoencoder,
        captions: CaptionTable,
        scheduler: FlowMatchEulerDiscreteScheduler,
    ) -> None:
        super().__init__()
        self.register_modules(transformer=transformer, autoencoder=autoencoder, captions=captions, scheduler=scheduler)

    @classmethod
    def from_pretrained(
        cls,
        pretrained_model_name_or_path: str | os.PathLike[str],
        dtype: torch.dtype = torch.float32,
        **kwargs: Any,
    ) -> EmbeddedVideoPipeline:
        """Load a ``save_pretrained`` folder offline (``local_files_only`` always on)."""
        kwargs["local_files_only"] = True
        path = str(pretrained_model_name_or_path)
        pipe = cls(
            transformer=WanTransformer3DModel.from_pretrained(path, subfolder="transformer", dtype=dtype, **kwargs),
            autoencoder=ToyAutoencoder.from_pretrained(path, subfolder="autoencoder", dtype=dtype, **kwargs),
            captions=CaptionTable.from_pretrained(path, subfolder="captions", dtype=dtype, **kwargs),
            scheduler=FlowMatchEulerDiscreteScheduler.from_pretrained(path, subfolder="scheduler", **kwargs),
        )
        for module in (pipe.transformer, pipe.autoencoder, pipe.captions):
            module.eval()
        return pipe

    def encode_image(self, image: np.ndarray | torch.Tensor, batch: int) -> torch.Tensor:
        """The normalised latent ``[B, C, h, w]`` of a first frame."""
        return encode_image(self.autoencoder, image, batch)

    def __call__(
        self,
        prompt: str | list[str],
        image: np.ndarray | torch.Tensor | None = None,
        image_latents: torch.Tensor | None = None,
        num_frames: int = 9,
        height: int = 32,
        width: int = 32,
        num_inference_steps: int = 20,
        guidance_scale: float = 4.0,
        generator: torch.Generator | None = None,
        latents: torch.Tensor | None = None,
        output_type: str = "np",
        callback_on_step_end: Callable[[Any, int, Any, dict[str, Any]], dict[str, Any]] | None = None,
        return_dict: bool = True,
    ) -> EmbeddedVideoOutput | tuple[Any]:
        frames = sample(
            self,
            lambda x, t, text: self.transformer(x, timestep=t, encoder_hidden_states=text, return_dict=False)[0],
            self.captions.lookup,
            self.scheduler,
            self.autoencoder,
            prompt,
            image=image,
            image_latents=image_latents,
            num_frames=num_frames,
            height=height,
            width=width,
            num_inference_steps=num_inference_steps,
            guidance_scale=guidance_scale,
            generator=generator,
            latents=latents,
            output_type=output_type,
            callback_on_step_end=callback_on_step_end,
            device=self.transformer.device,
            dtype=self.transformer.dtype,
        )
        if not return_dict:
            return (frames,)
        return EmbeddedVideoOutput(frames=frames)
