"""Caption cues from the words' timings on the video timeline: line cues (a phrase at a time, for
training and marketing) and word-by-word cues (a few words on screen, the spoken one highlighted,
for social). A cue starts when its first word starts; it never overlaps the next one."""

from __future__ import annotations

from collections.abc import Sequence

from botkit.audio.narration import NarrationTrack
from botkit.audio.speech import WordTiming
from botkit.errors import InputError
from botkit.post.subtitles import Cue

HOLD_S = 0.4  # a cue stays up this long after its last word, if the next one leaves room
MIN_GAP_S = 0.0
_BREAKS = (".", "!", "?", ";", ":", ",", "…")


def _phrases(words: Sequence[WordTiming], max_chars: int, max_words: int) -> list[list[WordTiming]]:
    """Greedy phrases: break after clause punctuation, and before a word that would overflow."""
    phrases: list[list[WordTiming]] = []
    current: list[WordTiming] = []
    for word in words:
        text = " ".join(w.text for w in [*current, word])
        if current and (len(text) > max_chars or len(current) >= max_words):
            phrases.append(current)
            current = []
        current.append(word)
        if word.text.rstrip("\"'”’»)").endswith(_BREAKS) and len(" ".join(w.text for w in current)) >= max_chars / 3:
            phrases.append(current)
            current = []
    if current:
        phrases.append(current)
    return phrases


def _end(last_word_end: float, next_start: float | None, hold_s: float, limit: float) -> float:
    end = min(last_word_end + hold_s, limit)
    if next_start is not None:
        end = min(end, next_start - MIN_GAP_S)
    return max(end, last_word_end if next_start is None else min(last_word_end, next_start))


def line_cues(track: NarrationTrack, *, max_chars: int = 84, max_words: int = 16, hold_s: float = HOLD_S) -> list[Cue]:
    """One cue per phrase of every line (at most ``max_chars``, two 42-character lines' worth)."""
    if max_chars < 8:
        raise InputError(f"max_chars must be at least 8, got {max_chars}")
    groups = [phrase for line in track.lines for phrase in _phrases(line.words, max_chars, max_words)]
    cues = []
    for index, phrase in enumerate(groups):
        following = groups[index + 1][0].start_s if index + 1 < len(groups) else None
        start = phrase[0].start_s
        end = _end(phrase[-1].end_s, following, hold_s, track.duration_s)
        if end > start:
            cues.append(Cue(start_s=start, end_s=end, text=" ".join(w.text for w in phrase)))
    return cues


def word_cues(track: NarrationTrack, *, max_chars: int = 28, max_words: int = 4, hold_s: float = HOLD_S) -> list[Cue]:
    """A page of up to ``max_words`` words stays up while it is spoken; one cue per word, with that
    word highlighted, from its start to the next word's start (the page's last word holds on)."""
    pages = [page for line in track.lines for page in _phrases(line.words, max_chars, max_words)]
    cues = []
    for page_index, page in enumerate(pages):
        text = " ".join(w.text for w in page)
        next_page = pages[page_index + 1][0].start_s if page_index + 1 < len(pages) else None
        cursor = 0
        for index, word in enumerate(page):
            span = (cursor, cursor + len(word.text))
            cursor += len(word.text) + 1
            if index + 1 < len(page):
                end = page[index + 1].start_s
            else:
                end = _end(word.end_s, next_page, hold_s, track.duration_s)
            if end > word.start_s:
                cues.append(Cue(start_s=word.start_s, end_s=end, text=text, highlight=span))
    return cues
