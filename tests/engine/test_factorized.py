"""Factorized text-to-video: a key frame (image model or first frame of t2v) animated by image-to-video."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from botkit.domain import ShotRequest
from botkit.engine import load_engine
from botkit.engine.factorized import FactorizedEngine, FirstFrameKeyframes
from botkit.errors import InputError

REQUEST = ShotRequest(
    prompt="a red shoe on a white background", num_frames=9, width=32, height=32, fps=16, steps=2, seed=2
)


@pytest.fixture(scope="module")
def factorized() -> FactorizedEngine:
    engine = load_engine("tiny-factorized")
    assert isinstance(engine, FactorizedEngine)
    return engine


def test_text_to_key_frame_to_video(factorized: FactorizedEngine) -> None:
    seen: list[tuple[int, int]] = []
    clip = factorized.generate(REQUEST, on_progress=lambda s, t: seen.append((s, t)))
    assert clip.frames.shape == (9, 32, 32, 3)
    assert clip.meta["factorized"] is True and clip.meta["keyframe_model"] == "tiny-sd"
    assert clip.meta["video_model"] == "tiny-wan-i2v" and clip.meta["pipeline"] == "WanImageToVideoPipeline"
    assert seen == [(1, 2), (2, 2)]
    assert np.array_equal(clip.frames, factorized.generate(REQUEST).frames)


def test_the_key_frame_is_what_the_video_model_starts_from(factorized: FactorizedEngine) -> None:
    """The i2v pipeline VAE-encodes the key frame as its first frame (tiny random weights ignore it
    visually, so the check is on what reaches the model, not on the pixels that come out)."""
    keyframe = factorized.keyframes.keyframe(REQUEST)
    other = factorized.keyframes.keyframe(REQUEST.model_copy(update={"seed": 9}))
    assert np.abs(np.asarray(keyframe, np.float32) - np.asarray(other, np.float32)).mean() > 5
    seen: list[torch.Tensor] = []
    encoder = factorized.video.pipe.vae.encoder
    handle = encoder.register_forward_pre_hook(lambda _m, args: seen.append(args[0].detach().clone()))
    try:
        factorized.render_from(keyframe, REQUEST)
    finally:
        handle.remove()
    first = ((seen[0][0, :, 0].permute(1, 2, 0).numpy() + 1) * 127.5).round()
    assert np.abs(first - np.asarray(keyframe, np.float32)).max() <= 1.0


def test_first_frame_of_a_t2v_pass_as_key_frame() -> None:
    engine = load_engine("tiny-factorized-ti2v")
    assert isinstance(engine, FactorizedEngine) and isinstance(engine.keyframes, FirstFrameKeyframes)
    clip = engine.generate(REQUEST)
    assert clip.num_frames == 9 and clip.meta["keyframe_model"] == "tiny-wan22-ti2v:first-frame"


def test_long_factorized_shot_is_chunked(factorized: FactorizedEngine) -> None:
    clip = factorized.generate(REQUEST.model_copy(update={"num_frames": 30}))
    assert clip.num_frames == 30 and clip.meta["chunks"] == 2


def test_misuse_is_refused() -> None:
    with pytest.raises(InputError, match="makes images, not video"):
        load_engine("tiny-sd")
    with pytest.raises(InputError, match="no image-to-video"):
        FactorizedEngine(FirstFrameKeyframes(load_engine("tiny-wan")), load_engine("tiny-wan"))
