"""The embedded model's sampling loop, shared by the diffusers pipeline (training, ``from_pipe``)
and the plain-torch run-time model: text -> latents, classifier-free guidance, the first latent
frame pinned for image-to-video. No diffusers import here."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

import numpy as np
import torch

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


def check_inputs(prompt: str | list[str], num_frames: int, num_inference_steps: int) -> None:
    if not isinstance(prompt, str | list):
        raise ValueError(f"prompt must be a string or a list of strings, got {type(prompt).__name__}")
    if num_frames < 2:
        raise ValueError(f"num_frames must be >= 2, got {num_frames}")
    if num_inference_steps < 1:
        raise ValueError(f"num_inference_steps must be >= 1, got {num_inference_steps}")


class Schedule(Protocol):
    timesteps: torch.Tensor

    def set_timesteps(self, num_inference_steps: int, device: Any = None) -> None: ...

    def step(self, model_output: torch.Tensor, timestep: Any, sample: torch.Tensor, return_dict: bool = ...) -> Any: ...


def encode_image(autoencoder: Any, image: np.ndarray | torch.Tensor, batch: int) -> torch.Tensor:
    """The normalised latent ``[B, C, h, w]`` of a first frame (uint8 ``[H, W, 3]`` or ``[-1, 1]`` tensor)."""
    if isinstance(image, np.ndarray):
        image = torch.from_numpy(np.array(image)).float().permute(2, 0, 1) / 127.5 - 1.0
    if image.ndim == 3:
        image = image[None]
    image = image.to(autoencoder.device, autoencoder.dtype)
    latent = autoencoder.encode(image)
    return latent.expand(batch, -1, -1, -1) if latent.shape[0] == 1 else latent


Denoise = Callable[[torch.Tensor, torch.Tensor, torch.Tensor], torch.Tensor]


@torch.no_grad()
def sample(
    owner: Any,
    denoise: Denoise,
    lookup: Callable[[list[str]], torch.Tensor],
    scheduler: Schedule,
    autoencoder: Any,
    prompt: str | list[str],
    *,
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
    callback_on_step_end: Callable[[Any, int, Any, dict[str, Any]], Any] | None = None,
    device: torch.device | None = None,
    dtype: torch.dtype = torch.float32,
) -> np.ndarray | torch.Tensor:
    """Sample clips: ``latent`` (``[B, C, F, h, w]``), ``pt`` (``[B, F, H, W, 3]`` in [-1, 1]) or ``np`` (uint8)."""
    check_inputs(prompt, num_frames, num_inference_steps)
    prompts = [prompt] if isinstance(prompt, str) else list(prompt)
    b = len(prompts)
    text = lookup(prompts).to(device, dtype)
    use_cfg = guidance_scale > 1.0
    if use_cfg:
        text = torch.cat([text, lookup([""] * b).to(device, dtype)])

    shape = (b, LATENT_CHANNELS, num_frames, height // 4, width // 4)
    if latents is None:
        latents = torch.randn(shape, generator=generator, dtype=torch.float32).to(device, dtype)
    first = encode_image(autoencoder, image, b) if image is not None else None
    if image_latents is not None:
        first = image_latents.to(device, dtype).expand(b, -1, -1, -1)
    cond = condition_channels(first, shape).to(device, dtype)
    if first is not None:
        latents[:, :, 0] = first

    scheduler.set_timesteps(num_inference_steps, device=device)
    for i, t in enumerate(scheduler.timesteps):
        model_in = torch.cat([latents, cond], dim=1)
        if use_cfg:
            model_in = torch.cat([model_in, model_in])
        timestep = t.expand(model_in.shape[0]).to(dtype)
        velocity = denoise(model_in, timestep, text)
        if use_cfg:
            cond_v, uncond_v = velocity.chunk(2)
            velocity = uncond_v + guidance_scale * (cond_v - uncond_v)
        latents = scheduler.step(velocity.float(), t, latents.float(), return_dict=False)[0].to(dtype)
        if first is not None:
            latents[:, :, 0] = first
        if callback_on_step_end is not None:
            callback_on_step_end(owner, i, t, {"latents": latents})

    if output_type == "latent":
        return latents
    video = autoencoder.decode_video(latents).float().clamp(-1, 1).permute(0, 2, 3, 4, 1)  # [B, F, H, W, 3]
    if output_type == "pt":
        return video
    return ((video + 1) * 127.5).round().to(torch.uint8).cpu().numpy()
