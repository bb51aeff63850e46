"""Music beds botkit makes itself, in code: chords on a soft pad, a bass line, an arpeggio and (for
the livelier ones) a light beat. Deterministic (same name and length, same samples), so no licence
question and nothing to download. 48 kHz stereo float32.

    samples = music_bed("calm", 30.0)      # [frames, 2]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from botkit.errors import InputError

RATE = 48_000
_TABLE = 2048


@dataclass(frozen=True)
class Bed:
    name: str
    description: str
    bpm: float
    chords: tuple[tuple[int, ...], ...]  # MIDI notes, one chord per bar
    beat: bool
    arpeggio: str  # "eighths" | "quarters" | "none"
    brightness: float  # how many harmonics the pad keeps


BEDS: dict[str, Bed] = {
    bed.name: bed
    for bed in (
        Bed("calm", "slow warm pads (Cmaj7 Am7 Fmaj7 G6), for training and explainers", 72,
            ((48, 55, 59, 64), (45, 52, 55, 60), (41, 48, 52, 57), (43, 50, 52, 59)), False, "quarters", 0.6),
        Bed("bright", "upbeat pop progression (D A Bm G) with a light beat, for promos", 112,
            ((50, 57, 62, 66), (45, 52, 57, 61), (47, 54, 59, 62), (43, 50, 55, 59)), True, "eighths", 0.9),
        Bed("focus", "steady minor pulse (Am F C G), for social hooks and tutorials", 92,
            ((45, 52, 57, 60), (41, 48, 53, 57), (48, 55, 60, 64), (43, 50, 55, 59)), True, "eighths", 0.7),
    )
}  # fmt: skip


def _wavetable(harmonics: int, rolloff: float) -> np.ndarray:
    phase = np.arange(_TABLE) / _TABLE
    table = sum(np.sin(2 * np.pi * n * phase) / n**rolloff for n in range(1, harmonics + 1))
    return (table / np.abs(table).max()).astype(np.float32)


_FIXED = 16  # fractional bits of the table position: integer phase steps, no float modulo


def _oscillator(table: np.ndarray, hz: float, count: int, phase: float = 0.0) -> np.ndarray:
    step = round(hz * _TABLE / RATE * (1 << _FIXED))
    start = round(phase * _TABLE * (1 << _FIXED))
    positions = start + step * np.arange(count, dtype=np.int64)
    return table[(positions >> _FIXED) & (_TABLE - 1)]


def _hz(note: float) -> float:
    return 440.0 * 2 ** ((note - 69) / 12)


def _envelope(count: int, attack_s: float, release_s: float) -> np.ndarray:
    env = np.ones(count, np.float32)
    attack, release = min(count, round(attack_s * RATE)), min(count, round(release_s * RATE))
    if attack:
        env[:attack] = np.linspace(0, 1, attack, dtype=np.float32)
    if release:
        env[-release:] *= np.linspace(1, 0, release, dtype=np.float32)
    return env


def _decay(count: int, seconds: float) -> np.ndarray:
    return np.exp(-np.arange(count, dtype=np.float32) / (seconds * RATE)).astype(np.float32)


def music_bed(name: str, duration_s: float) -> np.ndarray:
    """``duration_s`` of the bed ``name`` as float32 [frames, 2], peaking at -3 dBFS."""
    if name not in BEDS:
        raise InputError(f"unknown music bed {name!r}; choose from: {', '.join(BEDS)}")
    if not 0 < duration_s <= 15 * 60:
        raise InputError(f"a music bed lasts 0-900 s, got {duration_s}")
    bed = BEDS[name]
    total = round(duration_s * RATE)
    beat = 60.0 / bed.bpm
    bar = round(4 * beat * RATE)
    out = np.zeros((total + bar, 2), np.float32)
    pad = _wavetable(max(2, round(12 * bed.brightness)), 1.6)
    pluck = _wavetable(6, 2.0)
    sine = _wavetable(1, 1.0)
    noise = np.random.default_rng(7).standard_normal(round(0.08 * RATE)).astype(np.float32)
    hat = np.diff(noise, prepend=0) * _decay(len(noise), 0.018)  # a differenced burst: bright, short
    overlap = round(0.6 * RATE)
    for bar_index in range(total // bar + 1):
        chord = bed.chords[bar_index % len(bed.chords)]
        start = bar_index * bar
        length = min(bar + overlap, len(out) - start)
        if length <= 0:
            break
        envelope = _envelope(length, 0.5, 0.9)
        for voice, note in enumerate(chord):
            for side, detune in ((0, -0.06), (1, 0.06)):  # cents-level detune spreads the pad in stereo
                tone = _oscillator(pad, _hz(note + 12 + detune), length, phase=0.13 * voice + 0.5 * side)
                out[start : start + length, side] += 0.06 * tone * envelope
        for step in range(4):  # bass on every beat, the root an octave down
            at = start + round(step * beat * RATE)
            count = min(round(beat * RATE), len(out) - at)
            if count <= 0:
                continue
            bass = _oscillator(sine, _hz(chord[0] - 12), count) * _decay(count, 0.35) * _envelope(count, 0.01, 0.05)
            out[at : at + count] += 0.22 * bass[:, None]
        steps = {"eighths": 8, "quarters": 4, "none": 0}[bed.arpeggio]
        pattern = [0, 2, 1, 3, 2, 1, 3, 2]
        for step in range(steps):
            at = start + round(step * 4 * beat / steps * RATE)
            count = min(round(0.6 * RATE), len(out) - at)
            if count <= 0:
                continue
            note = chord[pattern[step % len(pattern)]] + 24
            tone = _oscillator(pluck, _hz(note), count) * _decay(count, 0.18) * _envelope(count, 0.004, 0.05)
            pan = 0.35 + 0.3 * (step % 2)
            out[at : at + count, 0] += 0.05 * tone * (1 - pan)
            out[at : at + count, 1] += 0.05 * tone * pan
        if bed.beat:
            for step in range(8):
                at = start + round(step * beat / 2 * RATE)
                if step % 2 == 0:
                    count = min(round(0.3 * RATE), len(out) - at)
                    if count > 0:
                        time = np.arange(count) / RATE
                        sweep = 2 * np.pi * (45 * time + (110 - 45) * 0.04 * (1 - np.exp(-time / 0.04)))
                        kick = np.sin(sweep).astype(np.float32) * _decay(count, 0.12)
                        out[at : at + count] += 0.3 * kick[:, None]
                count = min(len(hat), len(out) - at)
                if count > 0:
                    out[at : at + count] += 0.025 * hat[:count, None]
    out = out[:total]
    peak = float(np.abs(out).max()) or 1.0
    return (out * (10 ** (-3 / 20) / peak)).astype(np.float32)
