"""WAV in and out, strictly: a header is checked against the bytes really present and against
limits before anything is allocated, so a "WAV bomb" (a header claiming gigabytes, absurd rates or
channel counts) is refused with a clear error instead of filling memory."""

from __future__ import annotations

import os
import struct
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from botkit.errors import InputError

MAX_SECONDS = 15 * 60
MAX_CHANNELS = 8
RATES = (8_000, 192_000)
_PCM, _FLOAT, _EXTENSIBLE = 1, 3, 0xFFFE


@dataclass(frozen=True)
class WavLayout:
    encoding: int
    channels: int
    rate: int
    width: int
    data_start: int
    frames: int

    @property
    def duration_s(self) -> float:
        return self.frames / self.rate


def wav_layout(head: bytes, file_size: int, *, what: str = "audio", max_seconds: float = MAX_SECONDS) -> WavLayout:
    """Check a WAV header (``head``: the file's first bytes, through the data chunk's header)
    against the ``file_size`` really present and the limits; nothing is decoded."""
    if len(head) < 12 or head[:4] not in (b"RIFF", b"RF64") or head[8:12] != b"WAVE":
        raise InputError(f"{what} is not a WAV file (no RIFF/WAVE header)")
    cursor, fmt, payload = 12, None, None
    while cursor + 8 <= len(head):
        name, size = head[cursor : cursor + 4], struct.unpack_from("<I", head, cursor + 4)[0]
        body = cursor + 8
        if name == b"fmt ":
            if size < 16 or body + 16 > len(head):
                raise InputError(f"{what}: the WAV format chunk is truncated")
            fmt = struct.unpack_from("<HHIIHH", head, body)
            if fmt[0] == _EXTENSIBLE and size >= 26 and body + 26 <= len(head):
                fmt = (struct.unpack_from("<H", head, body + 24)[0], *fmt[1:])
        elif name == b"data":
            available = file_size - body
            if size in (0, 0xFFFFFFFF):
                # streaming writers leave the size open; the bytes present are all there is
                size = available
            elif size > available:
                raise InputError(
                    f"{what}: the WAV header claims {size:,} bytes of audio but only {available:,} follow "
                    "(a truncated or forged file)"
                )
            payload = (body, size)
            break
        cursor = body + size + (size & 1)
    if fmt is None or payload is None:
        raise InputError(f"{what}: the WAV file has no {'format' if fmt is None else 'data'} chunk")
    encoding, channels, rate, _, block, bits = fmt
    if encoding not in (_PCM, _FLOAT):
        raise InputError(f"{what}: WAV encoding {encoding} is not PCM or float")
    if not 1 <= channels <= MAX_CHANNELS:
        raise InputError(f"{what}: {channels} channels; at most {MAX_CHANNELS} are accepted")
    if not RATES[0] <= rate <= RATES[1]:
        raise InputError(f"{what}: sample rate {rate} Hz is outside {RATES[0]}-{RATES[1]} Hz")
    width = bits // 8
    if bits % 8 or width not in (1, 2, 3, 4, 8) or block != width * channels:
        raise InputError(f"{what}: {bits}-bit samples in {block}-byte frames are not a valid WAV layout")
    layout = WavLayout(encoding, channels, rate, width, payload[0], payload[1] // block)
    if layout.duration_s > max_seconds:
        raise InputError(f"{what} is {layout.duration_s:.0f} s long; at most {max_seconds:g} s is accepted")
    return layout


def check_wav_file(path: Path, *, what: str = "audio", max_seconds: float = MAX_SECONDS) -> WavLayout:
    """``wav_layout`` of a file, reading only its first 1 MiB."""
    path = Path(path)
    with path.open("rb") as handle:
        head = handle.read(1 << 20)
    return wav_layout(head, path.stat().st_size, what=what, max_seconds=max_seconds)


def read_wav(data: bytes, *, what: str = "audio", max_seconds: float = MAX_SECONDS) -> tuple[np.ndarray, int]:
    """(float32 mono samples, sample rate) from WAV bytes: PCM 8/16/24/32-bit or float 32/64.

    Raises ``InputError`` for anything that is not a sound, plausible WAV within ``max_seconds``.
    """
    layout = wav_layout(data, len(data), what=what, max_seconds=max_seconds)
    block = layout.width * layout.channels
    raw = data[layout.data_start : layout.data_start + layout.frames * block]
    samples = _decode(raw, layout.encoding, layout.width, layout.channels)
    return (samples.mean(axis=1).astype(np.float32) if layout.channels > 1 else samples[:, 0]), layout.rate


def _decode(raw: bytes, encoding: int, width: int, channels: int) -> np.ndarray:
    values: np.ndarray  # float32 throughout (numpy's stubs call a float32 array / int float64)
    if encoding == _FLOAT:
        if width not in (4, 8):
            raise InputError(f"float WAV samples must be 32 or 64 bit, got {width * 8}")
        values = np.frombuffer(raw, "<f4" if width == 4 else "<f8").astype(np.float32)
        return np.clip(np.nan_to_num(values), -1, 1).reshape(-1, channels)
    if width == 1:
        values = (np.frombuffer(raw, np.uint8).astype(np.float32) - 128) / 128
    elif width == 2:
        values = np.frombuffer(raw, "<i2").astype(np.float32) / 32768
    elif width == 3:
        bytes3 = np.frombuffer(raw, np.uint8).reshape(-1, 3).astype(np.int32)
        ints = bytes3[:, 0] | (bytes3[:, 1] << 8) | (bytes3[:, 2] << 16)
        values = (np.where(ints >= 1 << 23, ints - (1 << 24), ints)).astype(np.float32) / (1 << 23)
    elif width == 4:
        values = np.frombuffer(raw, "<i4").astype(np.float32) / 2**31
    else:
        raise InputError("64-bit integer WAV samples are not supported")
    return values.reshape(-1, channels)


def wav_bytes(samples: np.ndarray, rate: int) -> bytes:
    """16-bit PCM WAV of float samples in [-1, 1]: ``[n]`` mono or ``[n, channels]``."""
    frames = samples if samples.ndim == 2 else samples[:, None]
    pcm = np.clip(np.round(frames * 32767), -32768, 32767).astype("<i2")
    channels = pcm.shape[1]
    body = pcm.tobytes()
    header = struct.pack(
        "<4sI4s4sIHHIIHH4sI", b"RIFF", 36 + len(body), b"WAVE", b"fmt ", 16, _PCM, channels, rate,
        rate * 2 * channels, 2 * channels, 16, b"data", len(body),
    )  # fmt: skip
    return header + body


def write_wav(path: Path, samples: np.ndarray, rate: int) -> Path:
    """Write atomically: a reader sees the whole file or none."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(wav_bytes(samples, rate))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path
