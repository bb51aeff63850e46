"""Seeded tiny random components for tests (diffusers' ``get_dummy_components`` habit): the real
pipeline classes at a toy size, with no MiniLM load."""

from __future__ import annotations

import torch

# the defining modules: mypy reads `from diffusers import X` as diffusers' dummy placeholder classes
from diffusers.models.transformers.transformer_wan import WanTransformer3DModel
from diffusers.schedulers.scheduling_flow_match_euler_discrete import FlowMatchEulerDiscreteScheduler

from botkit.engine.embedded.autoencoder import ToyAutoencoder
from botkit.engine.embedded.pipeline import EmbeddedVideoPipeline, denoiser_config
from botkit.engine.embedded.text import CaptionTable
from botkit.engine.embedded.vocab import all_captions


def dummy_pipeline(seed: int = 0) -> EmbeddedVideoPipeline:
    """A random-weight pipeline with the shipped architecture shrunk to one layer."""
    torch.manual_seed(seed)
    config = denoiser_config() | {"num_layers": 1, "ffn_dim": 64}
    table = CaptionTable(captions=all_captions(), max_tokens=11)
    table.embeddings.normal_()
    pipe = EmbeddedVideoPipeline(
        transformer=WanTransformer3DModel(**config),
        autoencoder=ToyAutoencoder(channels=8),
        captions=table,
        scheduler=FlowMatchEulerDiscreteScheduler(num_train_timesteps=1000, shift=3.0),
    )
    pipe.set_progress_bar_config(disable=True)
    return pipe
