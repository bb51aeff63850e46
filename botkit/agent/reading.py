"""A request read for its content: what the whole video shows, its actions (one shot each), and
what the request says of one shot ("shot 1: the bottle on marble", "panel 3 pans left").

Production phrases are out of every piece (``subject``); lengths, counts and platforms are read
by ``timing`` and the planner from the same text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from botkit.agent import clauses, languages, subject, timing, words
from botkit.agent import content as content_words
from botkit.skills.text import fold_with_positions, original_span

_CLAUSE_END = re.compile(r"[.;!?\n。；！？]|[,，、](?!\d)")
_CLAUSE_END_AFTER_COLON = re.compile(r"[.;!?\n。；！？](?:\s|$)|\n")


@dataclass(frozen=True)
class ShotNote:
    """What the request says of one shot: its content (may be empty) and camera move."""

    content: str = ""
    camera: str | None = None


@dataclass(frozen=True)
class Reading:
    language: str
    description: str
    """Everything the video shows, in the user's words (production phrases out)."""
    scene: clauses.Scene
    notes: dict[int, ShotNote] = field(default_factory=dict)
    """1-based shot number (-1: the last) -> what the request says of that shot."""
    injected: bool = False
    """The request had sentences addressed to the bot (prompt injection); they were left out."""
    rest: str = ""
    """The request without what it says of single shots (for its title)."""

    @property
    def has_content(self) -> bool:
        return bool(self.description or any(note.content for note in self.notes.values()))


def find_camera(folded: str) -> str | None:
    for pattern, camera in words.CAMERA_PATTERNS:
        if re.search(pattern, folded):
            return camera
    return None


@lru_cache(maxsize=256)
def read(text: str, language: str | None = None) -> Reading:
    """Read ``text`` (a cleaned request). ``language``: when known (else detected from the text)."""
    language = language or languages.detect(text)
    folded, positions = fold_with_positions(text)
    markers = timing.shot_markers(folded)
    notes: dict[int, ShotNote] = {}
    cut_spans: list[tuple[int, int]] = []
    for index, (start, end, number) in enumerate(markers):
        limit = markers[index + 1][0] if index + 1 < len(markers) else len(folded)
        colon = re.match(r"\s*[:：]", folded[end:limit])
        ender = _CLAUSE_END_AFTER_COLON if colon else _CLAUSE_END
        stop = ender.search(folded, end + (colon.end() if colon else 0), limit)
        clause_end = stop.start() if stop else limit
        original = original_span(positions, start, clause_end, len(text))
        clause = text[original_span(positions, end, clause_end, len(text))[0] : original[1]]
        content = subject.content(clause.lstrip(" :："))
        if not content_words.words_of(content):  # "は", "은", "should show": no content of its own
            content = ""
        note = notes.get(number, ShotNote())
        notes[number] = ShotNote(
            content=", ".join(part for part in (note.content, content) if part),
            camera=note.camera or find_camera(folded[end:clause_end]),
        )
        cut_spans.append(original)
    rest = _without(text, cut_spans)
    description = subject.description(rest)
    flat = re.sub(r"\s*\n\s*", ". ", description)
    return Reading(
        language=language,
        description=description,
        scene=clauses.split_scene(flat, language),
        notes=notes,
        injected=re.search(words.INJECTION_PATTERN, folded) is not None,
        rest=rest,
    )


def _without(text: str, spans: list[tuple[int, int]]) -> str:
    out, last = [], 0
    for start, end in sorted(spans):
        out.append(text[last:start])
        out.append(", ")
        last = max(last, end)
    out.append(text[last:])
    return "".join(out)
