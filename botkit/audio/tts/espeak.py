"""espeak-ng through the library ``espeakng-loader`` ships (no system package needed). Word timing
comes from espeak-ng's own word and phoneme events; the library keeps global state, so every call
holds one lock."""

from __future__ import annotations

import ctypes
import logging
import threading
from functools import cache
from pathlib import Path

import numpy as np

from botkit.audio.normalize import Script
from botkit.audio.tts.base import Rendered
from botkit.errors import InputError, PostError

logger = logging.getLogger(__name__)

_AUDIO_OUTPUT_SYNCHRONOUS = 2
_CHARS_UTF8 = 1
_POS_CHARACTER = 1
_RATE = 1
_EVENT_LIST_TERMINATED, _EVENT_WORD, _EVENT_END, _EVENT_PHONEME = 0, 1, 5, 7
_PHONEME_EVENTS = 0x0001  # espeakINITIALIZE_PHONEME_EVENTS
_DEFAULT_WPM = 175
_LOCK = threading.Lock()


class _Event(ctypes.Structure):
    _fields_ = [
        ("type", ctypes.c_int),
        ("unique_identifier", ctypes.c_uint),
        ("text_position", ctypes.c_int),
        ("length", ctypes.c_int),
        ("audio_position", ctypes.c_int),
        ("sample", ctypes.c_int),
        ("user_data", ctypes.c_void_p),
        ("id", ctypes.c_char * 8),  # a union of number / name / string[8]
    ]


_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(_Event))


class _Library:
    def __init__(self) -> None:
        try:
            import espeakng_loader
        except ImportError:
            raise InputError("espeak-ng voices need the espeakng-loader package: pip install espeakng-loader") from None
        self.data = Path(espeakng_loader.get_data_path())
        self.lib = ctypes.CDLL(espeakng_loader.get_library_path())
        self.lib.espeak_Initialize.restype = ctypes.c_int
        self.lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        self.lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        self.lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        self.lib.espeak_Synth.argtypes = [
            ctypes.c_void_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int, ctypes.c_uint, ctypes.c_uint,
            ctypes.c_void_p, ctypes.c_void_p,
        ]  # fmt: skip
        self.sample_rate = self.lib.espeak_Initialize(
            _AUDIO_OUTPUT_SYNCHRONOUS, 0, str(self.data).encode(), _PHONEME_EVENTS
        )
        if self.sample_rate <= 0:
            raise PostError(f"espeak-ng did not start (data at {self.data})")
        self._samples: list[np.ndarray] = []
        self._events: list[tuple[int, int, int, bytes]] = []
        self._callback = _CALLBACK(self._collect)  # kept alive as long as the library
        self.lib.espeak_SetSynthCallback(self._callback)

    def _collect(self, wav, count, events) -> int:
        if count > 0:
            self._samples.append(np.ctypeslib.as_array(wav, (count,)).copy())
        index = 0
        while events[index].type != _EVENT_LIST_TERMINATED:
            event = events[index]
            name = bytes(event.id).split(b"\0")[0] if event.type == _EVENT_PHONEME else b""
            self._events.append((event.type, event.text_position, event.audio_position, name))
            index += 1
        return 0

    def synth(self, text: str, voice: str, rate: float) -> tuple[np.ndarray, list[tuple[int, int, int, bytes]]]:
        if self.lib.espeak_SetVoiceByName(voice.encode()) != 0:
            raise InputError(f"espeak-ng has no voice {voice!r}")
        self.lib.espeak_SetParameter(_RATE, round(_DEFAULT_WPM * rate), 0)
        data = text.encode("utf-8") + b"\0"
        self._samples, self._events = [], []
        buffer = ctypes.create_string_buffer(data)
        status = self.lib.espeak_Synth(buffer, len(data), 0, _POS_CHARACTER, 0, _CHARS_UTF8, None, None)
        if status != 0:
            raise PostError(f"espeak-ng failed to speak (status {status})")
        samples = np.concatenate(self._samples) if self._samples else np.zeros(0, np.int16)
        return samples, self._events


@cache
def _library() -> _Library:
    return _Library()


@cache
def voice_names() -> list[str]:
    """Lower-case espeak-ng voice names in the bundled data (``en``, ``en-us``, ``de``, ``cmn``, ...)."""
    import espeakng_loader

    lang = Path(espeakng_loader.get_data_path()) / "lang"
    return sorted({path.name.lower() for path in lang.rglob("*") if path.is_file()})


class EspeakBackend:
    def speak(self, script: Script, voice) -> Rendered:
        with _LOCK:
            library = _library()
            samples, events = library.synth(script.text, voice.espeak_voice, voice.rate)
        rate = library.sample_rate
        audio = (samples.astype(np.float32) / 32768.0).astype(np.float32)
        spans = _spans(script, events, rate, len(audio))
        return Rendered(audio, rate, spans, "engine")


def _spans(script: Script, events: list[tuple[int, int, int, bytes]], rate: int, total: int) -> list[tuple[int, int]]:
    """One (start, end) per script word from espeak-ng's own events. A word event comes where the
    previous word's last phoneme ends; the word's sound starts at its first phoneme event that is
    not a pause (12-50 ms later: the closure of a "t" or "ch"), and ends where a pause or the next
    word begins."""
    starts: list[int | None] = [None] * len(script.words)
    ends: list[int | None] = [None] * len(script.words)
    current: int | None = None
    waiting = False  # a word event seen, its first phoneme not yet
    boundary = total
    for kind, position, milliseconds, name in events:
        sample = min(total, round(milliseconds * rate / 1000))
        if kind == _EVENT_WORD:
            if current is not None and ends[current] is None:
                ends[current] = sample
            index = _word_at(list(script.offsets), position - 1)  # text_position counts from 1
            if index is not None and starts[index] is None:
                current, waiting = index, True
                starts[index] = sample  # until its first phoneme says better
        elif kind == _EVENT_PHONEME and current is not None:
            pause = name.startswith(b"_")
            if waiting and not pause:
                starts[current], waiting = sample, False
            elif pause and not waiting and ends[current] is None:
                ends[current] = sample
        elif kind == _EVENT_END and current is not None and ends[current] is None:
            ends[current] = sample
    known = [s for s in starts if s is not None]
    if not known:
        raise PostError(f"espeak-ng reported no word events for {script.text[:40]!r}")
    spans: list[tuple[int, int]] = []
    for index in range(len(script.words)):
        start = starts[index]
        if start is None:  # a word without its own event shares its neighbour's point
            start = spans[-1][1] if spans else known[0]
        following = next((s for s in starts[index + 1 :] if s is not None), boundary)
        end = ends[index]
        if end is None:
            end = following
        spans.append((start, max(start, min(end, following) if following >= start else end)))
    return spans


def _word_at(starts: list[int], character: int) -> int | None:
    """Index of the word whose text starts at or before ``character`` (the last such word)."""
    found = None
    for index, start in enumerate(starts):
        if start <= character:
            found = index
        else:
            break
    return found
