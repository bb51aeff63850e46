"""Tiny SkyReels-V2 diffusion-forcing pipelines (text- and image-to-video share components)."""

from __future__ import annotations

import torch

from botkit.testing.tiny import ready, tiny_t5_encoder, tiny_t5_tokenizer


def build_df(seed: int = 0):
    """``SkyReelsV2DiffusionForcingPipeline``: native long video by a sliding window over latent frames."""
    from diffusers import SkyReelsV2DiffusionForcingPipeline, SkyReelsV2Transformer3DModel, UniPCMultistepScheduler

    from botkit.testing.tiny.wan import _vae

    torch.manual_seed(seed)
    vae = _vae()
    transformer = SkyReelsV2Transformer3DModel(
        patch_size=(1, 2, 2),
        num_attention_heads=2,
        attention_head_dim=12,
        in_channels=16,
        out_channels=16,
        text_dim=32,
        freq_dim=256,
        ffn_dim=32,
        num_layers=2,
        cross_attn_norm=True,
        qk_norm="rms_norm_across_heads",
        rope_max_seq_len=32,
    )
    scheduler = UniPCMultistepScheduler(flow_shift=8.0, use_flow_sigmas=True, prediction_type="flow_prediction")
    return ready(
        SkyReelsV2DiffusionForcingPipeline(
            tokenizer=tiny_t5_tokenizer(),
            text_encoder=tiny_t5_encoder(),
            transformer=transformer,
            vae=vae,
            scheduler=scheduler,
        )
    )
