"""What crosses the engine boundary: a render request for one shot and the clip it yields."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

Task = Literal["t2v", "i2v", "v2v"]


class ShotRequest(BaseModel):
    """Everything an engine needs to render one shot. Engines snap frames/size to their rules
    and report the values they actually used in ``Clip.meta``."""

    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True)

    task: Task = "t2v"
    prompt: str
    negative_prompt: str = ""
    image: Path | None = None
    last_image: Path | None = None
    video: Path | None = None
    """``v2v``: the video to restyle (a file ffmpeg reads, or a folder of numbered frames)."""
    strength: float | None = Field(default=None, gt=0, le=1)
    """``v2v``: how far from the input video (1: nothing of it kept); default: the model's."""
    reference_images: list[Path] = Field(default_factory=list, max_length=4)
    """Appearance references (Wan VACE: a product, a character), not a first frame."""
    num_frames: int = Field(ge=1, le=1_441)
    width: int = Field(ge=8, le=4_096)
    height: int = Field(ge=8, le=4_096)
    fps: int = Field(ge=1, le=120)
    steps: int | None = Field(default=None, ge=1, le=200)
    guidance: float | None = Field(default=None, ge=0, le=30)
    seed: int = Field(default=0, ge=0, lt=2**32)
    camera: str | None = None


ProgressFn = Callable[[int, int], None]
"""Called as ``on_progress(step, total_steps)``; it may raise ``Cancelled`` to stop a render."""


@dataclass
class Clip:
    """Frames of one rendered shot: uint8 ``[frames, height, width, 3]``."""

    frames: np.ndarray
    fps: float
    meta: dict[str, Any] = field(default_factory=dict)
    audio: np.ndarray | None = None
    """The model's own soundtrack (LTX-2 with ``audio = "keep"``): float32 ``[samples, channels]`` in
    [-1, 1], as long as the frames; the sound step mixes it under narration and music."""
    audio_rate: int | None = None

    def __post_init__(self) -> None:
        if self.frames.ndim != 4 or self.frames.shape[-1] != 3 or self.frames.dtype != np.uint8:
            raise ValueError(f"frames must be uint8 [F, H, W, 3], got {self.frames.dtype} {self.frames.shape}")

    @property
    def num_frames(self) -> int:
        return int(self.frames.shape[0])

    @property
    def size(self) -> tuple[int, int]:
        """(width, height)"""
        return int(self.frames.shape[2]), int(self.frames.shape[1])

    @property
    def duration_s(self) -> float:
        return self.num_frames / self.fps


class Output(BaseModel):
    """One finished video for one platform."""

    id: str | None = None  # asset id of the video
    poster_id: str | None = None
    job_id: str | None = None
    platform: str
    path: str
    width: int
    height: int
    fps: float
    duration_s: float
    poster: str
