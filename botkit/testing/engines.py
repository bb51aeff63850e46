"""The engine contract: what every botkit engine does, as checks anyone can run on their own engine.

Each ``check_*`` function raises ``AssertionError`` saying what broke. ``EngineContract`` runs them
all as pytest tests: subclass it and say how to build your engine::

    from botkit.testing.engines import EngineContract

    class TestMyEngine(EngineContract):
        def make_engine(self):
            return MyEngine.from_pretrained("/models/mine")

The checks render tiny requests (a few frames at the engine's smallest size, ``steps`` denoising
steps) and cover: the interface and capabilities, frames and metadata, seeds, progress, cancel,
refusing tasks it cannot do with an ``InputError``, image-to-video from an odd-sized RGBA image,
and (for a ``ChunkEngine``) one conditioned call.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import numpy as np
from PIL import Image

from botkit.domain import Clip, ShotRequest
from botkit.engine.base import Capabilities, ChunkEngine, Engine
from botkit.errors import Cancelled, InputError

PROMPT = "a red circle moving left on a blue background"


def make_image(folder: Path) -> Path:
    """A smooth RGBA image of an awkward size (40x24): an engine must convert and fit it."""
    path = Path(folder) / "contract-panel.png"
    y, x = np.mgrid[0:24, 0:40]
    pixels = np.stack([x * 6, y * 10, (x + y) * 4, np.full_like(x, 255)], axis=-1).astype(np.uint8)
    Image.fromarray(pixels, "RGBA").save(path)
    return path


def contract_request(engine: Engine, task: str, image: Path | None, *, steps: int = 2, **changes: Any) -> ShotRequest:
    """A small request the engine can serve: a few frames at its native fps, a small size."""
    frames = 9 if engine.capabilities.max_frames is None else min(9, engine.capabilities.max_frames)
    values: dict[str, Any] = {
        "task": task,
        "prompt": PROMPT,
        "num_frames": frames,
        "width": 32,
        "height": 32,
        "fps": engine.native_fps,
        "steps": steps,
        "seed": 3,
        "image": image if task == "i2v" else None,
        "last_image": image if task == "i2v" and engine.capabilities.needs_last_image else None,
    }
    return ShotRequest(**(values | changes))


def check_interface(engine: Engine) -> None:
    """The attributes every engine has, with the right types."""
    assert isinstance(engine, Engine), f"{type(engine).__name__} does not have the Engine interface"
    assert isinstance(engine.name, str) and engine.name, "name must be a non-empty string"
    assert isinstance(engine.native_fps, int) and engine.native_fps > 0, "native_fps must be a positive int"
    width, height = engine.native_size
    assert isinstance(width, int) and isinstance(height, int) and width > 0 and height > 0, "native_size: (w, h)"
    assert isinstance(engine.capabilities, Capabilities), "capabilities must be a botkit.engine.Capabilities"
    assert engine.capabilities.tasks, "capabilities.tasks must name at least one task"
    assert isinstance(engine.revision, str) and engine.revision, "revision must identify the weights"


def check_clip(engine: Engine, request: ShotRequest, clip: Clip) -> None:
    """Frames and metadata say what was rendered."""
    assert isinstance(clip, Clip), f"generate returned {type(clip).__name__}, not a Clip"
    meta = clip.meta
    assert meta.get("model") == engine.name, f"meta['model'] is {meta.get('model')!r}, not {engine.name!r}"
    assert meta.get("seed") == request.seed, f"meta['seed'] is {meta.get('seed')!r}, not {request.seed}"
    assert meta.get("num_frames") == clip.num_frames, f"meta['num_frames'] {meta.get('num_frames')} != frames"
    assert (meta.get("width"), meta.get("height")) == clip.size, f"meta width/height differ from {clip.size}"
    assert clip.fps == request.fps, f"clip fps {clip.fps} differs from the request's {request.fps}"
    assert clip.num_frames >= 1


def check_seeds(engine: Engine, request: ShotRequest, *, different_seed_differs: bool = True) -> None:
    """The same seed gives the same frames; another seed other frames."""
    first = engine.generate(request).frames
    assert np.array_equal(first, engine.generate(request).frames), "the same seed gave different frames"
    if different_seed_differs:
        other = engine.generate(request.model_copy(update={"seed": request.seed + 1})).frames
        assert first.shape != other.shape or not np.array_equal(first, other), "another seed gave the same frames"


def check_progress(engine: Engine, request: ShotRequest) -> None:
    """``on_progress(step, total)`` counts 1, 2, ... total with a fixed total."""
    seen: list[tuple[int, int]] = []
    engine.generate(request, on_progress=lambda step, total: seen.append((step, total)))
    assert seen, "on_progress was never called"
    totals = {total for _, total in seen}
    assert len(totals) == 1, f"the total changed during one render: {sorted(totals)}"
    total = totals.pop()
    assert [step for step, _ in seen] == list(range(1, total + 1)), f"steps were not 1..{total}: {seen}"


def check_cancel(engine: Engine, request: ShotRequest) -> None:
    """A callback that raises ``Cancelled`` stops the render: the exception comes out, no clip."""

    def cancel(step: int, total: int) -> None:
        raise Cancelled("cancelled by the contract")

    try:
        engine.generate(request, on_progress=cancel)
    except Cancelled:
        return
    raise AssertionError("generate returned a clip although on_progress raised Cancelled")


def check_refuses(engine: Engine, image: Path) -> None:
    """A task outside ``capabilities.tasks`` is refused with an ``InputError`` (a message, not a crash)."""
    for task in ("t2v", "i2v"):
        if engine.capabilities.can(task):
            continue
        try:
            engine.generate(contract_request(engine, task, image))
        except InputError:
            continue
        raise AssertionError(f"{engine.name!r} cannot do {task} (capabilities) but rendered it")


def check_chunk(engine: ChunkEngine, request: ShotRequest) -> None:
    """One conditioned call renders the frames of a chunk from the request's own conditioning."""
    conditioning = engine.first_conditioning(request)
    clip = engine.render(request, conditioning)
    check_clip(engine, request, clip)


