"""Hosted voices through the OpenAI-compatible speech protocol, against a local server. The server
reads with Piper, so the true word times are known and the DTW alignment can be measured."""

from __future__ import annotations

import numpy as np
import pytest

from botkit.audio.normalize import normalize
from botkit.audio.voices import Voice
from botkit.audio.wav import wav_bytes
from botkit.errors import InputError, PostError
from tests.audio.fake_speech_server import SpeechServer

LINES = [
    "Step two. Fasten the chin strap under your jaw, and check it's tight.",
    "Our new trail shoes grip wet rock and weigh only 240 grams.",
    "Welcome to the team. In this video you will learn how to set up your desk safely.",
]


@pytest.fixture(scope="module")
def truth(synthesizer, joe):
    """What Piper says for each text, with its own word times: the server's voice. Read without
    Piper's sampling noise (``noise_scale=0``), so the server's audio, and with it the alignment
    measured below, is the same in every run (with the noise, one run in a few placed two words
    0.2-0.3 s off)."""
    import functools

    import piper

    cache: dict[str, object] = {}

    def rendered(text: str):
        if text not in cache:
            with pytest.MonkeyPatch.context() as patch:
                patch.setattr(piper, "SynthesisConfig", functools.partial(piper.SynthesisConfig, noise_scale=0.0))
                cache[text] = synthesizer.backend("piper").speak(normalize(text, "en"), joe)
        return cache[text]

    return rendered


@pytest.fixture
def server(truth):
    def speak(text: str, voice: str) -> bytes:
        # the client sends normalised text; look the original up by what it became
        original = next((line for line in LINES if normalize(line, "en").text == text), None)
        rendered = truth(original) if original else truth(text)
        return wav_bytes(rendered.samples, rendered.sample_rate)

    with SpeechServer(speak, api_key="sk-test") as running:
        yield running


def hosted(server, **extra) -> Voice:
    values = {"id": "nova", "language": "en", "backend": "openai", "url": server.url, "remote_voice": "nova",
              "remote_model": "tts-1", "api_key_env": "TEST_SPEECH_KEY"} | extra  # fmt: skip
    return Voice(**values)


def test_request_follows_the_protocol(server, synthesizer, monkeypatch) -> None:
    monkeypatch.setenv("TEST_SPEECH_KEY", "sk-test")
    speech = synthesizer.synthesize("Save 10% today.", hosted(server, rate=1.25))
    [request] = server.requests
    assert request == {"model": "tts-1", "input": "Save ten percent today.", "voice": "nova",
                       "response_format": "wav", "speed": 1.25}  # fmt: skip
    assert speech.voice == "nova" and speech.timing == "aligned" and speech.duration_s > 0.5
    assert [w.text for w in speech.words] == ["Save", "10%", "today."]


def test_aligned_timing_is_close_to_the_truth(server, synthesizer, truth, monkeypatch) -> None:
    monkeypatch.setenv("TEST_SPEECH_KEY", "sk-test")
    errors = []
    for line in LINES:
        speech = synthesizer.synthesize(line, hosted(server))
        real = truth(line)
        starts = [span[0] / real.sample_rate for span in real.spans]
        script = normalize(line, "en")
        first_of_token = [starts[script.token_of_word.index(i)] for i in range(len(script.tokens))]
        errors += [abs(w.start_s - t) for w, t in zip(speech.words, first_of_token, strict=True)]
    errors = np.array(errors)
    # measured here: median ~32 ms, 90th percentile ~75 ms
    assert np.median(errors) < 0.06, np.round(errors, 3)
    assert np.percentile(errors, 90) < 0.12, np.round(errors, 3)


def test_missing_key_is_an_input_error(server, synthesizer, monkeypatch) -> None:
    monkeypatch.delenv("TEST_SPEECH_KEY", raising=False)
    with pytest.raises(InputError, match="TEST_SPEECH_KEY"):
        synthesizer.synthesize("Hello.", hosted(server))


def test_wrong_key_is_reported_with_the_servers_answer(server, synthesizer, monkeypatch) -> None:
    monkeypatch.setenv("TEST_SPEECH_KEY", "sk-wrong")
    with pytest.raises(PostError, match=r"answered 401.*bad key"):
        synthesizer.synthesize("Hello.", hosted(server))


@pytest.mark.parametrize(("mode", "message"), [("error", "answered 500"), ("bomb", "claims 4,000,000,000 bytes"),
                                               ("not-wav", "not a WAV file")])  # fmt: skip
def test_a_misbehaving_server_is_a_clear_error(server, synthesizer, monkeypatch, mode, message) -> None:
    monkeypatch.setenv("TEST_SPEECH_KEY", "sk-test")
    server.mode = mode
    with pytest.raises(PostError, match=message):
        synthesizer.synthesize("Hello there.", hosted(server))


def test_an_unreachable_server_is_a_clear_error(synthesizer) -> None:
    voice = Voice(id="gone", language="en", backend="openai", url="http://127.0.0.1:9/v1", remote_voice="x")
    with pytest.raises(PostError, match="could not be reached"):
        synthesizer.synthesize("Hello.", voice)


def test_proportional_timing_when_espeak_has_no_such_language() -> None:
    from botkit.audio.tts.openai import proportional

    rate = 16000
    audio = np.zeros(rate * 2, np.float32)
    audio[rate // 2 : rate + rate // 2] = 0.3 * np.sin(np.arange(rate) * 0.2)
    script = normalize("banana yes", "en")
    spans = proportional(script, audio, rate)
    assert spans[0][0] == pytest.approx(rate // 2, abs=rate // 100)
    assert spans[-1][1] == pytest.approx(rate + rate // 2, abs=rate // 100)
    # three syllables to one
    assert spans[0][1] - spans[0][0] == pytest.approx(3 * (spans[1][1] - spans[1][0]), rel=0.05)
