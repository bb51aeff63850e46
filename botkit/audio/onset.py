"""Where speech starts, from the signal's energy alone: used to measure how far caption cues drift
from the voice, independently of the timings the synthesiser reported."""

from __future__ import annotations

import numpy as np

FRAME_S = 0.002  # 2 ms: fine enough to measure against a 33 ms frame


def frame_energy_db(samples: np.ndarray, rate: int, frame_s: float = FRAME_S) -> np.ndarray:
    hop = max(1, round(rate * frame_s))
    frames = len(samples) // hop
    if frames == 0:
        return np.zeros(0, np.float32)
    power = samples[: frames * hop].astype(np.float64).reshape(frames, hop) ** 2
    smoothed = power.mean(axis=1)
    return (10 * np.log10(smoothed + 1e-12)).astype(np.float32)


def speech_onset(
    samples: np.ndarray,
    rate: int,
    *,
    start_s: float = 0.0,
    end_s: float | None = None,
    below_peak_db: float = 35.0,
    loud_db: float | None = None,
) -> float | None:
    """Seconds of the first 2 ms frame in [start_s, end_s) whose energy is within ``below_peak_db``
    of the loud level (``loud_db``, default: the span's 95th percentile), with most of the next
    10 ms as loud; None when the span is silent."""
    first = max(0, round(start_s * rate))
    last = len(samples) if end_s is None else min(len(samples), round(end_s * rate))
    if last - first <= 0:
        return None
    energy = frame_energy_db(samples[first:last], rate)
    if len(energy) == 0:
        return None
    loud = float(np.percentile(energy, 95)) if loud_db is None else loud_db
    if loud < -60:
        return None
    threshold = max(loud - below_peak_db, -60.0)
    hold = max(1, round(0.010 / FRAME_S))
    above = (energy > threshold).astype(np.float32)
    # mostly loud over the next 10 ms: a click or a breath alone does not start speech
    share = np.convolve(above, np.ones(hold) / hold, mode="full")[hold - 1 :]
    for index in np.nonzero((above > 0) & (share >= 0.8))[0][:1]:
        return first / rate + float(index) * max(1, round(rate * FRAME_S)) / rate
    return None


def voiced_span(samples: np.ndarray, rate: int, floor_db: float = -40.0) -> tuple[int, int]:
    """First and last sample of the part louder than ``floor_db`` below the peak (10 ms frames)."""
    hop = max(1, rate // 100)
    frames = len(samples) // hop
    if frames == 0:
        return 0, len(samples)
    rms = np.sqrt((samples[: frames * hop].reshape(frames, hop) ** 2).mean(axis=1) + 1e-12)
    loud = np.nonzero(20 * np.log10(rms / rms.max()) > floor_db)[0]
    return int(loud[0] * hop), int((loud[-1] + 1) * hop)
