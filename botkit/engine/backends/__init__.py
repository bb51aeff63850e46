"""Per-family argument mapping: one small module per model family, explicit rather than clever.

Each module defines ``arguments(pipe, task, request, shape, conditioning, *, entry, guidance) -> dict``
(the pipeline's keyword arguments, minus steps, generator and callback, which ``PipelineEngine``
adds) and may define ``postprocess(frames, shape) -> frames``.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field, replace
from types import ModuleType
from typing import Any

import numpy as np
from PIL import Image

FAMILIES = ("wan", "ltx", "cogvideox", "skyreels", "hunyuan15", "sana", "svd", "animatediff", "custom")


@dataclass(frozen=True)
class Conditioning:
    """Images a render is conditioned on: a first image, a last image, or frames of a previous chunk."""

    image: Image.Image | None = None
    last_image: Image.Image | None = None
    frames: list[Image.Image] = field(default_factory=list)

    def fitted(self, width: int, height: int) -> Conditioning:
        from botkit.engine.images import fit_image

        return replace(
            self,
            image=None if self.image is None else fit_image(self.image, width, height),
            last_image=None if self.last_image is None else fit_image(self.last_image, width, height),
            frames=[fit_image(frame, width, height) for frame in self.frames],
        )

    @classmethod
    def from_frames(cls, frames: np.ndarray) -> Conditioning:
        """Condition on the given uint8 frames: all of them where the model can, the last one otherwise."""
        images = [Image.fromarray(frame) for frame in frames]
        return cls(image=images[-1], frames=images)


class Backend:
    """A family module with the shared defaults filled in."""

    def __init__(self, module: ModuleType) -> None:
        self.module = module
        self.family = module.__name__.rsplit(".", 1)[-1]

    def arguments(self, pipe: Any, task: str, request: Any, shape: Any, conditioning: Conditioning, **kw: Any) -> dict:
        return self.module.arguments(pipe, task, request, shape, conditioning, **kw)

    def progress_steps(self, pipe: Any, task: str, kwargs: dict[str, Any], steps: int) -> int:
        """How many step callbacks a call makes (more than ``steps`` for windowed pipelines)."""
        count = getattr(self.module, "progress_steps", None)
        return steps if count is None else count(pipe, task, kwargs, steps)

    def postprocess(self, frames: np.ndarray, shape: Any) -> np.ndarray:
        post = getattr(self.module, "postprocess", None)
        return frames if post is None else post(frames, shape)


def backend_for(family: str) -> Backend:
    if family not in FAMILIES:
        raise ValueError(f"family {family!r} is not one of {FAMILIES}")
    return Backend(importlib.import_module(f"botkit.engine.backends.{family}"))


def prompt_with_camera(request: Any) -> str:
    """The shot's prompt, with its camera words appended when the prompt does not say them already."""
    camera = (request.camera or "").strip()
    if camera and camera != "static" and camera.lower() not in request.prompt.lower():
        return f"{request.prompt}, {camera}"
    return request.prompt


def text_arguments(request: Any, entry: Any) -> dict[str, Any]:
    """prompt (with camera words) / negative_prompt plus the entry's fixed call arguments."""
    return {"prompt": prompt_with_camera(request), "negative_prompt": request.negative_prompt or None, **entry.call}


def trim(frames: np.ndarray, shape: Any) -> np.ndarray:
    """Pipelines that round the length up (SkyReels DF, LTX long) are trimmed to the snapped count."""
    return frames[: shape.num_frames]
