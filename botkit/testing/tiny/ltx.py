"""Tiny LTX-Video pipeline (T2V; I2V and Condition share its components through ``from_pipe``)."""

from __future__ import annotations

import torch

from botkit.testing.tiny import ready, tiny_t5_encoder, tiny_t5_tokenizer


def build_t2v(seed: int = 0):
    """``LTXPipeline``; its tiny VAE compresses 4x in space and time (the real one 32x and 8x)."""
    from diffusers import (
        FlowMatchEulerDiscreteScheduler,
        LTXPipeline,
        LTXVideoTransformer3DModel,
    )
    from diffusers.models.autoencoders.autoencoder_kl_ltx import AutoencoderKLLTXVideo  # not the typing placeholder

    torch.manual_seed(seed)
    transformer = LTXVideoTransformer3DModel(
        in_channels=8,
        out_channels=8,
        patch_size=1,
        patch_size_t=1,
        num_attention_heads=4,
        attention_head_dim=8,
        cross_attention_dim=32,
        num_layers=1,
        caption_channels=32,
    )
    vae = AutoencoderKLLTXVideo(
        in_channels=3,
        out_channels=3,
        latent_channels=8,
        block_out_channels=(8, 8, 8, 8),
        decoder_block_out_channels=(8, 8, 8, 8),
        layers_per_block=(1, 1, 1, 1, 1),
        decoder_layers_per_block=(1, 1, 1, 1, 1),
        spatio_temporal_scaling=(True, True, False, False),
        decoder_spatio_temporal_scaling=(True, True, False, False),
        decoder_inject_noise=(False, False, False, False, False),
        upsample_residual=(False, False, False, False),
        upsample_factor=(1, 1, 1, 1),
        timestep_conditioning=False,
        patch_size=1,
        patch_size_t=1,
        encoder_causal=True,
        decoder_causal=False,
    )
    vae.use_framewise_encoding = False
    vae.use_framewise_decoding = False
    return ready(
        LTXPipeline(
            scheduler=FlowMatchEulerDiscreteScheduler(),
            vae=vae,
            text_encoder=tiny_t5_encoder(),
            tokenizer=tiny_t5_tokenizer(),
            transformer=transformer,
        )
    )
