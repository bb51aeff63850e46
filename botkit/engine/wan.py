"""Wan 2.x text-to-video through diffusers' ``WanPipeline``.

Frames are snapped to Wan's 4k+1 rule and sizes to multiples of 16; the values used are reported in
``clip.meta``. Progress comes from ``callback_on_step_end``; raising ``Cancelled`` from the progress
callback stops the loop before anything is decoded.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

import numpy as np
import torch

from botkit.domain import Clip, ProgressFn, ShotRequest
from botkit.errors import EngineError, InputError

logger = logging.getLogger(__name__)


def snap_frames(num_frames: int, step: int = 4) -> int:
    """Round up to the nearest ``step * k + 1`` frame count (Wan: 4k+1)."""
    k = max(1, -(-(num_frames - 1) // step))
    return step * k + 1


def snap_size(value: int, multiple: int = 16) -> int:
    return max(multiple, round(value / multiple) * multiple)


class WanEngine:
    """Any ``WanPipeline``: the tiny in-code one for tests, or a Wan 2.1 checkpoint on disk."""

    native_fps = 16

    def __init__(
        self,
        pipe: Any,
        *,
        name: str,
        native_size: tuple[int, int] = (832, 480),
        default_steps: int = 30,
        default_guidance: float = 5.0,
        max_sequence_length: int = 512,
    ) -> None:
        self.pipe = pipe
        self.name = name
        self.native_size = native_size
        self.default_steps = default_steps
        self.default_guidance = default_guidance
        self.max_sequence_length = max_sequence_length

    @classmethod
    def from_pretrained(cls, path: str | Path, *, name: str, dtype: torch.dtype = torch.float32) -> WanEngine:
        from diffusers import WanPipeline

        path = Path(path)
        if not (path / "model_index.json").is_file():
            raise EngineError(f"model {name!r}: expected a diffusers folder with {path / 'model_index.json'}")
        pipe = WanPipeline.from_pretrained(path, dtype=dtype, local_files_only=True)
        pipe.set_progress_bar_config(disable=True)
        return cls(pipe, name=name)

    def generate(self, request: ShotRequest, on_progress: ProgressFn | None = None) -> Clip:
        if request.task != "t2v":
            raise InputError(f"model {self.name!r} does text-to-video only; got task {request.task!r}")
        num_frames = snap_frames(request.num_frames)
        width, height = snap_size(request.width), snap_size(request.height)
        steps = request.steps or self.default_steps
        guidance = self.default_guidance if request.guidance is None else request.guidance

        def step_end(pipe: Any, step: int, timestep: Any, kwargs: dict) -> dict:
            if on_progress is not None:
                on_progress(step + 1, steps)  # may raise Cancelled: stops before decoding
            return kwargs

        started = time.perf_counter()
        try:
            out = self.pipe(
                prompt=request.prompt,
                negative_prompt=request.negative_prompt or None,
                height=height,
                width=width,
                num_frames=num_frames,
                num_inference_steps=steps,
                guidance_scale=guidance,
                generator=torch.Generator("cpu").manual_seed(request.seed),
                output_type="np",
                callback_on_step_end=step_end,
                max_sequence_length=self.max_sequence_length,
            )
        except EngineError:
            raise
        except Exception as exc:  # translate library errors at the boundary
            raise EngineError(f"model {self.name!r} failed to render: {exc}") from exc
        frames = (np.clip(out.frames[0], 0.0, 1.0) * 255).round().astype(np.uint8)
        meta = {
            "model": self.name,
            "seed": request.seed,
            "steps": steps,
            "guidance": guidance,
            "num_frames": num_frames,
            "width": width,
            "height": height,
            "seconds": round(time.perf_counter() - started, 3),
        }
        logger.debug("rendered shot", extra={"model": self.name, **meta})
        return Clip(frames=frames, fps=float(request.fps), meta=meta)
