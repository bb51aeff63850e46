"""Tiny, randomly initialised diffusers video pipelines built entirely in code (no hub).

One module per family (``tiny.wan``, ``tiny.ltx`` ...); shared tokenizers and text encoders here.
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


def tiny_clip_tokenizer():
    from transformers import CLIPTokenizer

    vocab = {
        piece: index
        for index, piece in enumerate(["<|startoftext|>", "<|endoftext|>", *_WORDS, *"abcdefghijklmnopqrstuvwxyz"])
    }
    return CLIPTokenizer(vocab=vocab, merges=[], model_max_length=77)


def ready(pipe):
    """Eval mode for every module (fresh modules start in training mode: dropout breaks seeds), no bars."""
    for component in pipe.components.values():
        if isinstance(component, torch.nn.Module):
            component.eval()
    pipe.set_progress_bar_config(disable=True)
    return pipe
