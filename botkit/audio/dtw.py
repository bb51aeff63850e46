"""Word timing for a voice that reports none (a hosted voice): render the same words with espeak-ng,
whose word and phoneme events give exact times, and map them onto the hosted audio by dynamic time
warping of their spectra (the method of aeneas; no speech recognition, no model weights).

Features are 13 MFCCs (without c0, so loudness does not matter) plus a voicing energy term every
10 ms at 16 kHz; the warp is the classic symmetric DTW computed one anti-diagonal at a time.
"""

from __future__ import annotations

import numpy as np
from scipy.fft import dct

RATE = 16_000
HOP = 160  # 10 ms
WINDOW = 400  # 25 ms
_MELS = 26


def _mel_bank(rate: int, n_fft: int, bands: int) -> np.ndarray:
    def mel(hz):
        return 2595 * np.log10(1 + hz / 700)

    def hz(m):
        return 700 * (10 ** (m / 2595) - 1)

    edges = hz(np.linspace(mel(60), mel(rate / 2 * 0.95), bands + 2))
    bins = np.fft.rfftfreq(n_fft, 1 / rate)
    bank = np.zeros((bands, len(bins)), np.float32)
    for index in range(bands):
        low, centre, high = edges[index : index + 3]
        rising = (bins - low) / (centre - low)
        falling = (high - bins) / (high - centre)
        bank[index] = np.clip(np.minimum(rising, falling), 0, None)
    return bank


_BANK = _mel_bank(RATE, 512, _MELS)


def features(samples: np.ndarray, rate: int) -> np.ndarray:
    """[frames, 14] per-utterance normalised MFCCs (c1..c13) and log energy, one frame per 10 ms."""
    if rate != RATE:
        from scipy.signal import resample_poly  # scipy.signal takes seconds to import: only when needed

        divisor = np.gcd(int(rate), RATE)
        samples = resample_poly(samples, RATE // divisor, int(rate) // divisor).astype(np.float32)
    if len(samples) < WINDOW:
        samples = np.pad(samples, (0, WINDOW - len(samples)))
    count = 1 + (len(samples) - WINDOW) // HOP
    frames = np.lib.stride_tricks.sliding_window_view(samples, WINDOW)[::HOP][:count]
    spectrum = np.abs(np.fft.rfft(frames * np.hanning(WINDOW).astype(np.float32), n=512)) ** 2
    energy = spectrum @ _BANK.T
    log_mel = np.log(energy + 1e-8)
    cepstra = dct(log_mel, type=2, axis=1, norm="ortho")[:, 1:14]
    loudness = np.log(energy.sum(axis=1) + 1e-8)[:, None]
    stacked = np.concatenate([cepstra, loudness], axis=1)
    return ((stacked - stacked.mean(axis=0)) / (stacked.std(axis=0) + 1e-6)).astype(np.float32)


def warp(reference: np.ndarray, target: np.ndarray) -> np.ndarray:
    """For each reference frame, the first target frame the optimal warp path pairs it with."""
    n, m = len(reference), len(target)
    # |a - b|^2 = |a|^2 + |b|^2 - 2ab: an [n, m] matrix, never [n, m, features]
    squared = (reference**2).sum(1)[:, None] + (target**2).sum(1)[None, :] - 2 * reference @ target.T
    cost = np.sqrt(np.maximum(squared, 0))
    total = np.full((n + 1, m + 1), np.inf, np.float32)
    total[0, 0] = 0
    for diagonal in range(2, n + m + 1):  # cells (rows, cols) with rows + cols == diagonal, 1-based
        rows = np.arange(max(1, diagonal - m), min(n, diagonal - 1) + 1)
        cols = diagonal - rows
        best = np.minimum(np.minimum(total[rows - 1, cols], total[rows, cols - 1]), total[rows - 1, cols - 1])
        total[rows, cols] = cost[rows - 1, cols - 1] + best
    first = np.full(n, m - 1, np.int64)
    i, j = n, m
    while i > 0 and j > 0:
        first[i - 1] = j - 1
        moves = (total[i - 1, j - 1], total[i - 1, j], total[i, j - 1])
        step = int(np.argmin(moves))
        if step == 0:
            i, j = i - 1, j - 1
        elif step == 1:
            i -= 1
        else:
            j -= 1
    return first


def map_times(
    reference: np.ndarray, reference_rate: int, target: np.ndarray, target_rate: int, points: list[int]
) -> list[int]:
    """Sample positions in ``target`` that correspond to sample ``points`` in ``reference``."""
    path = warp(features(reference, reference_rate), features(target, target_rate))
    mapped = []
    for point in points:
        frame = min(len(path) - 1, max(0, round(point / reference_rate * RATE / HOP)))
        mapped.append(min(len(target), round(path[frame] * HOP / RATE * target_rate)))
    return mapped
