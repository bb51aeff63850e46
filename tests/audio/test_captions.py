"""Caption cues from word timings, and the SRT / WebVTT files written from them."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest

from botkit.audio.captions import line_cues, word_cues
from botkit.post.subtitles import Cue, to_srt, to_vtt, write_sidecars


def test_line_cues_start_with_their_words_and_never_overlap(track) -> None:
    cues = line_cues(track)
    words = track.words
    assert " ".join(c.text for c in cues) == " ".join(w.text for w in words)
    starts = {w.start_s for w in words}
    for cue, following in itertools.pairwise(cues):
        assert cue.start_s in starts
        assert cue.end_s <= following.start_s
    assert cues[-1].end_s <= track.duration_s


def test_line_cues_break_at_sentences_and_fit_two_lines(track) -> None:
    cues = line_cues(track, max_chars=30)
    assert all(len(c.text) <= 30 for c in cues)
    assert cues[0].text == "Step one. Put on the helmet."


def test_word_cues_highlight_each_word_in_turn(track) -> None:
    cues = word_cues(track, max_words=4)
    words = track.words
    assert [c.text[c.highlight[0] : c.highlight[1]] for c in cues] == [w.text for w in words]
    assert [c.start_s for c in cues] == [w.start_s for w in words]
    for cue, following in itertools.pairwise(cues):
        assert cue.end_s <= following.start_s + 1e-9
    assert all(len(c.text.split()) <= 4 for c in cues)


def parse_srt(text: str) -> list[tuple[float, float, str]]:
    def seconds(stamp: str) -> float:
        hours, minutes, rest = stamp.split(":")
        return int(hours) * 3600 + int(minutes) * 60 + float(rest.replace(",", "."))

    blocks = []
    for block in text.strip().split("\n\n"):
        _number, times, *lines = block.split("\n")
        start, end = times.split(" --> ")
        blocks.append((seconds(start), seconds(end), "\n".join(lines)))
    return blocks


def test_srt_round_trips_times_to_the_millisecond(track) -> None:
    cues = line_cues(track)
    parsed = parse_srt(to_srt(cues))
    assert len(parsed) == len(cues)
    for (start, end, text), cue in zip(parsed, cues, strict=True):
        assert start == pytest.approx(cue.start_s, abs=0.0005) and end == pytest.approx(cue.end_s, abs=0.0005)
        assert text == cue.text


def test_vtt_has_its_header_and_style_for_highlights() -> None:
    cues = [Cue(start_s=0, end_s=1.5, text="Save 10% <now> & more", highlight=(5, 8))]
    vtt = to_vtt(cues)
    assert vtt.startswith("WEBVTT\n")
    assert "::cue(b)" in vtt
    assert "00:00:00.000 --> 00:00:01.500\nSave <b>10%</b> &lt;now&gt; &amp; more" in vtt
    srt = to_srt(cues)
    assert '<font color="#FFD400">10%</font> ‹now› & more' in srt


def test_cues_refuse_bad_times() -> None:
    with pytest.raises(ValueError, match="end after it starts"):
        Cue(start_s=2, end_s=1, text="x")
    with pytest.raises(ValueError, match="outside the cue text"):
        Cue(start_s=0, end_s=1, text="abc", highlight=(2, 9))


def test_sidecars_sit_next_to_the_video(tmp_path: Path, track) -> None:
    video = tmp_path / "video-tiktok.mp4"
    srt, vtt = write_sidecars(line_cues(track), video)
    assert (srt.name, vtt.name) == ("video-tiktok.srt", "video-tiktok.vtt")
    assert re.match(r"1\n00:00:00,\d{3} --> ", srt.read_text(encoding="utf-8"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["video-tiktok.srt", "video-tiktok.vtt"]
