"""The embedded model's networks in plain torch, loadable without importing diffusers.

* ``WanDenoiser``: the forward pass of diffusers' ``WanTransformer3DModel`` for the configuration
  the shipped weights use (text-only cross-attention, ``rms_norm_across_heads``), with the same
  parameter names, so the shipped ``transformer/`` weights load into it unchanged.
* ``toy_encoder`` / ``toy_decoder`` / ``Codec``: the ``ToyAutoencoder`` layers (the diffusers
  wrapper in ``autoencoder.py`` builds the same layers from here).
* ``FlowMatchEuler``: ``FlowMatchEulerDiscreteScheduler``'s schedule and Euler step for a static
  shift (the shipped scheduler config).

Why: ``import diffusers`` pulls in torch._dynamo, transformers, scipy and sympy, 2.5 s and more of
a ``botkit chat`` start, for a 1.8 M-parameter model. ``tests/engine/test_embedded_runtime.py``
checks every piece against diffusers' own on the shipped weights.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

# -- the autoencoder ------------------------------------------------------------------------------


class ResBlock(nn.Module):
    def __init__(self, channels: int) -> None:
        super().__init__()
        self.body = nn.Sequential(
            nn.SiLU(),
            nn.Conv2d(channels, channels, 3, padding=1),
            nn.SiLU(),
            nn.Conv2d(channels, channels, 3, padding=1),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.body(x)


def toy_encoder(channels: int, latent_channels: int) -> nn.Sequential:
    """32x32x3 -> 8x8xC: full resolution kept thin (it dominates the cost), the work at 16 and 8."""
    c, h = channels, channels // 2
    return nn.Sequential(
        nn.Conv2d(3, h, 3, padding=1), nn.SiLU(),
        nn.Conv2d(h, c, 3, stride=2, padding=1), ResBlock(c),
        nn.Conv2d(c, c, 3, stride=2, padding=1), ResBlock(c),
        nn.SiLU(), nn.Conv2d(c, latent_channels, 3, padding=1),
    )  # fmt: skip


def toy_decoder(channels: int, latent_channels: int) -> nn.Sequential:
    c, h = channels, channels // 2
    return nn.Sequential(
        nn.Conv2d(latent_channels, c, 3, padding=1), ResBlock(c), ResBlock(c),
        nn.Upsample(scale_factor=2, mode="nearest"), nn.Conv2d(c, c, 3, padding=1), ResBlock(c),
        nn.Upsample(scale_factor=2, mode="nearest"), nn.Conv2d(c, h, 3, padding=1), nn.SiLU(),
        nn.Conv2d(h, h, 3, padding=1), nn.SiLU(), nn.Conv2d(h, 3, 3, padding=1),
    )  # fmt: skip


class CodecMethods:
    """Encode/decode with per-channel latent normalisation; shared by ``Codec`` and ``ToyAutoencoder``."""

    encoder: nn.Module
    decoder: nn.Module
    latent_mean: torch.Tensor
    latent_std: torch.Tensor

    def encode(self, images: torch.Tensor) -> torch.Tensor:
        raw = self.encoder(images)
        return (raw - self.latent_mean[:, None, None]) / self.latent_std[:, None, None]

    def decode(self, latents: torch.Tensor) -> torch.Tensor:
        raw = latents * self.latent_std[:, None, None] + self.latent_mean[:, None, None]
        return self.decoder(raw)

    def encode_video(self, video: torch.Tensor) -> torch.Tensor:
        """``[B, 3, F, H, W]`` -> ``[B, C, F, h, w]``."""
        b, _, f, h, w = video.shape
        z = self.encode(video.permute(0, 2, 1, 3, 4).reshape(b * f, 3, h, w))
        return z.reshape(b, f, *z.shape[1:]).permute(0, 2, 1, 3, 4)

    def decode_video(self, latents: torch.Tensor) -> torch.Tensor:
        """``[B, C, F, h, w]`` -> ``[B, 3, F, H, W]``."""
        b, c, f, h, w = latents.shape
        x = self.decode(latents.permute(0, 2, 1, 3, 4).reshape(b * f, c, h, w))
        return x.reshape(b, f, *x.shape[1:]).permute(0, 2, 1, 3, 4)


class Codec(CodecMethods, nn.Module):
    def __init__(self, channels: int = 48, latent_channels: int = 4) -> None:
        super().__init__()
        self.encoder = toy_encoder(channels, latent_channels)
        self.decoder = toy_decoder(channels, latent_channels)
        self.register_buffer("latent_mean", torch.zeros(latent_channels))
        self.register_buffer("latent_std", torch.ones(latent_channels))

    @property
    def device(self) -> torch.device:
        return self.latent_mean.device

    @property
    def dtype(self) -> torch.dtype:
        return self.latent_mean.dtype


# -- the denoiser ---------------------------------------------------------------------------------


def timestep_embedding(timesteps: torch.Tensor, dim: int, max_period: int = 10000) -> torch.Tensor:
    """Sinusoidal embedding, cos first (diffusers' ``Timesteps(flip_sin_to_cos=True, downscale_freq_shift=0)``)."""
    half = dim // 2
    exponent = -math.log(max_period) * torch.arange(half, dtype=torch.float32, device=timesteps.device) / half
    angles = timesteps[:, None].float() * torch.exp(exponent)[None, :]
    return torch.cat([torch.cos(angles), torch.sin(angles)], dim=-1)


def rotary_tables(head_dim: int, max_len: int, theta: float = 10000.0) -> tuple[torch.Tensor, torch.Tensor]:
    """Wan's 3-D RoPE tables: [max_len, head_dim] cos and sin for (time, height, width) parts."""
    side = 2 * (head_dim // 6)
    cos, sin = [], []
    for dim in (head_dim - 2 * side, side, side):
        freqs = 1.0 / (theta ** (torch.arange(0, dim, 2, dtype=torch.float64) / dim))
        angles = torch.outer(torch.arange(max_len, dtype=torch.float64), freqs)
        cos.append(angles.cos().repeat_interleave(2, dim=1).float())
        sin.append(angles.sin().repeat_interleave(2, dim=1).float())
    return torch.cat(cos, dim=1), torch.cat(sin, dim=1)


def apply_rotary(x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
    x1, x2 = x.unflatten(-1, (-1, 2)).unbind(-1)
    cos, sin = cos[..., 0::2], sin[..., 1::2]
    out = torch.empty_like(x)
    out[..., 0::2] = x1 * cos - x2 * sin
    out[..., 1::2] = x1 * sin + x2 * cos
    return out.type_as(x)


class Attention(nn.Module):
    def __init__(self, dim: int, heads: int, eps: float) -> None:
        super().__init__()
        self.heads = heads
        self.to_q, self.to_k, self.to_v = nn.Linear(dim, dim), nn.Linear(dim, dim), nn.Linear(dim, dim)
        self.to_out = nn.ModuleList([nn.Linear(dim, dim), nn.Dropout(0.0)])
        self.norm_q = nn.RMSNorm(dim, eps=eps, elementwise_affine=True)
        self.norm_k = nn.RMSNorm(dim, eps=eps, elementwise_affine=True)

    def forward(
        self, x: torch.Tensor, context: torch.Tensor | None, rotary: tuple[torch.Tensor, torch.Tensor] | None
    ) -> torch.Tensor:
        source = x if context is None else context
        q = self.norm_q(self.to_q(x)).unflatten(2, (self.heads, -1))
        k = self.norm_k(self.to_k(source)).unflatten(2, (self.heads, -1))
        v = self.to_v(source).unflatten(2, (self.heads, -1))
        if rotary is not None:
            q, k = apply_rotary(q, *rotary), apply_rotary(k, *rotary)
        out = F.scaled_dot_product_attention(q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2)).transpose(1, 2)
        return self.to_out[0](out.flatten(2, 3).type_as(q))


class _GeluProjection(nn.Module):
    def __init__(self, dim: int, inner: int) -> None:
        super().__init__()
        self.proj = nn.Linear(dim, inner)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.gelu(self.proj(x), approximate="tanh")


class FeedForward(nn.Module):
    def __init__(self, dim: int, inner: int) -> None:
        super().__init__()
        self.net = nn.ModuleList([_GeluProjection(dim, inner), nn.Dropout(0.0), nn.Linear(inner, dim)])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net[2](self.net[0](x))


class Block(nn.Module):
    def __init__(self, dim: int, ffn_dim: int, heads: int, eps: float) -> None:
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps, elementwise_affine=False)
        self.attn1 = Attention(dim, heads, eps)
        self.attn2 = Attention(dim, heads, eps)
        self.norm2 = nn.LayerNorm(dim, eps, elementwise_affine=True)
        self.ffn = FeedForward(dim, ffn_dim)
        self.norm3 = nn.LayerNorm(dim, eps, elementwise_affine=False)
        self.scale_shift_table = nn.Parameter(torch.zeros(1, 6, dim))

    def forward(
        self, x: torch.Tensor, context: torch.Tensor, temb: torch.Tensor, rotary: tuple[torch.Tensor, torch.Tensor]
    ) -> torch.Tensor:
        shift, scale, gate, c_shift, c_scale, c_gate = (self.scale_shift_table + temb.float()).chunk(6, dim=1)
        h = (self.norm1(x.float()) * (1 + scale) + shift).type_as(x)
        x = (x.float() + self.attn1(h, None, rotary) * gate).type_as(x)
        x = x + self.attn2(self.norm2(x.float()).type_as(x), context, None)
        h = (self.norm3(x.float()) * (1 + c_scale) + c_shift).type_as(x)
        return (x.float() + self.ffn(h).float() * c_gate).type_as(x)


class _TwoLayers(nn.Module):
    def __init__(self, fan_in: int, dim: int, activation: nn.Module) -> None:
        super().__init__()
        self.linear_1, self.act, self.linear_2 = nn.Linear(fan_in, dim), activation, nn.Linear(dim, dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.linear_2(self.act(self.linear_1(x)))


class _Conditions(nn.Module):
    def __init__(self, dim: int, freq_dim: int, text_dim: int) -> None:
        super().__init__()
        self.freq_dim = freq_dim
        self.time_embedder = _TwoLayers(freq_dim, dim, nn.SiLU())
        self.time_proj = nn.Linear(dim, dim * 6)
        self.text_embedder = _TwoLayers(text_dim, dim, nn.GELU(approximate="tanh"))

    def forward(self, timestep: torch.Tensor, text: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        temb = self.time_embedder(timestep_embedding(timestep, self.freq_dim).to(text.dtype)).type_as(text)
        return temb, self.time_proj(F.silu(temb)), self.text_embedder(text)


SUPPORTED = {"added_kv_proj_dim": None, "image_dim": None, "pos_embed_seq_len": None, "cross_attn_norm": True}


class WanDenoiser(nn.Module):
    """``WanTransformer3DModel.forward`` for text-conditioned models (the embedded configuration)."""

    def __init__(
        self,
        patch_size: tuple[int, int, int] = (1, 2, 2),
        num_attention_heads: int = 4,
        attention_head_dim: int = 32,
        in_channels: int = 9,
        out_channels: int = 4,
        text_dim: int = 384,
        freq_dim: int = 256,
        ffn_dim: int = 512,
        num_layers: int = 6,
        eps: float = 1e-6,
        rope_max_seq_len: int = 1024,
        qk_norm: str = "rms_norm_across_heads",
        **others: Any,
    ) -> None:
        super().__init__()
        unsupported = {k: v for k, v in others.items() if not k.startswith("_") and SUPPORTED.get(k, v) != v}
        if qk_norm != "rms_norm_across_heads" or unsupported:
            raise ValueError(f"WanDenoiser supports text-only Wan configurations; got {unsupported or qk_norm}")
        dim = num_attention_heads * attention_head_dim
        p_t, p_h, p_w = patch_size
        self.patch_size = (p_t, p_h, p_w)
        self.rotary_cos, self.rotary_sin = rotary_tables(attention_head_dim, rope_max_seq_len)
        self.rotary_split = [attention_head_dim - 4 * (attention_head_dim // 6)] + [2 * (attention_head_dim // 6)] * 2
        self.patch_embedding = nn.Conv3d(in_channels, dim, kernel_size=self.patch_size, stride=self.patch_size)
        self.condition_embedder = _Conditions(dim, freq_dim, text_dim)
        self.blocks = nn.ModuleList([Block(dim, ffn_dim, num_attention_heads, eps) for _ in range(num_layers)])
        self.norm_out = nn.LayerNorm(dim, eps, elementwise_affine=False)
        self.proj_out = nn.Linear(dim, out_channels * math.prod(self.patch_size))
        self.scale_shift_table = nn.Parameter(torch.zeros(1, 2, dim))

    @property
    def device(self) -> torch.device:
        return self.proj_out.weight.device

    @property
    def dtype(self) -> torch.dtype:
        return self.proj_out.weight.dtype

    def rotary(self, frames: int, height: int, width: int) -> tuple[torch.Tensor, torch.Tensor]:
        tables = []
        for table in (self.rotary_cos, self.rotary_sin):
            t, h, w = table.to(self.device).split(self.rotary_split, dim=1)
            parts = [
                t[:frames].view(frames, 1, 1, -1).expand(frames, height, width, -1),
                h[:height].view(1, height, 1, -1).expand(frames, height, width, -1),
                w[:width].view(1, 1, width, -1).expand(frames, height, width, -1),
            ]
            tables.append(torch.cat(parts, dim=-1).reshape(1, frames * height * width, 1, -1))
        return tables[0], tables[1]

    def forward(self, x: torch.Tensor, timestep: torch.Tensor, encoder_hidden_states: torch.Tensor) -> torch.Tensor:
        b, _, f, h, w = x.shape
        p_t, p_h, p_w = self.patch_size
        frames, height, width = f // p_t, h // p_h, w // p_w
        rotary = self.rotary(frames, height, width)
        x = self.patch_embedding(x).flatten(2).transpose(1, 2).contiguous()
        temb, projected, context = self.condition_embedder(timestep, encoder_hidden_states)
        projected = projected.unflatten(1, (6, -1))
        for block in self.blocks:
            x = block(x, context, projected, rotary)
        shift, scale = (self.scale_shift_table + temb.unsqueeze(1)).chunk(2, dim=1)
        x = self.proj_out((self.norm_out(x.float()) * (1 + scale) + shift).type_as(x))
        x = x.reshape(b, frames, height, width, p_t, p_h, p_w, -1).permute(0, 7, 1, 4, 2, 5, 3, 6)
        return x.flatten(6, 7).flatten(4, 5).flatten(2, 3)


# -- the schedule ---------------------------------------------------------------------------------


class FlowMatchEuler:
    """``FlowMatchEulerDiscreteScheduler`` with a static ``shift``: the same sigmas, the same Euler steps."""

    def __init__(self, num_train_timesteps: int = 1000, shift: float = 1.0) -> None:
        self.steps_trained, self.shift = num_train_timesteps, shift
        train = torch.from_numpy(
            np.linspace(1, num_train_timesteps, num_train_timesteps, dtype=np.float32)[::-1].copy()
        )
        sigmas = self._shifted(train / num_train_timesteps)
        self.sigma_min, self.sigma_max = sigmas[-1].item(), sigmas[0].item()
        self.timesteps = torch.empty(0)
        self.sigmas = torch.empty(0)
        self._index = 0

    def _shifted(self, sigmas: Any) -> Any:
        return self.shift * sigmas / (1 + (self.shift - 1) * sigmas)

    def set_timesteps(self, num_inference_steps: int, device: str | torch.device | None = None) -> None:
        timesteps = np.linspace(
            self.sigma_max * self.steps_trained, self.sigma_min * self.steps_trained, num_inference_steps
        )
        sigmas = torch.from_numpy(self._shifted(timesteps / self.steps_trained)).to(dtype=torch.float32, device=device)
        self.timesteps = sigmas * self.steps_trained
        self.sigmas = torch.cat([sigmas, torch.zeros(1, device=sigmas.device)])
        self._index = 0

    def step(
        self, model_output: torch.Tensor, timestep: torch.Tensor, sample: torch.Tensor, return_dict: bool = False
    ) -> tuple[torch.Tensor]:
        sample = sample.to(torch.float32)
        previous = sample + (self.sigmas[self._index + 1] - self.sigmas[self._index]) * model_output
        self._index += 1
        return (previous.to(model_output.dtype),)


STATIC_SCHEDULE = {"use_dynamic_shifting": False, "invert_sigmas": False, "shift_terminal": None,
                   "use_karras_sigmas": False, "use_exponential_sigmas": False, "use_beta_sigmas": False,
                   "stochastic_sampling": False}  # fmt: skip


def read_config(folder: Path) -> dict[str, Any]:
    for name in ("config.json", "scheduler_config.json"):
        if (folder / name).is_file():
            config: dict[str, Any] = json.loads((folder / name).read_text(encoding="utf-8"))
            return config
    raise FileNotFoundError(f"no config.json in {folder}")


def schedule_from(config: dict[str, Any]) -> FlowMatchEuler:
    differs = {k: config.get(k, v) for k, v in STATIC_SCHEDULE.items() if config.get(k, v) != v}
    if config.get("_class_name") != "FlowMatchEulerDiscreteScheduler" or differs:
        raise ValueError(f"FlowMatchEuler covers a static-shift FlowMatchEulerDiscreteScheduler; got {differs}")
    return FlowMatchEuler(config.get("num_train_timesteps", 1000), config.get("shift", 1.0))
