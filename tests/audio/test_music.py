"""The music beds botkit synthesises: deterministic, stereo, musical (energy where notes are)."""

from __future__ import annotations

import numpy as np
import pytest

from botkit.audio.music import BEDS, RATE, music_bed
from botkit.errors import InputError


@pytest.mark.parametrize("name", sorted(BEDS))
def test_bed_is_deterministic_stereo_and_leaves_headroom(name: str) -> None:
    first, again = music_bed(name, 6.0), music_bed(name, 6.0)
    assert first.shape == (6 * RATE, 2) and first.dtype == np.float32
    assert np.array_equal(first, again)
    assert 20 * np.log10(np.abs(first).max()) == pytest.approx(-3.0, abs=0.01)
    # not mono in disguise, and never silent for long
    assert np.abs(first[:, 0] - first[:, 1]).mean() > 1e-3
    frames = first[: len(first) // RATE * RATE, 0].reshape(-1, RATE // 10)
    assert (np.sqrt((frames**2).mean(axis=1)) > 1e-3).mean() > 0.95


def _share_on(notes, freqs, spectrum, shift: int = 0) -> float:
    near = np.zeros_like(freqs, dtype=bool)
    for note in notes:
        for octave in range(-2, 4):
            hz = 440 * 2 ** ((note + shift + 12 * octave - 69) / 12)
            near |= np.abs(freqs - hz) < hz * 0.03  # within half a semitone
    band = (freqs > 150) & (freqs < 2000)  # above the kick, where the pad and arpeggio play
    return float(spectrum[near & band].sum() / spectrum[band].sum())


@pytest.mark.parametrize("name", sorted(BEDS))
def test_bed_energy_sits_on_its_chords(name: str) -> None:
    bed = BEDS[name]
    samples = music_bed(name, 4 * 60 / bed.bpm)[:, 0]  # the first bar: the first chord
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    freqs = np.fft.rfftfreq(len(samples), 1 / RATE)
    on_chord = _share_on(bed.chords[0], freqs, spectrum)
    a_semitone_off = _share_on(bed.chords[0], freqs, spectrum, shift=1)
    assert on_chord > 0.7 and on_chord > 3 * a_semitone_off, (on_chord, a_semitone_off)


def test_beds_differ() -> None:
    calm, bright = music_bed("calm", 3.0), music_bed("bright", 3.0)
    assert np.corrcoef(calm[:, 0], bright[:, 0])[0, 1] < 0.3


def test_unknown_bed_lists_the_choices() -> None:
    with pytest.raises(InputError, match="choose from: calm, bright, focus"):
        music_bed("disco", 3.0)


@pytest.mark.parametrize("seconds", [0.0, -1.0, 3600.0])
def test_bed_length_is_bounded(seconds: float) -> None:
    with pytest.raises(InputError, match="0-900 s"):
        music_bed("calm", seconds)
