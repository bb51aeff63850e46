"""A per-frame convolutional autoencoder: 32x32x3 pixels <-> 8x8x4 normalised latents (the
diffusers model class for training and ``save_pretrained``; the layers live in ``networks``)."""

from __future__ import annotations

import torch
from diffusers.configuration_utils import ConfigMixin, register_to_config
from diffusers.models.modeling_utils import ModelMixin

from botkit.engine.embedded.networks import CodecMethods, toy_decoder, toy_encoder


class ToyAutoencoder(ModelMixin, ConfigMixin, CodecMethods):  # type: ignore[misc]  # diffusers' own bases disagree on config_name (str vs None); every diffusers model has it
    """Two stride-2 stages each way. ``encode`` takes images in [-1, 1] ``[N, 3, H, W]`` and
    returns latents normalised per channel (``latent_mean``/``latent_std`` buffers, set after
    training); ``decode`` inverts that."""

    @register_to_config
    def __init__(self, channels: int = 48, latent_channels: int = 4) -> None:
        super().__init__()
        self.encoder = toy_encoder(channels, latent_channels)
        self.decoder = toy_decoder(channels, latent_channels)
        self.register_buffer("latent_mean", torch.zeros(latent_channels))
        self.register_buffer("latent_std", torch.ones(latent_channels))

    def encode_raw(self, images: torch.Tensor) -> torch.Tensor:
        return self.encoder(images)

    def decode_raw(self, latents: torch.Tensor) -> torch.Tensor:
        return self.decoder(latents)
