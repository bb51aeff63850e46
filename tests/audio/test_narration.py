"""Narration on the video timeline: lines in their shots, words at their times, shots refitted."""

from __future__ import annotations

import numpy as np
import pytest

from botkit.audio.narration import NarrationLine, narrate, place, speak_lines
from botkit.audio.onset import speech_onset
from botkit.audio.timing import LEAD_IN_S
from botkit.errors import InputError, PlanLimitError
from botkit.post.assemble import shot_starts


def test_the_track_covers_the_video(track) -> None:
    assert sum(track.shot_durations_s) == pytest.approx(11.0)
    assert track.duration_s == pytest.approx(11.0, abs=1 / track.sample_rate)
    assert [line.shot for line in track.lines] == [0, 1, 3]


def test_each_line_starts_after_its_cut_and_ends_in_its_shot(track) -> None:
    starts = shot_starts(track.shot_durations_s, track.fps)
    ends = [*starts[1:], track.duration_s]
    for line in track.lines:
        assert line.start_s == pytest.approx(starts[line.shot] + LEAD_IN_S, abs=1 / track.sample_rate)
        assert line.words[0].start_s >= starts[line.shot]
        assert line.words[-1].end_s <= ends[line.shot]
        assert line.end_s <= ends[line.shot] + 1e-6


def test_words_are_where_the_sound_is(track) -> None:
    for line in track.lines:
        onset = speech_onset(track.samples, track.sample_rate, start_s=line.start_s - 0.1, end_s=line.end_s)
        assert onset is not None
        assert abs(line.words[0].start_s - onset) < 1 / 24 + 0.01


def test_the_silent_shot_is_silent(track) -> None:
    starts = shot_starts(track.shot_durations_s, track.fps)
    rate = track.sample_rate
    # from the second line's last word until the last line starts: nothing but silence
    quiet = track.samples[round((track.lines[1].end_s + 0.01) * rate) : round(starts[3] * rate)]
    assert len(quiet) > rate and np.abs(quiet).max() < 1e-3


def test_long_narration_moves_time_between_shots(voices, synthesizer) -> None:
    lines = [NarrationLine(text="Our new trail shoes grip wet rock, dry dust and everything in between."), None]
    track = narrate(lines, [2.0, 4.0], fps=30, voices=voices, synthesizer=synthesizer)
    assert track.shot_durations_s[0] > 2.0
    assert sum(track.shot_durations_s) == pytest.approx(6.0)
    assert track.lines[0].end_s <= track.shot_durations_s[0]


def test_narration_that_cannot_fit_is_refused(voices, synthesizer) -> None:
    lines = [NarrationLine(text="This sentence is far too long to be read aloud in one single second, really.")]
    with pytest.raises(PlanLimitError, match="the narration needs at least"):
        narrate(lines, [1.0], fps=30, voices=voices, synthesizer=synthesizer)


def test_errors_name_the_shot(voices, synthesizer) -> None:
    with pytest.raises(InputError, match=r"shot 2: .*nothing a voice can read"):
        speak_lines([NarrationLine(text="Fine."), NarrationLine(text="🎉🎉")], voices=voices, synthesizer=synthesizer)


def test_lines_of_different_voices_and_rates_share_one_track(voices, synthesizer) -> None:
    lines = [NarrationLine(text="Hello there."), NarrationLine(text="Hola amigos.", language="es")]
    speeches = speak_lines(lines, voices=voices, synthesizer=synthesizer)
    assert {s.voice for s in speeches} == {"joe", "espeak:es"}
    track = place(speeches, [2.0, 2.0], fps=30)
    assert track.sample_rate == 22050
    assert track.lines[1].words[0].start_s >= 2.0


def test_a_line_model_refuses_empty_text() -> None:
    with pytest.raises(ValueError):
        NarrationLine(text="")


@pytest.mark.parametrize(
    ("language", "texts"),
    [
        ("de", ["Schritt eins. Setzen Sie den Helm auf.", "Schritt zwei. Schließen Sie den Kinnriemen."]),
        ("es", ["Paso uno. Ponte el casco.", "Paso dos. Abrocha la correa, ¡y listo!"]),
        ("en", ["Step one, put on the helmet.", "Check it's tight: two fingers, no more."]),
    ],
)
def test_espeak_cues_sit_on_the_voice(voices, synthesizer, language, texts) -> None:
    from botkit.audio.captions import word_cues
    from botkit.audio.drift import cue_drift, summarise

    voice = voices.get(f"espeak:{language}")
    lines = [NarrationLine(text=t, language=language) for t in texts]
    track = narrate(lines, [4.0] * len(lines), fps=30, voice=voice, synthesizer=synthesizer)
    drift = summarise(cue_drift(track.samples, track.sample_rate, word_cues(track)))
    # measured: within 2 ms, from espeak-ng's phoneme events
    assert drift.count >= 3 and drift.worst_ms <= 1000 / 30 / 2, drift
