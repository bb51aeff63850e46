"""A real diffusers WanPipeline (tiny, random weights, built in code) behind the engine interface."""

from __future__ import annotations

import numpy as np
import pytest

from botkit.domain import ShotRequest
from botkit.engine import Engine
from botkit.engine.snapping import snap_frames, snap_size
from botkit.errors import Cancelled, InputError


def request(**kwargs) -> ShotRequest:
    values = {"prompt": "a red shoe moving left", "num_frames": 7, "width": 30, "height": 34, "fps": 16, "seed": 3}
    return ShotRequest(**{**values, **kwargs})


@pytest.mark.parametrize(("asked", "snapped"), [(1, 5), (5, 5), (6, 9), (9, 9), (10, 13), (161, 161)])
def test_snap_frames(asked: int, snapped: int) -> None:
    assert snap_frames(asked) == snapped


def test_snap_size() -> None:
    assert [snap_size(v) for v in (8, 30, 34, 100)] == [16, 32, 32, 96]


def test_generates_snapped_frames_and_reports_them(tiny_engine: Engine) -> None:
    clip = tiny_engine.generate(request())
    assert isinstance(tiny_engine, Engine)
    assert clip.frames.shape == (9, 32, 32, 3) and clip.frames.dtype == np.uint8
    assert clip.meta | {"seconds": 0} == {
        "model": "tiny-wan",
        "seed": 3,
        "steps": 2,
        "guidance": 5.0,
        "num_frames": 9,
        "width": 32,
        "height": 32,
        "requested_frames": 7,
        "requested_width": 30,
        "requested_height": 34,
        "snapped": True,
        "family": "wan",
        "pipeline": "WanPipeline",
        "task": "t2v",
        "seconds": 0,
    }


def test_same_seed_same_frames(tiny_engine: Engine) -> None:
    first = tiny_engine.generate(request()).frames
    assert np.array_equal(first, tiny_engine.generate(request()).frames)
    assert not np.array_equal(first, tiny_engine.generate(request(seed=4)).frames)


def test_progress_reports_every_step(tiny_engine: Engine) -> None:
    seen: list[tuple[int, int]] = []
    tiny_engine.generate(request(steps=3), on_progress=lambda step, total: seen.append((step, total)))
    assert seen == [(1, 3), (2, 3), (3, 3)]


def test_cancel_from_progress_stops_before_decoding(tiny_engine: Engine, monkeypatch) -> None:
    decoded = []
    vae = tiny_engine.pipe.vae  # type: ignore[attr-defined]
    monkeypatch.setattr(vae, "decode", lambda *a, **k: decoded.append(1))

    def cancel(step: int, total: int) -> None:
        raise Cancelled("cancelled by user")

    with pytest.raises(Cancelled):
        tiny_engine.generate(request(steps=3), on_progress=cancel)
    assert decoded == []


def test_image_to_video_is_refused_by_a_t2v_model(tiny_engine: Engine, tmp_path) -> None:
    with pytest.raises(InputError, match="text-to-video only"):
        tiny_engine.generate(request(task="i2v", image=tmp_path / "x.png"))
