"""Tiny Helios (autoregressive chunks of 33 frames) and AnyFlow-FAR (chunk-wise causal Wan 2.1) pipelines."""

from __future__ import annotations

import torch

from botkit.testing.tiny import ready, tiny_t5_encoder, tiny_t5_tokenizer
from botkit.testing.tiny.wan import _vae


def build_helios(seed: int = 0):
    """``HeliosPipeline``: text- and image-to-video, history carried across chunks."""
    from diffusers import HeliosPipeline, HeliosScheduler, HeliosTransformer3DModel

    torch.manual_seed(seed)
    vae = _vae()
    transformer = HeliosTransformer3DModel(
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
        rope_dim=(4, 4, 4),
        has_multi_term_memory_patch=True,
        guidance_cross_attn=True,
        zero_history_timestep=True,
        is_amplify_history=False,
    )
    return ready(
        HeliosPipeline(
            tokenizer=tiny_t5_tokenizer(),
            text_encoder=tiny_t5_encoder(),
            vae=vae,
            transformer=transformer,
            scheduler=HeliosScheduler(stage_range=[0, 1], stages=1, use_dynamic_shifting=True),
        )
    )


def build_anyflow_far(seed: int = 0):
    """``AnyFlowFARPipeline``: few-step, chunk-wise causal; continues from given frames."""
    from diffusers import AnyFlowFARPipeline, AnyFlowFARTransformer3DModel, FlowMapEulerDiscreteScheduler

    torch.manual_seed(seed)
    vae = _vae()
    transformer = AnyFlowFARTransformer3DModel(
        patch_size=(1, 2, 2),
        compressed_patch_size=(1, 4, 4),
        full_chunk_limit=3,
        num_attention_heads=2,
        attention_head_dim=12,
        in_channels=16,
        out_channels=16,
        text_dim=32,
        freq_dim=256,
        ffn_dim=32,
        num_layers=2,
        cross_attn_norm=True,
        rope_max_seq_len=32,
        gate_value=0.25,
        deltatime_type="r",
        chunk_partition=(1, 1, 1),
    )
    return ready(
        AnyFlowFARPipeline(
            tokenizer=tiny_t5_tokenizer(),
            text_encoder=tiny_t5_encoder(),
            transformer=transformer,
            vae=vae,
            scheduler=FlowMapEulerDiscreteScheduler(num_train_timesteps=1000, shift=5.0),
        )
    )
