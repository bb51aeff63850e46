"""``EmbeddedVideoPipeline``: text- and image-to-video with the embedded model.

Components: a stock tiny ``WanTransformer3DModel`` denoising 8x8x4 latents (input channels: noisy
latent + clean first-frame latent + first-frame mask), the ``ToyAutoencoder``, the ``CaptionTable``
of MiniLM token embeddings and a ``FlowMatchEulerDiscreteScheduler`` (shift 3). Image-to-video
pins latent frame 0 to the encoded image at every step, so the first output frame is the image
through the autoencoder.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import torch
from diffusers import DiffusionPipeline, FlowMatchEulerDiscreteScheduler, WanTransformer3DModel
from diffusers.utils import BaseOutput

from botkit.engine.embedded.autoencoder import ToyAutoencoder
from botkit.engine.embedded.text import CaptionTable

logger = logging.getLogger(__name__)

LATENT_CHANNELS = 4


def denoiser_config() -> dict[str, Any]:
    """The tiny Wan configuration the shipped weights use."""
    return {
        "patch_size": (1, 2, 2),
        "num_attention_heads": 4,
        "attention_head_dim": 32,
        "in_channels": 2 * LATENT_CHANNELS + 1,
        "out_channels": LATENT_CHANNELS,
        "text_dim": 384,
        "freq_dim": 256,
        "ffn_dim": 512,
        "num_layers": 6,
        "cross_attn_norm": True,
        "qk_norm": "rms_norm_across_heads",
        "rope_max_seq_len": 1024,
    }


def condition_channels(first_latent: torch.Tensor | None, shape: tuple[int, ...]) -> torch.Tensor:
    """``[B, C+1, F, h, w]``: the clean first-frame latent at frame 0 (zeros elsewhere) and a mask
    that is 1 on conditioned frames. ``first_latent`` is ``[B, C, h, w]`` or None (text-only)."""
    b, c, f, h, w = shape
    cond = torch.zeros(b, c + 1, f, h, w)
    if first_latent is not None:
        cond = cond.to(first_latent)
        cond[:, :c, 0] = first_latent
        cond[:, c, 0] = 1.0
    return cond


class EmbeddedVideoOutput(BaseOutput):
    frames: np.ndarray | torch.Tensor


class EmbeddedVideoPipeline(DiffusionPipeline):
    """Sample toy-world clips. ``image`` (uint8 ``[H, W, 3]`` or float ``[-1, 1]`` tensor, model
    size) or ``image_latents`` (``[1, C, h, w]``, e.g. the last latent frame of a previous chunk)
    switch to image-to-video."""

    model_cpu_offload_seq = "transformer->autoencoder"

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
        path: str | Path,
        dtype: torch.dtype = torch.float32,  # type: ignore[override]
        **kwargs: Any,
    ) -> EmbeddedVideoPipeline:
        """Load a ``save_pretrained`` folder offline (``local_files_only`` always on)."""
        kwargs["local_files_only"] = True
        path = str(path)
        pipe = cls(
            transformer=WanTransformer3DModel.from_pretrained(path, subfolder="transformer", dtype=dtype, **kwargs),
            autoencoder=ToyAutoencoder.from_pretrained(path, subfolder="autoencoder", dtype=dtype, **kwargs),
            captions=CaptionTable.from_pretrained(path, subfolder="captions", dtype=dtype, **kwargs),
            scheduler=FlowMatchEulerDiscreteScheduler.from_pretrained(path, subfolder="scheduler", **kwargs),
        )
        for module in (pipe.transformer, pipe.autoencoder, pipe.captions):
            module.eval()
        return pipe

    def check_inputs(self, prompt: str | list[str], num_frames: int, num_inference_steps: int) -> None:
        if not isinstance(prompt, str | list):
            raise ValueError(f"prompt must be a string or a list of strings, got {type(prompt).__name__}")
        if num_frames < 2:
            raise ValueError(f"num_frames must be >= 2, got {num_frames}")
        if num_inference_steps < 1:
            raise ValueError(f"num_inference_steps must be >= 1, got {num_inference_steps}")

    def encode_image(self, image: np.ndarray | torch.Tensor, batch: int) -> torch.Tensor:
        """The normalised latent ``[B, C, h, w]`` of a first frame."""
        if isinstance(image, np.ndarray):
            image = torch.from_numpy(np.array(image)).float().permute(2, 0, 1) / 127.5 - 1.0
        if image.ndim == 3:
            image = image[None]
        image = image.to(self.autoencoder.device, self.autoencoder.dtype)
        latent = self.autoencoder.encode(image)
        return latent.expand(batch, -1, -1, -1) if latent.shape[0] == 1 else latent

    @torch.no_grad()
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
        self.check_inputs(prompt, num_frames, num_inference_steps)
        prompts = [prompt] if isinstance(prompt, str) else list(prompt)
        b = len(prompts)
        device, dtype = self.transformer.device, self.transformer.dtype
        text = self.captions.lookup(prompts).to(device, dtype)
        use_cfg = guidance_scale > 1.0
        if use_cfg:
            text = torch.cat([text, self.captions.lookup([""] * b).to(device, dtype)])

        shape = (b, LATENT_CHANNELS, num_frames, height // 4, width // 4)
        if latents is None:
            latents = torch.randn(shape, generator=generator, dtype=torch.float32).to(device, dtype)
        first = self.encode_image(image, b) if image is not None else None
        if image_latents is not None:
            first = image_latents.to(device, dtype).expand(b, -1, -1, -1)
        cond = condition_channels(first, shape).to(device, dtype)
        if first is not None:
            latents[:, :, 0] = first

        self.scheduler.set_timesteps(num_inference_steps, device=device)
        for i, t in enumerate(self.scheduler.timesteps):
            model_in = torch.cat([latents, cond], dim=1)
            if use_cfg:
                model_in = torch.cat([model_in, model_in])
            timestep = t.expand(model_in.shape[0]).to(dtype)
            velocity = self.transformer(model_in, timestep=timestep, encoder_hidden_states=text, return_dict=False)[0]
            if use_cfg:
                cond_v, uncond_v = velocity.chunk(2)
                velocity = uncond_v + guidance_scale * (cond_v - uncond_v)
            latents = self.scheduler.step(velocity.float(), t, latents.float(), return_dict=False)[0].to(dtype)
            if first is not None:
                latents[:, :, 0] = first
            if callback_on_step_end is not None:
                callback_on_step_end(self, i, t, {"latents": latents})

        if output_type == "latent":
            frames: np.ndarray | torch.Tensor = latents
        else:
            video = self.autoencoder.decode_video(latents).float().clamp(-1, 1)
            video = video.permute(0, 2, 3, 4, 1)  # [B, F, H, W, 3]
            if output_type == "pt":
                frames = video
            else:
                frames = ((video + 1) * 127.5).round().to(torch.uint8).cpu().numpy()
        if not return_dict:
            return (frames,)
        return EmbeddedVideoOutput(frames=frames)
