"""How far caption cues sit from the voice: each cue that follows a pause is compared with the
speech onset found in the narration's own energy (``botkit.audio.onset``), which knows nothing of
the synthesiser's timings. Positive drift: the cue comes after the voice."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from pydantic import BaseModel

from botkit.audio.onset import FRAME_S, frame_energy_db
from botkit.post.subtitles import Cue

MIN_PAUSE_S = 0.12  # an onset is only defined after this much quiet
SEARCH_S = 0.25


class Drift(BaseModel):
    count: int
    median_ms: float
    worst_ms: float  # largest absolute drift
    mean_ms: float  # signed: > 0 when cues are late on average
    within_frame: float  # share within 1/30 s


def onsets_after_pauses(samples: np.ndarray, rate: int, *, below_peak_db: float = 35.0) -> np.ndarray:
    """Seconds where speech starts after at least MIN_PAUSE_S of quiet: a 2 ms frame within
    ``below_peak_db`` of the track's loud level (95th percentile), most of the next 10 ms as loud."""
    energy = frame_energy_db(samples, rate)
    if not len(energy):
        return np.zeros(0)
    hop_s = max(1, round(rate * FRAME_S)) / rate
    loud = energy > float(np.percentile(energy, 95)) - below_peak_db
    hold = max(1, round(0.010 / hop_s))
    share = np.convolve(loud.astype(np.float32), np.ones(hold) / hold, mode="full")[hold - 1 :]
    pause = max(1, round(MIN_PAUSE_S / hop_s))
    # frames of quiet in the pause just before each frame
    quiet_before = np.convolve((~loud).astype(np.float32), np.ones(pause), mode="full")[: len(loud)]
    quiet_before = np.concatenate([[pause], quiet_before[:-1]])
    starts = np.nonzero(loud & (share >= 0.8) & (quiet_before >= pause))[0]
    return starts * hop_s


def cue_drift(samples: np.ndarray, rate: int, cues: Sequence[Cue]) -> list[float]:
    """Seconds from speech onset to cue start. Every onset after a pause is paired with the cue
    start nearest to it (within SEARCH_S); a cue is measured once, against its nearest onset. Cues
    inside a phrase, where no pause gives an onset, are left out."""
    starts = np.unique(np.asarray([cue.start_s for cue in cues], dtype=np.float64))
    if not len(starts):
        return []
    best: dict[int, float] = {}
    for onset in onsets_after_pauses(samples, rate):
        index = int(np.argmin(np.abs(starts - onset)))
        drift = float(starts[index] - onset)
        if abs(drift) <= SEARCH_S and (index not in best or abs(drift) < abs(best[index])):
            best[index] = drift
    return [best[index] for index in sorted(best)]


def summarise(drifts: Sequence[float], fps: float = 30.0) -> Drift:
    values = np.abs(np.asarray(drifts, dtype=np.float64)) * 1000
    if not len(values):
        return Drift(count=0, median_ms=0, worst_ms=0, mean_ms=0, within_frame=0)
    return Drift(
        count=len(values),
        median_ms=float(np.median(values)),
        worst_ms=float(values.max()),
        mean_ms=float(np.mean(drifts) * 1000),
        within_frame=float((values <= 1000 / fps).mean()),
    )
