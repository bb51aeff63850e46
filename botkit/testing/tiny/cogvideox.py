"""Tiny CogVideoX pipelines: text-to-video and image-to-video (different transformers)."""

from __future__ import annotations

import torch

from botkit.testing.tiny import ready, tiny_t5_encoder, tiny_t5_tokenizer


def _vae():
    from diffusers import AutoencoderKLCogVideoX

    return AutoencoderKLCogVideoX(
        in_channels=3,
        out_channels=3,
        down_block_types=("CogVideoXDownBlock3D",) * 4,
        up_block_types=("CogVideoXUpBlock3D",) * 4,
        block_out_channels=(8, 8, 8, 8),
        latent_channels=4,
        layers_per_block=1,
        norm_num_groups=2,
        temporal_compression_ratio=4,
    )


def _transformer(in_channels: int, heads: int = 4, head_dim: int = 8, **kwargs):
    from diffusers import CogVideoXTransformer3DModel

    return CogVideoXTransformer3DModel(
        num_attention_heads=heads,
        attention_head_dim=head_dim,
        in_channels=in_channels,
        out_channels=4,
        time_embed_dim=2,
        text_embed_dim=32,
        num_layers=1,
        sample_width=2,
        sample_height=2,
        sample_frames=9,
        patch_size=2,
        temporal_compression_ratio=4,
        max_text_seq_length=16,
        **kwargs,
    )


def build_t2v(seed: int = 0):
    from diffusers import CogVideoXDDIMScheduler, CogVideoXPipeline

    torch.manual_seed(seed)
    vae, transformer = _vae(), _transformer(4)
    return ready(
        CogVideoXPipeline(
            tokenizer=tiny_t5_tokenizer(),
            text_encoder=tiny_t5_encoder(),
            vae=vae,
            transformer=transformer,
            scheduler=CogVideoXDDIMScheduler(),
        )
    )


def build_i2v(seed: int = 0):
    from diffusers import CogVideoXDDIMScheduler, CogVideoXImageToVideoPipeline

    torch.manual_seed(seed)
    vae = _vae()
    transformer = _transformer(
        8, heads=2, head_dim=16, use_rotary_positional_embeddings=True, use_learned_positional_embeddings=True
    )
    return ready(
        CogVideoXImageToVideoPipeline(
            tokenizer=tiny_t5_tokenizer(),
            text_encoder=tiny_t5_encoder(),
            vae=vae,
            transformer=transformer,
            scheduler=CogVideoXDDIMScheduler(),
        )
    )
