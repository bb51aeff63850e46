"""Text to speech: ``synthesize(text, voice) -> Speech`` over three backends (Piper, espeak-ng, an
OpenAI-compatible ``/v1/audio/speech`` server), with the text normalised first and the timing of
every written word taken from the engine."""

from __future__ import annotations

import logging
import threading
import time
from functools import cache
from pathlib import Path

from botkit.audio.normalize import Script, normalize
from botkit.audio.speech import Speech, WordTiming
from botkit.audio.tts.base import Backend, Rendered
from botkit.audio.voices import Voice

logger = logging.getLogger(__name__)

__all__ = ["Synthesizer", "synthesize"]


class Synthesizer:
    """Holds one backend of each kind (so a Piper model is loaded once) and reads lines aloud.

    ``threads`` is onnxruntime's thread count for Piper (1 by default: the machine is shared);
    ``cache_dir`` keeps a copy of each Piper model patched for alignments (faster loads).
    """

    def __init__(self, *, threads: int | None = 1, timeout_s: float = 60.0, cache_dir: Path | None = None) -> None:
        self.threads = threads
        self.cache_dir = cache_dir
        self.timeout_s = timeout_s
        self._backends: dict[str, Backend] = {}
        self._lock = threading.Lock()

    def backend(self, name: str) -> Backend:
        with self._lock:
            if name not in self._backends:
                if name == "piper":
                    from botkit.audio.tts.piper import PiperBackend

                    self._backends[name] = PiperBackend(threads=self.threads, cache_dir=self.cache_dir)
                elif name == "espeak":
                    from botkit.audio.tts.espeak import EspeakBackend

                    self._backends[name] = EspeakBackend()
                elif name == "openai":
                    from botkit.audio.tts.openai import OpenAISpeechBackend

                    self._backends[name] = OpenAISpeechBackend(timeout_s=self.timeout_s)
                else:
                    raise ValueError(f"unknown speech backend {name!r}")
            return self._backends[name]

    def synthesize(self, text: str, voice: Voice) -> Speech:
        """``text`` read by ``voice``. Raises ``InputError`` for text with nothing to read or too long,
        ``VoiceNotFound`` for a voice that is not installed, ``PostError`` when the engine fails."""
        script = normalize(text, voice.language)
        started = time.perf_counter()
        rendered = self.backend(voice.backend).speak(script, voice)
        speech = _speech(text, script, rendered, voice)
        logger.debug(
            "spoke",
            extra={"voice": voice.id, "seconds": round(speech.duration_s, 3),
                   "wall_s": round(time.perf_counter() - started, 3)},
        )  # fmt: skip
        return speech


def _speech(text: str, script: Script, rendered: Rendered, voice: Voice) -> Speech:
    rate = rendered.sample_rate
    words: list[WordTiming] = []
    for index, token in enumerate(script.tokens):
        spans = [span for span, owner in zip(rendered.spans, script.token_of_word, strict=True) if owner == index]
        if not spans:
            continue
        words.append(
            WordTiming(
                text=token.display,
                spoken=" ".join(token.words),
                start_s=spans[0][0] / rate,
                end_s=max(spans[-1][1], spans[0][0]) / rate,
            )
        )
    return Speech(
        samples=rendered.samples,
        sample_rate=rate,
        words=words,
        timing=rendered.timing,
        voice=voice.id,
        text=text,
        meta={"spoken": script.text},
    )


@cache
def _default() -> Synthesizer:
    return Synthesizer()


def synthesize(text: str, voice: Voice) -> Speech:
    """``text`` read by ``voice`` with a shared default ``Synthesizer``."""
    return _default().synthesize(text, voice)