def check_engine(engine: Engine, image: Path, *, steps: int = 2, different_seed_differs: bool = True) -> None:
    """Every check, for every task the engine can do."""
    check_interface(engine)
    check_refuses(engine, image)
    for task in sorted(engine.capabilities.tasks & {"t2v", "i2v"}):
        request = contract_request(engine, task, image, steps=steps)
        check_clip(engine, request, engine.generate(request))
        check_seeds(engine, request, different_seed_differs=different_seed_differs and task == "t2v")
        check_progress(engine, request)
        check_cancel(engine, request)
        if isinstance(engine, ChunkEngine):
            check_chunk(engine, request)


class EngineContract:
    """The contract as pytest tests. Subclass it as ``Test...`` and define ``make_engine``; set
    ``different_seed_differs = False`` for an engine whose output does not depend on the seed."""

    steps: ClassVar[int] = 2
    different_seed_differs: ClassVar[bool] = True
    _engines: ClassVar[dict[type, Engine]] = {}

    def make_engine(self) -> Engine:
        raise NotImplementedError("define make_engine() to return the engine under test")

    @property
    def engine(self) -> Engine:
        """Built once per test class (loading weights is the slow part)."""
        if type(self) not in EngineContract._engines:
            EngineContract._engines[type(self)] = self.make_engine()
        return EngineContract._engines[type(self)]

    def _requests(self, tmp_path: Path) -> list[ShotRequest]:
        image = make_image(tmp_path)
        tasks = sorted(self.engine.capabilities.tasks & {"t2v", "i2v"})
        return [contract_request(self.engine, task, image, steps=self.steps) for task in tasks]

    def test_interface(self) -> None:
        check_interface(self.engine)

    def test_refuses_what_it_cannot_do(self, tmp_path: Path) -> None:
        check_refuses(self.engine, make_image(tmp_path))

    def test_renders_what_it_reports(self, tmp_path: Path) -> None:
        for request in self._requests(tmp_path):
            check_clip(self.engine, request, self.engine.generate(request))

    def test_seeds(self, tmp_path: Path) -> None:
        for request in self._requests(tmp_path):
            check_seeds(
                self.engine, request, different_seed_differs=self.different_seed_differs and request.task == "t2v"
            )

    def test_progress(self, tmp_path: Path) -> None:
        for request in self._requests(tmp_path):
            check_progress(self.engine, request)

    def test_cancel(self, tmp_path: Path) -> None:
        for request in self._requests(tmp_path):
            check_cancel(self.engine, request)

    def test_chunk(self, tmp_path: Path) -> None:
        engine = self.engine
        if isinstance(engine, ChunkEngine):
            for request in self._requests(tmp_path):
                check_chunk(engine, request)
