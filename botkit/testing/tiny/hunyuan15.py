"""Tiny HunyuanVideo 1.5 text-to-video: a Qwen2.5-VL text model with a chat template, ByT5, a guider."""

from __future__ import annotations

import torch

from botkit.testing.tiny import _WORDS, ready

_CHAT_TEMPLATE = (
    "{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)


def tiny_qwen_tokenizer():
    from transformers import Qwen2Tokenizer

    pieces = ["<|endoftext|>", "<|im_start|>", "<|im_end|>", *_WORDS, *(f"Ġ{w}" for w in _WORDS)]
    pieces += [*"abcdefghijklmnopqrstuvwxyz0123456789 .,:", "Ġ", "Ċ"]
    tokenizer = Qwen2Tokenizer(
        vocab={piece: index for index, piece in enumerate(dict.fromkeys(pieces))},
        merges=[],
        unk_token="<|endoftext|>",
        pad_token="<|endoftext|>",
        eos_token="<|im_end|>",
    )
    tokenizer.chat_template = _CHAT_TEMPLATE
    return tokenizer


def build_t2v(seed: int = 0):
    """``HunyuanVideo15Pipeline`` (text-to-video)."""
    return _build(seed, image=False)


def build_i2v(seed: int = 0):
    """``HunyuanVideo15ImageToVideoPipeline``: adds a SigLIP image encoder; its size comes from the image."""
    return _build(seed, image=True)


def _build(seed: int, *, image: bool):
    from diffusers import (
        AutoencoderKLHunyuanVideo15,
        FlowMatchEulerDiscreteScheduler,
        HunyuanVideo15ImageToVideoPipeline,
        HunyuanVideo15Pipeline,
        HunyuanVideo15Transformer3DModel,
    )
    from diffusers.guiders import ClassifierFreeGuidance
    from transformers import ByT5Tokenizer, Qwen2_5_VLTextModel, T5Config, T5EncoderModel
    from transformers.models.qwen2_5_vl.configuration_qwen2_5_vl import Qwen2_5_VLTextConfig

    torch.manual_seed(seed)
    tokenizer = tiny_qwen_tokenizer()
    text_encoder = Qwen2_5_VLTextModel(
        Qwen2_5_VLTextConfig(
            vocab_size=len(tokenizer) + 16,
            hidden_size=16,
            intermediate_size=32,
            num_hidden_layers=2,
            num_attention_heads=2,
            num_key_value_heads=2,
            max_position_embeddings=2048,
            rope_parameters={"rope_type": "default", "mrope_section": [1, 1, 2], "rope_theta": 10000.0},
            bos_token_id=tokenizer.convert_tokens_to_ids("<|im_start|>"),
            eos_token_id=tokenizer.eos_token_id,
        )
    )
    byt5 = T5EncoderModel(
        T5Config(
            vocab_size=384, d_model=8, d_kv=4, d_ff=16, num_layers=1, num_heads=2, relative_attention_num_buckets=8
        )
    )
    transformer = HunyuanVideo15Transformer3DModel(
        in_channels=9,
        out_channels=4,
        num_attention_heads=2,
        attention_head_dim=8,
        num_layers=1,
        num_refiner_layers=1,
        mlp_ratio=2.0,
        text_embed_dim=16,
        text_embed_2_dim=8,
        image_embed_dim=12,
        rope_axes_dim=(2, 2, 4),
        target_size=32,
        task_type="i2v" if image else "t2v",
    )
    vae = AutoencoderKLHunyuanVideo15(
        latent_channels=4,
        block_out_channels=(8, 8, 8, 8, 8),
        layers_per_block=1,
        spatial_compression_ratio=16,
        temporal_compression_ratio=4,
    )
    components = dict(
        text_encoder=text_encoder,
        tokenizer=tokenizer,
        transformer=transformer,
        vae=vae,
        scheduler=FlowMatchEulerDiscreteScheduler(),
        text_encoder_2=byt5,
        tokenizer_2=ByT5Tokenizer(),
        guider=ClassifierFreeGuidance(guidance_scale=6.0),
    )
    if not image:
        return ready(HunyuanVideo15Pipeline(**components))
    from transformers import SiglipImageProcessor, SiglipVisionConfig, SiglipVisionModel

    encoder = SiglipVisionModel(
        SiglipVisionConfig(
            hidden_size=12,
            intermediate_size=24,
            num_hidden_layers=1,
            num_attention_heads=2,
            image_size=32,
            patch_size=8,
        )
    )
    processor = SiglipImageProcessor(size={"height": 32, "width": 32})
    return ready(HunyuanVideo15ImageToVideoPipeline(**components, image_encoder=encoder, feature_extractor=processor))
