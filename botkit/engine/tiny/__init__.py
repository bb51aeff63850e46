"""Tiny, randomly initialised diffusers video pipelines built entirely in code (no hub).

Shapes follow diffusers' own ``get_dummy_components`` tests. They render real pipelines on a CPU in
well under a second: the test double for every stage after the engine, and a smoke test of the
diffusers integration. Their pixels are noise by design; the embedded model draws real content.
"""

from __future__ import annotations

import torch

# A word-level SentencePiece vocabulary: enough for prompts in tests; other words fall back to
# single characters, which the tokenizer also knows.
_WORDS = (
    "a an the of on in with and to for our new video shot clip product shoe shoes running trail "
    "teaser ad promo moving left right up down slow fast push pull pan tilt zoom camera red orange "
    "yellow green blue purple pink white black gray brown background circle square triangle"
).split()
_VOCAB = ["<pad>", "</s>", "<unk>"] + [f"▁{w}" for w in _WORDS] + list("abcdefghijklmnopqrstuvwxyz0123456789")


def tiny_t5_tokenizer():
    from transformers import T5Tokenizer

    return T5Tokenizer(vocab=[(piece, 0.0) for piece in _VOCAB], extra_ids=0)


def tiny_t5_encoder(d_model: int = 32):
    from transformers import T5Config, T5EncoderModel

    config = T5Config(
        vocab_size=len(_VOCAB),
        d_model=d_model,
        d_kv=8,
        d_ff=37,
        num_layers=2,
        num_heads=4,
        relative_attention_num_buckets=8,
    )
    return T5EncoderModel(config)


def build_tiny_wan_pipeline(seed: int = 0):
    """A real ``WanPipeline`` (Wan 2.1 text-to-video) with tiny random weights."""
    from diffusers import AutoencoderKLWan, FlowMatchEulerDiscreteScheduler, WanPipeline, WanTransformer3DModel

    torch.manual_seed(seed)
    vae = AutoencoderKLWan(
        base_dim=3,
        z_dim=16,
        dim_mult=[1, 1, 1, 1],
        num_res_blocks=1,
        temperal_downsample=[False, True, True],
    )
    transformer = WanTransformer3DModel(
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
    pipe = WanPipeline(
        tokenizer=tiny_t5_tokenizer(),
        text_encoder=tiny_t5_encoder(),
        vae=vae,
        transformer=transformer,
        scheduler=FlowMatchEulerDiscreteScheduler(shift=7.0),
    )
    for module in (pipe.text_encoder, pipe.vae, pipe.transformer):
        module.eval()  # freshly built modules start in training mode (dropout on)
    pipe.set_progress_bar_config(disable=True)
    return pipe
