"""A tiny Stable Diffusion text-to-image pipeline: the key-frame painter for factorized text-to-video tests."""

from __future__ import annotations

import torch

from botkit.testing.tiny import _VOCAB, ready, tiny_clip_tokenizer


def tiny_clip_text_encoder():
    from transformers import CLIPTextConfig, CLIPTextModel

    config = CLIPTextConfig(
        bos_token_id=0,
        eos_token_id=1,
        hidden_size=32,
        intermediate_size=37,
        layer_norm_eps=1e-05,
        num_attention_heads=4,
        num_hidden_layers=2,
        pad_token_id=1,
        vocab_size=len(_VOCAB) + 64,
    )
    return CLIPTextModel(config)


def tiny_unet_and_vae():
    from diffusers import AutoencoderKL, UNet2DConditionModel

    unet = UNet2DConditionModel(
        block_out_channels=(4, 8),
        layers_per_block=1,
        sample_size=16,
        in_channels=4,
        out_channels=4,
        down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"),
        up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"),
        cross_attention_dim=32,
        norm_num_groups=2,
    )
    vae = AutoencoderKL(
        block_out_channels=[4, 8],
        in_channels=3,
        out_channels=3,
        down_block_types=["DownEncoderBlock2D"] * 2,
        up_block_types=["UpDecoderBlock2D"] * 2,
        latent_channels=4,
        norm_num_groups=2,
    )
    return unet, vae


def build_sd(seed: int = 0):
    """``StableDiffusionPipeline`` with tiny random weights (no safety checker: nothing real is drawn)."""
    from diffusers import DDIMScheduler, StableDiffusionPipeline

    torch.manual_seed(seed)
    unet, vae = tiny_unet_and_vae()
    return ready(
        StableDiffusionPipeline(
            vae=vae,
            text_encoder=tiny_clip_text_encoder(),
            tokenizer=tiny_clip_tokenizer(),
            unet=unet,
            scheduler=DDIMScheduler(clip_sample=False, steps_offset=1),
            safety_checker=None,
            feature_extractor=None,
            requires_safety_checker=False,
        )
    )
