"""Tiny Wan 2.1 / 2.2 pipelines: T2V, I2V (CLIP image encoder), the two-expert A14B shape and TI2V-5B."""

from __future__ import annotations

import torch

from botkit.testing.tiny import ready, tiny_t5_encoder, tiny_t5_tokenizer


def _vae(z_dim: int = 16, **kwargs):
    from diffusers import AutoencoderKLWan

    return AutoencoderKLWan(
        base_dim=3,
        z_dim=z_dim,
        dim_mult=[1, 1, 1, 1],
        num_res_blocks=1,
        temperal_downsample=[False, True, True],
        **kwargs,
    )


def _transformer(in_channels: int = 16, out_channels: int = 16, **kwargs):
    from diffusers import WanTransformer3DModel

    return WanTransformer3DModel(
        patch_size=(1, 2, 2),
        num_attention_heads=2,
        attention_head_dim=12,
        in_channels=in_channels,
        out_channels=out_channels,
        text_dim=32,
        freq_dim=256,
        ffn_dim=32,
        num_layers=2,
        cross_attn_norm=True,
        qk_norm="rms_norm_across_heads",
        rope_max_seq_len=32,
        **kwargs,
    )


def _scheduler():
    from diffusers import FlowMatchEulerDiscreteScheduler

    return FlowMatchEulerDiscreteScheduler(shift=7.0)


def build_t2v(seed: int = 0):
    """Wan 2.1 text-to-video (``WanPipeline``)."""
    from diffusers import WanPipeline

    torch.manual_seed(seed)
    vae = _vae()
    transformer = _transformer()
    return ready(
        WanPipeline(
            tokenizer=tiny_t5_tokenizer(),
            text_encoder=tiny_t5_encoder(),
            vae=vae,
            transformer=transformer,
            scheduler=_scheduler(),
        )
    )


def build_flf2v(seed: int = 0):
    """Wan 2.1 FLF2V shape: image-to-video from a first and a last frame (two CLIP embeddings in one sequence)."""
    return build_i2v(seed, first_last=True)


def build_i2v(seed: int = 0, *, first_last: bool = False):
    """Wan 2.1 image-to-video (``WanImageToVideoPipeline`` with a CLIP image encoder)."""
    from diffusers import WanImageToVideoPipeline
    from transformers import CLIPImageProcessor, CLIPVisionConfig, CLIPVisionModelWithProjection

    torch.manual_seed(seed)
    vae = _vae()
    # FLF2V checkpoints lay both images' CLIP tokens (32 * 32 + 1 each here) out as one sequence.
    extra = {"pos_embed_seq_len": 2 * (32 * 32 + 1)} if first_last else {}
    transformer = _transformer(in_channels=36, image_dim=4, **extra)
    image_encoder = CLIPVisionModelWithProjection(
        CLIPVisionConfig(
            hidden_size=4,
            projection_dim=4,
            num_hidden_layers=2,
            num_attention_heads=2,
            image_size=32,
            intermediate_size=16,
            patch_size=1,
        )
    )
    return ready(
        WanImageToVideoPipeline(
            tokenizer=tiny_t5_tokenizer(),
            text_encoder=tiny_t5_encoder(),
            vae=vae,
            transformer=transformer,
            scheduler=_scheduler(),
            image_encoder=image_encoder,
            image_processor=CLIPImageProcessor(crop_size=32, size=32),
        )
    )


def build_a14b_i2v(seed: int = 0):
    """Wan 2.2 A14B image-to-video shape: two experts (high noise, low noise) split at ``boundary_ratio``."""
    from diffusers import WanImageToVideoPipeline

    torch.manual_seed(seed)
    vae = _vae()
    transformer = _transformer(in_channels=36)
    transformer_2 = _transformer(in_channels=36)
    return ready(
        WanImageToVideoPipeline(
            tokenizer=tiny_t5_tokenizer(),
            text_encoder=tiny_t5_encoder(),
            vae=vae,
            transformer=transformer,
            transformer_2=transformer_2,
            scheduler=_scheduler(),
            image_encoder=None,
            image_processor=None,
            boundary_ratio=0.875,
        )
    )


def build_a14b_t2v(seed: int = 0):
    """Wan 2.2 A14B text-to-video shape: two experts."""
    from diffusers import WanPipeline

    torch.manual_seed(seed)
    vae = _vae()
    return ready(
        WanPipeline(
            tokenizer=tiny_t5_tokenizer(),
            text_encoder=tiny_t5_encoder(),
            vae=vae,
            transformer=_transformer(),
            transformer_2=_transformer(),
            scheduler=_scheduler(),
            boundary_ratio=0.875,
        )
    )


def build_ti2v_5b(seed: int = 0):
    """Wan 2.2 TI2V-5B shape: one model for text- and image-to-video, a 48-channel VAE, per-token timesteps."""
    from diffusers import WanPipeline

    torch.manual_seed(seed)
    vae = _vae(
        z_dim=48,
        in_channels=12,
        out_channels=12,
        is_residual=True,
        patch_size=2,
        latents_mean=[0.0] * 48,
        latents_std=[1.0] * 48,
        scale_factor_spatial=16,
        scale_factor_temporal=4,
    )
    transformer = _transformer(in_channels=48, out_channels=48)
    return ready(
        WanPipeline(
            tokenizer=tiny_t5_tokenizer(),
            text_encoder=tiny_t5_encoder(),
            vae=vae,
            transformer=transformer,
            scheduler=_scheduler(),
            expand_timesteps=True,
        )
    )


def build_vace(seed: int = 0):
    """Wan 2.1 VACE shape: control video, mask and reference images through VACE blocks."""
    from diffusers import WanVACEPipeline, WanVACETransformer3DModel

    torch.manual_seed(seed)
    vae = _vae()
    transformer = WanVACETransformer3DModel(
        patch_size=(1, 2, 2),
        num_attention_heads=2,
        attention_head_dim=12,
        in_channels=16,
        out_channels=16,
        text_dim=32,
        freq_dim=256,
        ffn_dim=32,
        num_layers=3,
        cross_attn_norm=True,
        qk_norm="rms_norm_across_heads",
        rope_max_seq_len=32,
        vace_layers=[0, 2],
        vace_in_channels=96,
    )
    return ready(
        WanVACEPipeline(
            tokenizer=tiny_t5_tokenizer(),
            text_encoder=tiny_t5_encoder(),
            vae=vae,
            transformer=transformer,
            scheduler=_scheduler(),
            transformer_2=None,
        )
    )
