"""WAV in and out: every layout a speech server may send, and forged headers refused before any
allocation."""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
import pytest

from botkit.audio.wav import check_wav_file, read_wav, wav_bytes, write_wav
from botkit.errors import InputError


def header(*, encoding=1, channels=1, rate=22050, bits=16, data_size=0, riff_size=None) -> bytes:
    block = channels * bits // 8
    return struct.pack(
        "<4sI4s4sIHHIIHH4sI", b"RIFF", riff_size if riff_size is not None else 36 + data_size, b"WAVE", b"fmt ", 16,
        encoding, channels, rate, (rate * block) & 0xFFFFFFFF, block & 0xFFFF, bits, b"data", data_size,
    )  # fmt: skip


def test_round_trip_16_bit() -> None:
    tone = (0.5 * np.sin(np.arange(2205) / 10)).astype(np.float32)
    samples, rate = read_wav(wav_bytes(tone, 22050))
    assert rate == 22050 and samples.dtype == np.float32
    assert np.abs(samples - tone).max() < 1e-4


@pytest.mark.parametrize("bits", [8, 16, 24, 32])
def test_pcm_widths(bits: int) -> None:
    values = np.array([0.0, 0.5, -0.5, 0.25], np.float64)
    scale = {8: 127, 16: 32767, 24: 2**23 - 1, 32: 2**31 - 1}[bits]
    ints = np.round(values * scale).astype(np.int64)
    if bits == 8:
        raw = (ints + 128).astype(np.uint8).tobytes()
    elif bits == 24:
        raw = b"".join(int(v).to_bytes(3, "little", signed=True) for v in ints)
    else:
        raw = ints.astype(f"<i{bits // 8}").tobytes()
    samples, _ = read_wav(header(bits=bits, data_size=len(raw)) + raw)
    assert np.allclose(samples, values, atol=1 / 120)


def test_float_stereo_is_mixed_to_mono() -> None:
    frames = np.array([[0.2, 0.4], [-0.2, -0.6]], "<f4").tobytes()
    samples, rate = read_wav(header(encoding=3, channels=2, bits=32, rate=24000, data_size=len(frames)) + frames)
    assert rate == 24000 and np.allclose(samples, [0.3, -0.4])


def test_streaming_size_reads_what_is_there() -> None:
    raw = np.zeros(100, "<i2").tobytes()
    samples, _ = read_wav(header(data_size=0xFFFFFFFF, riff_size=0xFFFFFFFF) + raw)
    assert len(samples) == 100


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"ID3\x03" + b"\0" * 100, "not a WAV file"),
        (header(data_size=4_000_000_000) + b"\0" * 64, "claims 4,000,000,000 bytes"),
        (header(channels=60000, data_size=0) + b"", "60000 channels"),
        (header(rate=4_000_000_000, data_size=2) + b"\0\0", "sample rate"),
        (header(encoding=85, data_size=2) + b"\0\0", "encoding 85"),
        (header(bits=12, data_size=2) + b"\0\0", "not a valid WAV layout"),
        (header(data_size=2)[:30], "format chunk is truncated"),
    ],
)
def test_forged_or_broken_headers(data: bytes, message: str) -> None:
    with pytest.raises(InputError, match=message):
        read_wav(data)


def test_too_long_is_refused_before_decoding() -> None:
    # an hour of 8 kHz audio claimed and present in the header's own terms
    rate, seconds = 8000, 3600
    data_size = rate * seconds  # 8-bit mono
    forged = header(rate=rate, bits=8, data_size=data_size)
    with pytest.raises(InputError, match="at most 900 s"):
        read_wav(forged + b"\x80" * data_size)


def test_check_wav_file_reads_only_the_header(tmp_path: Path) -> None:
    # a sparse 3 GiB file: its header is honest, its length is the bomb
    bomb = tmp_path / "bomb.wav"
    size = 3 * 2**30
    with bomb.open("wb") as handle:
        handle.write(header(rate=48000, channels=2, data_size=size))
        handle.truncate(44 + size)
    with pytest.raises(InputError, match="at most 900 s"):
        check_wav_file(bomb)


def test_write_is_atomic(tmp_path: Path) -> None:
    target = tmp_path / "a.wav"
    write_wav(target, np.zeros((10, 2), np.float32), 48000)
    assert read_wav(target.read_bytes())[1] == 48000
    assert [p.name for p in tmp_path.iterdir()] == ["a.wav"]
