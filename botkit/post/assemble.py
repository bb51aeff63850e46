"""Joins rendered shots into one timeline with each shot at exactly its planned duration."""

from __future__ import annotations

import numpy as np
from PIL import Image

from botkit.domain import Clip


def _resize(frames: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    if (frames.shape[2], frames.shape[1]) == size:
        return frames
    return np.stack([np.asarray(Image.fromarray(f).resize(size, Image.Resampling.BICUBIC)) for f in frames])


def retime(clip: Clip, duration_s: float, fps: float) -> np.ndarray:
    """Frames covering exactly ``duration_s`` at ``fps``: nearest-frame resampling of the clip."""
    count = max(1, round(duration_s * fps))
    positions = np.floor(np.arange(count) * clip.num_frames / count).astype(int)
    return clip.frames[np.minimum(positions, clip.num_frames - 1)]


def assemble(clips: list[Clip], durations: list[float]) -> Clip:
    """One clip, cut from shot to shot, at the highest frame rate and the first clip's size."""
    if not clips or len(clips) != len(durations):
        raise ValueError(f"need one duration per clip, got {len(clips)} clips and {len(durations)} durations")
    fps = max(clip.fps for clip in clips)
    size = clips[0].size
    parts = [_resize(retime(clip, duration, fps), size) for clip, duration in zip(clips, durations, strict=True)]
    return Clip(frames=np.concatenate(parts), fps=fps, meta={"shots": len(clips)})
