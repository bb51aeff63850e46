"""``EmbeddedEngine`` against the Engine interface, on a tiny random model saved to disk."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from botkit.domain import ShotRequest
from botkit.engine.base import Engine
from botkit.engine.embedded import toyworld
from botkit.engine.embedded.engine import EmbeddedEngine, retime
from botkit.errors import Cancelled, InputError
from botkit.testing.tiny.embedded import dummy_pipeline


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedEngine:
    folder = tmp_path_factory.mktemp("embedded-weights")
    dummy_pipeline().save_pretrained(folder)
    return EmbeddedEngine(weights=folder, output_size=64, keyframe="model")


def _request(**kwargs: object) -> ShotRequest:
    base: dict[str, object] = {
        "prompt": "a red ball moving left on a blue background",
        "num_frames": 20,
        "width": 256,
        "height": 256,
        "fps": 8,
        "steps": 2,
        "seed": 3,
    }
    return ShotRequest(**(base | kwargs))


def test_is_an_engine(engine: EmbeddedEngine) -> None:
    assert isinstance(engine, Engine) and engine.name == "embedded"


def test_frame_count_meta_and_determinism(engine: EmbeddedEngine) -> None:
    clip = engine.generate(_request())
    assert clip.frames.shape == (20, 64, 64, 3)
    # 20 frames of motion would carry the object out of the 32x32 frame: 15 are rendered (2 chunks)
    # and played slower
    assert clip.meta["chunks"] == 2 and clip.meta["model_frames"] == 15
    assert clip.meta["num_frames"] == 20 and clip.meta["seed"] == 3
    assert clip.meta["attributes"] == {"colour": "red", "background": "blue", "shape": "circle", "direction": "left"}
    assert np.array_equal(clip.frames, engine.generate(_request()).frames)
    assert not np.array_equal(clip.frames, engine.generate(_request(seed=4)).frames)
    assert engine.generate(_request(num_frames=1)).num_frames == 1


def test_retime_keeps_ends_and_blends_between() -> None:
    frames = torch.arange(3, dtype=torch.float32).view(3, 1, 1, 1).expand(3, 1, 2, 2)
    out = retime(frames, 5)
    assert out[:, 0, 0, 0].tolist() == [0.0, 0.5, 1.0, 1.5, 2.0]
    assert retime(frames, 3) is frames and retime(frames[:1], 4).shape == (4, 1, 2, 2)


def test_progress_and_cancel(engine: EmbeddedEngine) -> None:
    seen: list[tuple[int, int]] = []
    engine.generate(_request(num_frames=16), on_progress=lambda s, t: seen.append((s, t)))
    assert seen == [(i, 4) for i in range(1, 5)]

    calls: list[int] = []

    def cancel(step: int, total: int) -> None:
        calls.append(step)
        raise Cancelled("stop")

    with pytest.raises(Cancelled):
        engine.generate(_request(), on_progress=cancel)
    assert calls == [1]


def test_image_to_video_starts_from_the_image(engine: EmbeddedEngine, tmp_path: Path) -> None:
    frame = toyworld.sample(9)[0][0]
    path = tmp_path / "first.png"
    Image.fromarray(frame).resize((128, 128), Image.Resampling.NEAREST).save(path)
    clip = engine.generate(_request(task="i2v", image=path, num_frames=9))
    first = np.asarray(Image.fromarray(clip.frames[0]).resize((32, 32), Image.Resampling.BOX), dtype=np.float32)
    assert np.abs(first - frame).mean() / 255 < 0.03
    with pytest.raises(InputError):
        engine.generate(_request(task="i2v"))


def test_toyworld_keyframe_starts_text_to_video(engine: EmbeddedEngine) -> None:
    from botkit.engine.embedded.engine import keyframe_for
    from botkit.engine.embedded.training.evaluator import analyse
    from botkit.engine.embedded.vocab import Attributes

    attrs = Attributes("red", "blue", "circle", "left")
    frame = keyframe_for(attrs, 16, seed=3)
    assert np.array_equal(frame, keyframe_for(attrs, 16, seed=3))
    assert analyse(frame[None]).colour == "red" and analyse(frame[None]).background == "blue"
    xs = np.nonzero((np.abs(frame.astype(int) - [40, 80, 220]).sum(-1) > 60).any(axis=0))[0]
    assert xs.min() > 16  # starts right of centre so that it can travel left
    keyed = EmbeddedEngine(weights=engine.weights, output_size=32)
    clip = keyed.generate(_request(num_frames=15))  # 15: within the motion cap, no retiming
    assert clip.meta["keyframe"] == "toyworld" and clip.meta["model_frames"] == 15
    assert np.abs(clip.frames[0].astype(int) - keyframe_for(attrs, 15, seed=3)).max() <= 2
