"""Tiny SanaVideo text-to-video: a Gemma 2 text encoder, the Wan VAE, ``frames=`` instead of ``num_frames``."""

from __future__ import annotations

import torch

from botkit.testing.tiny import _WORDS, ready


def tiny_gemma_tokenizer():
    from transformers import GemmaTokenizer

    pieces = ["<pad>", "<eos>", "<bos>", "<unk>", "<mask>", *(f"▁{w}" for w in _WORDS)]
    pieces += [*"abcdefghijklmnopqrstuvwxyz0123456789.,:", "▁"]
    return GemmaTokenizer(vocab={piece: index for index, piece in enumerate(dict.fromkeys(pieces))}, merges=[])


def build_t2v(seed: int = 0):
    from diffusers import DPMSolverMultistepScheduler, SanaVideoPipeline, SanaVideoTransformer3DModel
    from transformers import Gemma2Config, Gemma2Model

    from botkit.testing.tiny.wan import _vae

    torch.manual_seed(seed)
    tokenizer = tiny_gemma_tokenizer()
    text_encoder = Gemma2Model(
        Gemma2Config(
            vocab_size=len(tokenizer) + 8,
            hidden_size=16,
            intermediate_size=32,
            num_hidden_layers=1,
            num_attention_heads=2,
            num_key_value_heads=1,
            head_dim=8,
            max_position_embeddings=512,
            pad_token_id=0,
            bos_token_id=2,
            eos_token_id=1,
        )
    )
    transformer = SanaVideoTransformer3DModel(
        in_channels=16,
        out_channels=16,
        num_attention_heads=2,
        attention_head_dim=12,
        num_layers=2,
        num_cross_attention_heads=2,
        cross_attention_head_dim=12,
        cross_attention_dim=24,
        caption_channels=16,
        mlp_ratio=2.5,
        sample_size=8,
        patch_size=(1, 2, 2),
        rope_max_seq_len=32,
    )
    scheduler = DPMSolverMultistepScheduler(flow_shift=8.0, use_flow_sigmas=True, prediction_type="flow_prediction")
    return ready(
        SanaVideoPipeline(
            tokenizer=tokenizer, text_encoder=text_encoder, vae=_vae(), transformer=transformer, scheduler=scheduler
        )
    )
