"""A client for OpenAI-compatible speech servers (``POST {url}/audio/speech`` with JSON ``model``,
``input``, ``voice``, ``response_format``, ``speed``; the answer is the audio bytes), for hosted
voices. Such voices report no timing: words are placed by aligning an espeak-ng rendering of the
same words onto the returned audio (``botkit.audio.dtw``, timing "aligned"); where espeak-ng has no
voice for the language they are spread over the voiced span by syllables (timing "proportional")."""

from __future__ import annotations

import logging
import os
import re

import httpx
import numpy as np

from botkit.audio import dtw
from botkit.audio.normalize import Script
from botkit.audio.onset import voiced_span
from botkit.audio.tts.base import Rendered
from botkit.audio.wav import read_wav
from botkit.errors import InputError, PostError

logger = logging.getLogger(__name__)

MAX_RESPONSE_BYTES = 64 * 1024 * 1024


class OpenAISpeechBackend:
    def __init__(self, *, timeout_s: float = 60.0, transport: httpx.BaseTransport | None = None) -> None:
        self.timeout_s = timeout_s
        self._client = httpx.Client(timeout=timeout_s, transport=transport, follow_redirects=False)

    def request(self, script: Script, voice) -> bytes:
        headers = {"Accept": "audio/wav"}
        if voice.api_key_env:
            key = os.environ.get(voice.api_key_env)
            if not key:
                raise InputError(f"voice {voice.id} needs an API key in the environment variable {voice.api_key_env}")
            headers["Authorization"] = f"Bearer {key}"
        body = {
            "model": voice.remote_model,
            "input": script.text,
            "voice": voice.remote_voice,
            "response_format": "wav",
            "speed": voice.rate,
        }
        url = voice.url.rstrip("/") + "/audio/speech"
        try:
            with self._client.stream("POST", url, json=body, headers=headers) as response:
                if response.status_code != 200:
                    detail = response.read()[:300].decode("utf-8", "replace")
                    raise PostError(f"speech server {url} answered {response.status_code}: {detail}")
                chunks, size = [], 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > MAX_RESPONSE_BYTES:
                        raise PostError(f"speech server {url} sent more than {MAX_RESPONSE_BYTES >> 20} MiB")
                    chunks.append(chunk)
        except httpx.HTTPError as exc:
            raise PostError(f"speech server {url} could not be reached: {exc}") from None
        return b"".join(chunks)

    def speak(self, script: Script, voice) -> Rendered:
        data = self.request(script, voice)
        try:
            samples, rate = read_wav(data, what=f"the audio from voice {voice.id}")
        except InputError as exc:
            raise PostError(str(exc)) from None
        if not len(samples):
            raise PostError(f"voice {voice.id} returned no audio for {script.text[:40]!r}")
        spans, timing = _timings(script, samples, rate, voice.language)
        return Rendered(samples, rate, spans, timing)


def _timings(script: Script, samples: np.ndarray, rate: int, language: str):
    from botkit.audio.tts.espeak import EspeakBackend, voice_names
    from botkit.audio.voices import Voice

    if language not in voice_names():
        return proportional(script, samples, rate), "proportional"
    reference_voice = Voice(id=f"espeak:{language}", language=language, backend="espeak", espeak_voice=language)
    reference = EspeakBackend().speak(script, reference_voice)
    points = [point for span in reference.spans for point in span]
    mapped = dtw.map_times(reference.samples, reference.sample_rate, samples, rate, points)
    spans: list[tuple[int, int]] = []
    for index in range(len(reference.spans)):
        start, end = mapped[2 * index], mapped[2 * index + 1]
        if spans:
            start = max(start, spans[-1][0])
        spans.append((start, max(start, end)))
    return spans, "aligned"


def _syllables(word: str) -> int:
    return max(1, len(re.findall(r"[aeiouyàáâãäåæèéêëìíîïòóôõöøùúûüýÿœ]+", word.lower())))


def proportional(script: Script, samples: np.ndarray, rate: int) -> list[tuple[int, int]]:
    """Approximate spans: the voiced part of the audio shared out by each word's syllable count."""
    start, end = voiced_span(samples, rate)
    weights = [_syllables(word) for word in script.words]
    total = sum(weights)
    spans, cursor = [], float(start)
    for weight in weights:
        stop = cursor + (end - start) * weight / total
        spans.append((round(cursor), round(stop)))
        cursor = stop
    return spans
