"""Subtitle cues and their two sidecar formats, SubRip (.srt) and WebVTT (.vtt). A cue may mark one
span of its text as the word being spoken (word-by-word captions): SRT draws it in a colour,
WebVTT in bold with a STYLE block colouring it."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator

HIGHLIGHT = "#FFD400"


class Cue(BaseModel):
    """Text shown from ``start_s`` to ``end_s``; ``highlight`` is a (start, end) character span of it."""

    model_config = ConfigDict(frozen=True)

    start_s: float = Field(ge=0)
    end_s: float
    text: str = Field(min_length=1)
    highlight: tuple[int, int] | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Cue:
        if self.end_s <= self.start_s:
            raise ValueError(f"a cue must end after it starts: {self.start_s:.3f} -> {self.end_s:.3f}")
        if self.highlight is not None:
            first, last = self.highlight
            if not 0 <= first < last <= len(self.text):
                raise ValueError(f"highlight {self.highlight} lies outside the cue text ({len(self.text)} chars)")
        return self


def _clock(seconds: float, separator: str) -> str:
    total_ms = max(0, round(seconds * 1000))
    hours, rest = divmod(total_ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, ms = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{separator}{ms:03d}"


def _marked(cue: Cue, escape, open_tag: str, close_tag: str) -> str:
    if cue.highlight is None:
        return escape(cue.text)
    first, last = cue.highlight
    return escape(cue.text[:first]) + open_tag + escape(cue.text[first:last]) + close_tag + escape(cue.text[last:])


def _srt_text(text: str) -> str:
    # SubRip has no escapes; angle brackets would read as tags
    return text.replace("<", "‹").replace(">", "›")


def _vtt_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_srt(cues: list[Cue]) -> str:
    blocks = []
    for number, cue in enumerate(cues, start=1):
        text = _marked(cue, _srt_text, f'<font color="{HIGHLIGHT}">', "</font>")
        blocks.append(f"{number}\n{_clock(cue.start_s, ',')} --> {_clock(cue.end_s, ',')}\n{text}\n")
    return "\n".join(blocks)


def to_vtt(cues: list[Cue]) -> str:
    parts = ["WEBVTT", ""]
    if any(cue.highlight for cue in cues):
        parts += ["STYLE", f"::cue(b) {{ color: {HIGHLIGHT}; }}", ""]
    for cue in cues:
        parts += [
            f"{_clock(cue.start_s, '.')} --> {_clock(cue.end_s, '.')}",
            _marked(cue, _vtt_text, "<b>", "</b>"),
            "",
        ]
    return "\n".join(parts)


_SRT_BLOCK = re.compile(r"(\d+:\d\d:\d\d[,.]\d{3}) --> (\d+:\d\d:\d\d[,.]\d{3})[^\n]*\n(.*?)(?:\n\s*\n|\s*$)", re.S)


def _seconds(clock: str) -> float:
    hours, minutes, seconds = clock.replace(",", ".").split(":")
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


def from_srt(text: str) -> list[Cue]:
    """The cues of a SubRip (or WebVTT) text, tags dropped (for reports and measurements)."""
    cues = []
    for start, end, body in _SRT_BLOCK.findall(text):
        plain = re.sub(r"<[^>]+>", "", body).strip()
        if plain and _seconds(end) > _seconds(start):
            cues.append(Cue(start_s=_seconds(start), end_s=_seconds(end), text=plain))
    return cues


def _write_atomic(path: Path, text: str) -> Path:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def write_sidecars(cues: list[Cue], video: Path) -> tuple[Path, Path]:
    """``<video>.srt`` and ``<video>.vtt`` next to ``video`` (same stem), each written whole or not at all."""
    video = Path(video)
    srt = _write_atomic(video.with_suffix(".srt"), to_srt(cues))
    vtt = _write_atomic(video.with_suffix(".vtt"), to_vtt(cues))
    return srt, vtt
