"""Sound tests run offline: any connection to a non-loopback address fails the test, so nothing
(voice, model, data) can be fetched at run time. Voices and synthesisers are shared per module."""

from __future__ import annotations

import socket

import pytest

from botkit.audio.tts import Synthesizer
from botkit.audio.voices import VoiceTable

_connect = socket.socket.connect


def _loopback_only(self, address):
    host = address[0] if isinstance(address, tuple) else address
    if isinstance(host, str) and not (host.startswith("127.") or host in ("localhost", "::1")):
        raise AssertionError(f"a sound test tried to reach {address!r}: botkit.audio must work offline")
    return _connect(self, address)


@pytest.fixture(autouse=True)
def offline(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(socket.socket, "connect", _loopback_only)


@pytest.fixture(scope="session")
def voices() -> VoiceTable:
    return VoiceTable.load()


@pytest.fixture(scope="session")
def synthesizer() -> Synthesizer:
    return Synthesizer(threads=1)


@pytest.fixture(scope="session")
def joe(voices):
    return voices.for_language("en")


TRAINING_LINES = [
    "Step one. Put on the helmet.",
    "Step two. Fasten the chin strap under your jaw.",
    None,
    "Check it's tight: two fingers, no more!",
]


@pytest.fixture(scope="session")
def track(voices, synthesizer):
    """A narrated 4-shot training video at 24 fps (the third shot is silent)."""
    from botkit.audio.narration import NarrationLine, narrate

    lines = [NarrationLine(text=text) if text else None for text in TRAINING_LINES]
    return narrate(lines, [3.0, 3.0, 2.0, 3.0], fps=24, voices=voices, synthesizer=synthesizer)
