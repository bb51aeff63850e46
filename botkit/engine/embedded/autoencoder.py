"""A per-frame convolutional autoencoder: 32x32x3 pixels <-> 8x8x4 normalised latents."""

from __future__ import annotations

import torch
from diffusers.configuration_utils import ConfigMixin, register_to_config
from diffusers.models.modeling_utils import ModelMixin
from torch import nn


class _ResBlock(nn.Module):
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


class ToyAutoencoder(ModelMixin, ConfigMixin):
    """Two stride-2 stages each way. ``encode`` takes images in [-1, 1] ``[N, 3, H, W]`` and
    returns latents normalised per channel (``latent_mean``/``latent_std`` buffers, set after
    training); ``decode`` inverts that."""

    @register_to_config
    def __init__(self, channels: int = 48, latent_channels: int = 4) -> None:
        super().__init__()
        c = channels
        h = channels // 2
        # Full resolution is kept thin (it dominates the cost); the work happens at 16x16 and 8x8.
        self.encoder = nn.Sequential(
            nn.Conv2d(3, h, 3, padding=1),
            nn.SiLU(),
            nn.Conv2d(h, c, 3, stride=2, padding=1),
            _ResBlock(c),
            nn.Conv2d(c, c, 3, stride=2, padding=1),
            _ResBlock(c),
            nn.SiLU(),
            nn.Conv2d(c, latent_channels, 3, padding=1),
        )
        self.decoder = nn.Sequential(
            nn.Conv2d(latent_channels, c, 3, padding=1),
            _ResBlock(c),
            _ResBlock(c),
            nn.Upsample(scale_factor=2, mode="nearest"),
            nn.Conv2d(c, c, 3, padding=1),
            _ResBlock(c),
            nn.Upsample(scale_factor=2, mode="nearest"),
            nn.Conv2d(c, h, 3, padding=1),
            nn.SiLU(),
            nn.Conv2d(h, h, 3, padding=1),
            nn.SiLU(),
            nn.Conv2d(h, 3, 3, padding=1),
        )
        self.register_buffer("latent_mean", torch.zeros(latent_channels))
        self.register_buffer("latent_std", torch.ones(latent_channels))

    def encode_raw(self, images: torch.Tensor) -> torch.Tensor:
        return self.encoder(images)

    def decode_raw(self, latents: torch.Tensor) -> torch.Tensor:
        return self.decoder(latents)

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
