"""Per-family argument mapping: one small module per model family, explicit rather than clever.

Each module defines ``arguments(pipe, task, request, shape, conditioning, *, entry, guidance) -> dict``
(the pipeline's keyword arguments, minus steps, generator and callback, which ``PipelineEngine``
adds) and may define ``postprocess(frames, shape) -> frames`` and ``progress_steps(...)``. Helpers
they share are in ``families.common``. Families that follow the common call convention
(CogVideoX, any other pipeline) use ``families.custom``.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

import numpy as np

from botkit.engine.conditioning import Conditioning

FAMILIES = (
    "wan",
    "ltx",
    "ltx2",
    "cogvideox",
    "skyreels",
    "hunyuan15",
    "sana",
    "svd",
    "animatediff",
    "helios",
    "anyflow",
    "kandinsky5",
    "custom",
)
_MODULE = {"cogvideox": "custom"}  # CogVideoX's pipelines take the common arguments


class Family:
    """A family module with the shared defaults filled in."""

    def __init__(self, name: str, module: ModuleType) -> None:
        self.name = name
        self.module = module

    def arguments(self, pipe: Any, task: str, request: Any, shape: Any, conditioning: Conditioning, **kw: Any) -> dict:
        return self.module.arguments(pipe, task, request, shape, conditioning, **kw)

    def progress_steps(self, pipe: Any, task: str, kwargs: dict[str, Any], steps: int) -> int:
        """How many step callbacks a call makes (more than ``steps`` for windowed pipelines)."""
        count = getattr(self.module, "progress_steps", None)
        return steps if count is None else count(pipe, task, kwargs, steps)

    def needs_last_image(self, pipe: Any) -> bool:
        """Whether this checkpoint's image-to-video needs a last image (Wan FLF2V)."""
        check = getattr(self.module, "needs_last_image", None)
        return False if check is None else bool(check(pipe))

    def postprocess(self, frames: np.ndarray, shape: Any) -> np.ndarray:
        post = getattr(self.module, "postprocess", None)
        return frames if post is None else post(frames, shape)

    def audio(self, pipe: Any, out: Any, entry: Any, *, frames: int, fps: int) -> tuple[np.ndarray | None, int | None]:
        """The model's own soundtrack, as float32 ``[samples, channels]`` and its rate (None: no sound)."""
        take = getattr(self.module, "audio", None)
        return (None, None) if take is None else take(pipe, out, entry, frames=frames, fps=fps)


def family_for(name: str) -> Family:
    if name not in FAMILIES:
        raise ValueError(f"family {name!r} is not one of {FAMILIES}")
    return Family(name, importlib.import_module(f"botkit.engine.families.{_MODULE.get(name, name)}"))
