"""The energy-based onset detector the drift measurement relies on, on signals with known onsets."""

from __future__ import annotations

import numpy as np
import pytest

from botkit.audio.drift import cue_drift, onsets_after_pauses, summarise
from botkit.audio.onset import speech_onset, voiced_span
from botkit.post.subtitles import Cue

RATE = 22_050


def bursts(starts: list[float], length_s: float = 0.4, total_s: float = 4.0, noise: bool = False) -> np.ndarray:
    rng = np.random.default_rng(3)
    signal = np.zeros(round(total_s * RATE), np.float32)
    for start in starts:
        first = round(start * RATE)
        count = round(length_s * RATE)
        body = rng.standard_normal(count) * 0.05 if noise else 0.3 * np.sin(np.arange(count) * 2 * np.pi * 180 / RATE)
        signal[first : first + count] = body
    return signal


@pytest.mark.parametrize("noise", [False, True])  # a vowel-like tone and a fricative-like hiss
def test_onsets_are_found_within_two_milliseconds(noise: bool) -> None:
    starts = [0.5, 1.3, 2.71]
    found = onsets_after_pauses(bursts(starts, noise=noise), RATE)
    assert np.allclose(found, starts, atol=0.002), found
    assert speech_onset(bursts(starts, noise=noise), RATE, start_s=1.0) == pytest.approx(1.3, abs=0.002)


def test_a_click_is_not_an_onset() -> None:
    signal = bursts([1.0])
    signal[round(0.5 * RATE)] = 0.9  # one sample
    assert np.allclose(onsets_after_pauses(signal, RATE), [1.0], atol=0.002)


def test_drift_pairs_each_onset_with_its_nearest_cue() -> None:
    signal = bursts([0.5, 1.3, 2.71])
    cues = [Cue(start_s=0.52, end_s=1.0, text="a"), Cue(start_s=0.9, end_s=1.2, text="inside"),
            Cue(start_s=1.29, end_s=2.0, text="b"), Cue(start_s=2.74, end_s=3.5, text="c")]  # fmt: skip
    drifts = cue_drift(signal, RATE, cues)
    assert drifts == pytest.approx([0.02, -0.01, 0.03], abs=0.002)
    summary = summarise(drifts)
    assert summary.count == 3 and summary.worst_ms == pytest.approx(30, abs=2)
    assert summary.within_frame == 1.0


def test_voiced_span() -> None:
    start, end = voiced_span(bursts([1.0], length_s=1.0), RATE)
    assert start / RATE == pytest.approx(1.0, abs=0.011) and end / RATE == pytest.approx(2.0, abs=0.011)
