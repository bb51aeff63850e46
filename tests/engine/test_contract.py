"""The exported engine contract, used the way a third party would (``EngineContract``), on the
engines that are not tiny diffusers families, and shown to catch engines that break it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from botkit.domain import Clip, ProgressFn, ShotRequest
from botkit.engine import Capabilities, load_engine
from botkit.engine.animatic import AnimaticEngine
from botkit.engine.embedded.engine import EmbeddedEngine
from botkit.engine.pipeline import PipelineEngine
from botkit.errors import InputError
from botkit.testing.engines import EngineContract, check_engine, make_image
from botkit.testing.tiny.wan import build_t2v


class TestEmbeddedEngine(EngineContract):
    def make_engine(self) -> EmbeddedEngine:
        return EmbeddedEngine.load()


class TestAnimatic(EngineContract):
    different_seed_differs = True  # title cards take their colours from the seed

    def make_engine(self) -> AnimaticEngine:
        return AnimaticEngine()


class TestFactorized(EngineContract):
    def make_engine(self):  # type: ignore[no-untyped-def]
        return load_engine("tiny-factorized")


class TestPipelineFromPipe(EngineContract):
    """A pipeline a user already has, wrapped with ``from_pipe``."""

    def make_engine(self) -> PipelineEngine:
        engine = PipelineEngine.from_pipe(build_t2v(), name="my-wan", size=(32, 32), steps=2)
        assert engine.family.name == "wan" and engine.tasks == ["t2v"] and engine.entry.frames == "4k+1"
        return engine


class SeedBlind:
    """A third-party engine that forgets to use the seed and says it can do image-to-video."""

    name, native_fps, native_size, revision = "seed-blind", 8, (32, 32), "v1"
    capabilities = Capabilities(tasks=frozenset({"t2v"}))

    def generate(self, request: ShotRequest, on_progress: ProgressFn | None = None) -> Clip:
        if request.task != "t2v":
            raise InputError("text-to-video only")
        return self.draw(request, on_progress)

    def draw(self, request: ShotRequest, on_progress: ProgressFn | None) -> Clip:
        if on_progress:
            on_progress(1, 1)
        frames = np.full((request.num_frames, 32, 32, 3), 100, np.uint8)
        meta = {"model": self.name, "seed": request.seed, "num_frames": request.num_frames, "width": 32, "height": 32}
        return Clip(frames, float(request.fps), meta)


class WrongMeta(SeedBlind):
    def generate(self, request: ShotRequest, on_progress: ProgressFn | None = None) -> Clip:
        clip = super().generate(request, on_progress)
        clip.meta["model"] = "something-else"
        return clip


class TakesAnything(SeedBlind):
    """Claims text-to-video only, then renders image-to-video anyway instead of refusing it."""

    def generate(self, request: ShotRequest, on_progress: ProgressFn | None = None) -> Clip:
        return self.draw(request, on_progress)


@pytest.mark.parametrize(
    ("engine", "message"),
    [
        (SeedBlind(), "another seed gave the same frames"),
        (WrongMeta(), "meta\\['model'\\] is 'something-else'"),
        (TakesAnything(), "cannot do i2v \\(capabilities\\) but rendered it"),
    ],
)
def test_the_contract_catches_broken_engines(engine, message: str, tmp_path: Path) -> None:
    with pytest.raises(AssertionError, match=message):
        check_engine(engine, make_image(tmp_path))


def test_from_pretrained_loads_a_local_diffusers_folder(tmp_path: Path) -> None:
    build_t2v().save_pretrained(tmp_path / "my-wan")
    engine = PipelineEngine.from_pretrained(tmp_path / "my-wan", size=(32, 32), steps=2, dtype="float32", max_frames=17)
    assert engine.name == "my-wan" and engine.entry.pipelines == {"t2v": "WanPipeline"}
    check_engine(engine, make_image(tmp_path))
    with pytest.raises(InputError, match="in one call"):
        engine.generate(ShotRequest(prompt="x", num_frames=500, width=32, height=32, fps=16, steps=1))
