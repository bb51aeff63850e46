"""Any file's audio as float32 samples, decoded by ffmpeg (for measuring and drawing what was made)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from botkit.post.ffmpeg import ffmpeg_output


def read_audio(path: Path, *, rate: int = 48_000, channels: int = 1, stream: str = "0:a:0") -> np.ndarray:
    """``path``'s audio at ``rate``: ``[n]`` for mono, ``[n, channels]`` otherwise."""
    raw = ffmpeg_output(
        ["-i", str(path), "-map", stream, "-ac", str(channels), "-ar", str(rate), "-f", "f32le", "pipe:1"]
    )
    samples = np.frombuffer(raw, "<f4").astype(np.float32)
    return samples if channels == 1 else samples.reshape(-1, channels)
