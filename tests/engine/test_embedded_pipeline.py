"""The diffusers pipeline: save/load round trip offline, seeds, and image-to-video pinning."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from botkit.engine.embedded import toyworld
from botkit.engine.embedded.pipeline import EmbeddedVideoPipeline
from botkit.engine.embedded.vocab import all_captions
from botkit.testing.tiny.embedded import dummy_pipeline

PROMPT = all_captions()[1]


def _run(pipe: EmbeddedVideoPipeline, seed: int, **kwargs: object) -> np.ndarray:
    out = pipe(PROMPT, num_inference_steps=2, generator=torch.Generator().manual_seed(seed), **kwargs)
    return out.frames[0]


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    pipe = dummy_pipeline()
    pipe.save_pretrained(tmp_path)
    assert (tmp_path / "transformer" / "diffusion_pytorch_model.safetensors").exists()
    loaded = EmbeddedVideoPipeline.from_pretrained(tmp_path)
    loaded.set_progress_bar_config(disable=True)
    assert np.array_equal(_run(pipe, 0), _run(loaded, 0))


def test_seed_controls_the_frames() -> None:
    pipe = dummy_pipeline()
    first = _run(pipe, 1)
    assert first.shape == (9, 32, 32, 3) and first.dtype == np.uint8
    assert np.array_equal(first, _run(pipe, 1))
    assert not np.array_equal(first, _run(pipe, 2))


def test_image_to_video_pins_the_first_latent() -> None:
    pipe = dummy_pipeline()
    image, _ = toyworld.sample(3)
    out = pipe(
        PROMPT, image=image[0], num_inference_steps=2, output_type="latent", generator=torch.Generator().manual_seed(0)
    ).frames
    expected = pipe.encode_image(image[0], 1)
    assert torch.allclose(out[:, :, 0], expected)
