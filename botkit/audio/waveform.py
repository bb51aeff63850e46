"""A waveform picture with caption cues drawn over it: for reports, and for looking at a mix."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from botkit.post.subtitles import Cue


def waveform_png(
    samples: np.ndarray,
    rate: int,
    path: Path,
    *,
    cues: Sequence[Cue] = (),
    width: int = 1200,
    height: int = 240,
) -> Path:
    """Peak (dark grey) and RMS (light grey) envelope per pixel column, linear scale, a tick every second, and each cue
    as a band along the top starting at its start line."""
    mono = samples if samples.ndim == 1 else samples.mean(axis=1)
    duration = max(len(mono) / rate, 1e-6)
    image = Image.new("RGB", (width, height), "#111827")
    draw = ImageDraw.Draw(image)
    middle = height // 2 + 10
    columns = np.array_split(np.abs(mono), width) if len(mono) >= width else [np.abs(mono)] * width
    for x, column in enumerate(columns):
        peak = float(column.max()) if len(column) else 0.0
        rms = float(np.sqrt((column**2).mean())) if len(column) else 0.0
        for level, colour in ((peak, "#4B5563"), (rms, "#D1D5DB")):
            half = round(min(1.0, level) * (height // 2 - 24))
            draw.line([(x, middle - half), (x, middle + half)], fill=colour)
    for second in range(int(duration) + 1):
        x = round(second / duration * (width - 1))
        draw.line([(x, height - 6), (x, height - 1)], fill="#9CA3AF")
    for index, cue in enumerate(cues):
        x0 = round(cue.start_s / duration * (width - 1))
        x1 = max(x0 + 1, round(cue.end_s / duration * (width - 1)))
        colour = "#F59E0B" if index % 2 == 0 else "#10B981"
        draw.rectangle([x0, 4, x1, 14], fill=colour)
        draw.line([(x0, 4), (x0, height - 8)], fill=colour)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path)
    return path
