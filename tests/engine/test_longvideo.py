"""Long video by temporal autoregression: exact length, smooth seams, determinism, progress, cancel."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from botkit.domain import ShotRequest
from botkit.engine import load_engine
from botkit.engine.animatic import AnimaticEngine
from botkit.engine.longvideo import LongVideoEngine, crossfade, plan_chunks, prompt_segments
from botkit.engine.pipeline import PipelineEngine
from botkit.engine.registry import Registry
from botkit.errors import Cancelled, InputError
from botkit.testing.tiny.wan import build_t2v


@pytest.fixture(scope="module")
def panel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("long") / "panel.png"
    y, x = np.mgrid[0:96, 0:128]
    Image.fromarray(np.stack([x * 2, y * 2, (x + y)], axis=-1).astype(np.uint8)).save(path)
    return path


@pytest.fixture(scope="module")
def wan_i2v() -> LongVideoEngine:
    engine = load_engine("tiny-wan-i2v")  # max_frames = 17: the factory chains calls
    assert isinstance(engine, LongVideoEngine) and isinstance(engine.chunks, PipelineEngine)
    assert engine.capabilities.chunking and engine.capabilities.max_frames == 17
    return engine


def jumps(frames: np.ndarray) -> np.ndarray:
    """Mean absolute change from each frame to the next: a hard cut is a spike."""
    return np.abs(np.diff(frames.astype(np.float32), axis=0)).mean(axis=(1, 2, 3))


def test_chunk_plan_and_crossfade() -> None:
    assert [plan_chunks(n, 17, 4) for n in (1, 17, 18, 30, 31, 40)] == [1, 1, 2, 2, 3, 3]
    a, b = np.zeros((3, 2, 2, 3), np.uint8), np.full((3, 2, 2, 3), 200, np.uint8)
    assert [int(v) for v in crossfade(a, b)[:, 0, 0, 0]] == [50, 100, 150]
    with pytest.raises(InputError):
        plan_chunks(40, 4, 4)


def test_story_prompts_are_spread_over_chunks() -> None:
    assert prompt_segments("a | b", 4) == ["a", "a", "b", "b"]
    assert prompt_segments("a | b | c", 2) == ["a", "b"]
    assert prompt_segments("just one", 3) == ["just one"] * 3


def test_i2v_long_shot_has_exact_length_seams_and_seeds(wan_i2v: LongVideoEngine, panel: Path) -> None:
    request = ShotRequest(
        task="i2v", image=panel, prompt="a red shoe", num_frames=40, width=32, height=32, fps=16, steps=2, seed=5
    )
    seen: list[tuple[int, int]] = []
    clip = wan_i2v.generate(request, on_progress=lambda s, t: seen.append((s, t)))
    assert clip.frames.shape == (40, 32, 32, 3) and clip.meta["num_frames"] == 40
    assert clip.meta["chunks"] == 3 and clip.meta["seams"] == [13, 26] and clip.meta["continued_with"] == "i2v"
    assert seen == [(step, 6) for step in range(1, 7)]
    within_first_chunk = jumps(clip.frames[:17]).max()
    for seam in clip.meta["seams"]:
        assert jumps(clip.frames[seam - 1 : seam + 5]).max() <= 1.5 * within_first_chunk
    assert np.array_equal(clip.frames, wan_i2v.generate(request).frames)
    assert not np.array_equal(clip.frames, wan_i2v.generate(request.model_copy(update={"seed": 6})).frames)


def test_ltx_continues_from_several_frames() -> None:
    engine = load_engine("tiny-ltx")
    clip = engine.generate(ShotRequest(prompt="a red shoe", num_frames=30, width=32, height=32, fps=24, steps=2))
    assert clip.num_frames == 30 and clip.meta["continued_with"] == "condition" and clip.meta["chunks"] == 2
    story = engine.generate(
        ShotRequest(prompt="a red shoe | a blue shoe", num_frames=30, width=32, height=32, fps=24, steps=2)
    )
    assert story.meta["prompts"] == ["a red shoe", "a blue shoe"]
    seam = clip.meta["seams"][0]
    assert np.array_equal(story.frames[:seam], clip.frames[:seam])  # chunk 1: the same prompt and seed
    assert not np.array_equal(story.frames[seam:], clip.frames[seam:])  # chunk 2: the next segment


def test_no_cut_at_the_seams_of_a_camera_move(panel: Path) -> None:
    engine = LongVideoEngine(AnimaticEngine(max_frames=24, mark=False))
    request = ShotRequest(
        task="i2v", image=panel, prompt="x", camera="pan right", num_frames=60, width=64, height=48, fps=24
    )
    clip = engine.generate(request)
    assert clip.num_frames == 60 and clip.meta["chunks"] == 3
    motion = jumps(clip.frames)
    typical = np.median(motion)
    for seam in clip.meta["seams"]:
        assert motion[seam - 1 : seam + clip.meta["overlap"] + 1].max() <= 3 * typical + 1.0
    # the same chunks butted together without continuing from the last frames would cut hard
    restarted = np.concatenate([engine.generate(request.model_copy(update={"num_frames": 24})).frames] * 3)
    assert jumps(restarted)[23] > 5 * motion.max()


def test_cancel_in_a_later_chunk_stops_everything(wan_i2v: LongVideoEngine, panel: Path) -> None:
    def cancel_at_step_4(step: int, total: int) -> None:
        if step == 4:
            raise Cancelled("stop")

    request = ShotRequest(task="i2v", image=panel, prompt="x", num_frames=40, width=32, height=32, fps=16, steps=2)
    with pytest.raises(Cancelled):
        wan_i2v.generate(request, on_progress=cancel_at_step_4)


def test_a_t2v_only_model_cannot_continue() -> None:
    entry = Registry.default().get("tiny-wan").model_copy(update={"max_frames": 9})
    engine = PipelineEngine(entry, {"t2v": build_t2v()})
    assert not engine.capabilities.chunking and engine.capabilities.max_frames == 9
    with pytest.raises(InputError, match="at most 9 frames in one call"):
        engine.generate(ShotRequest(prompt="x", num_frames=20, width=32, height=32, fps=16, steps=1))
    with pytest.raises(InputError, match="no image-to-video to continue"):
        LongVideoEngine(engine)


def test_ltx_native_long_pipeline_is_trimmed_and_reports_progress(panel: Path) -> None:
    engine = load_engine("tiny-ltx-long")
    request = ShotRequest(
        task="i2v",
        image=panel,
        prompt="a red shoe | a blue shoe",
        num_frames=33,
        width=32,
        height=32,
        fps=24,
        steps=3,
        seed=1,
    )
    seen: list[tuple[int, int]] = []
    clip = engine.generate(request, on_progress=lambda s, t: seen.append((s, t)))
    assert clip.meta["pipeline"] == "LTXI2VLongMultiPromptPipeline" and clip.meta["task"] == "long"
    assert clip.num_frames == 33 and clip.meta["num_frames"] == 33  # it renders whole tiles (45): trimmed
    assert seen == [(step, 8) for step in range(1, 9)]  # 4 tiles x (3 - 1) steps
    assert np.array_equal(clip.frames, engine.generate(request).frames)
    short = engine.generate(request.model_copy(update={"num_frames": 9}))
    assert short.meta["pipeline"] == "LTXImageToVideoPipeline"
