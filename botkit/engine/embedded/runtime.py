"""The embedded model at run time, in plain torch: the shipped ``save_pretrained`` folder loaded
straight from its safetensors into ``networks`` and sampled by ``sampling.sample``: the same loop
as ``EmbeddedVideoPipeline``, with the same weights, without importing diffusers (whose import
costs more than the whole render of a demo clip). ``EmbeddedEngine(runtime="diffusers")`` uses the
diffusers pipeline instead; the tests hold the two to the same frames.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from safetensors.torch import load_file

from botkit.engine.embedded.minilm import TEXT_DIM, lookup_rows
from botkit.engine.embedded.networks import Codec, WanDenoiser, read_config, schedule_from
from botkit.engine.embedded.sampling import sample

WEIGHTS = "diffusion_pytorch_model.safetensors"


class Captions(torch.nn.Module):
    """The shipped caption table (``captions/``): MiniLM token embeddings of the toy world's captions."""

    embeddings: torch.Tensor
    token_mean: torch.Tensor
    token_std: torch.Tensor

    def __init__(self, captions: list[str], max_tokens: int) -> None:
        super().__init__()
        self.index = {caption: i for i, caption in enumerate(captions)}
        self.max_tokens = max_tokens
        self.register_buffer("embeddings", torch.zeros(len(captions), max_tokens, TEXT_DIM))
        self.register_buffer("token_mean", torch.zeros(TEXT_DIM))
        self.register_buffer("token_std", torch.ones(TEXT_DIM))

    def lookup(self, prompts: list[str]) -> torch.Tensor:
        return lookup_rows(prompts, self.index, self.embeddings, self.token_mean, self.token_std, self.max_tokens)


def _load(module: torch.nn.Module, folder: Path, dtype: torch.dtype) -> Any:
    state = load_file(str(folder / WEIGHTS))
    module.load_state_dict(state, strict=True)  # every name must match: a wrong folder fails loudly
    return module.to(dtype).eval()


@dataclass
class RuntimeOutput:
    frames: np.ndarray | torch.Tensor


class EmbeddedRuntime:
    """``EmbeddedVideoPipeline``'s call, for inference only."""

    def __init__(self, transformer: WanDenoiser, autoencoder: Codec, captions: Captions, scheduler: Any) -> None:
        self.transformer, self.autoencoder, self.captions, self.scheduler = (
            transformer,
            autoencoder,
            captions,
            scheduler,
        )

    @classmethod
    def from_pretrained(cls, path: str | Path, dtype: torch.dtype = torch.float32) -> EmbeddedRuntime:
        folder = Path(path)
        index = json.loads((folder / "model_index.json").read_text(encoding="utf-8"))
        if index.get("transformer", [None, None])[1] != "WanTransformer3DModel":
            raise ValueError(f"{folder} is not an embedded model folder (transformer: {index.get('transformer')})")
        transformer = _load(WanDenoiser(**read_config(folder / "transformer")), folder / "transformer", dtype)
        codec_config = read_config(folder / "autoencoder")
        autoencoder = _load(
            Codec(codec_config.get("channels", 48), codec_config.get("latent_channels", 4)),
            folder / "autoencoder",
            dtype,
        )
        table = read_config(folder / "captions")
        captions = _load(Captions(table["captions"], table["max_tokens"]), folder / "captions", dtype)
        return cls(transformer, autoencoder, captions, schedule_from(read_config(folder / "scheduler")))

    def set_progress_bar_config(self, **_: Any) -> None:
        """Nothing to configure: there is no progress bar (the engine reports progress itself)."""

    def __call__(self, prompt: str | list[str], **kwargs: Any) -> RuntimeOutput:
        frames = sample(
            self,
            lambda x, t, text: self.transformer(x, t, text),
            self.captions.lookup,
            self.scheduler,
            self.autoencoder,
            prompt,
            device=self.transformer.device,
            dtype=self.transformer.dtype,
            **kwargs,
        )
        return RuntimeOutput(frames)
