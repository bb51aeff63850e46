"""Narration for a whole video: one optional line per shot is spoken, the shots are fitted to the
lines, and the speech is laid on the video timeline with every word's time on that timeline.

    track = narrate(lines, durations, voices=VoiceTable.load(), fps=timeline_fps)
    plan_durations = track.shot_durations_s   # render the shots this long
    track.words                               # WordTiming on the video timeline, for captions
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from botkit.audio.normalize import MAX_CHARS
from botkit.audio.onset import voiced_span
from botkit.audio.speech import Speech, TimingMethod, WordTiming
from botkit.audio.timing import BREATH_S, LEAD_IN_S, fit_shot_durations, needed_s
from botkit.audio.tts import Synthesizer
from botkit.audio.voices import Voice, VoiceTable
from botkit.audio.wav import write_wav
from botkit.errors import InputError
from botkit.post.assemble import shot_starts

logger = logging.getLogger(__name__)

_TAIL_S = 0.05  # of near-silence kept after the last word


class NarrationLine(BaseModel):
    """What one shot says, in which language, and optionally by which voice id."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str = Field(min_length=1, max_length=MAX_CHARS)
    language: str = "en"
    voice: str | None = None


@dataclass(frozen=True)
class PlacedLine:
    """A spoken line on the timeline: its audio starts at ``start_s``; ``words`` are timeline times."""

    shot: int
    start_s: float
    speech: Speech
    words: list[WordTiming]

    @property
    def end_s(self) -> float:
        return self.start_s + self.speech.duration_s

    @property
    def timing(self) -> TimingMethod:
        return self.speech.timing


@dataclass
class NarrationTrack:
    """Mono float32 speech covering exactly ``duration_s`` of video, and where every line and word is."""

    samples: np.ndarray
    sample_rate: int
    lines: list[PlacedLine]
    shot_durations_s: list[float]
    fps: float
    warnings: list[str] = field(default_factory=list)

    @property
    def duration_s(self) -> float:
        return len(self.samples) / self.sample_rate

    @property
    def words(self) -> list[WordTiming]:
        return [word for line in self.lines for word in line.words]

    def write_wav(self, path: Path) -> Path:
        return write_wav(path, self.samples, self.sample_rate)


def _trim_tail(speech: Speech) -> Speech:
    """Drop the near-silence an engine leaves after the last word (espeak-ng leaves ~0.3 s)."""
    if not len(speech.samples):
        return speech
    _, end = voiced_span(speech.samples, speech.sample_rate, floor_db=-50)
    last_word = max((round(w.end_s * speech.sample_rate) for w in speech.words), default=0)
    keep = min(len(speech.samples), max(end, min(last_word, len(speech.samples))) + round(_TAIL_S * speech.sample_rate))
    if keep >= len(speech.samples):
        return speech
    return Speech(speech.samples[:keep].copy(), speech.sample_rate, speech.words, speech.timing, speech.voice,
                  speech.text, speech.meta)  # fmt: skip


def speak_lines(
    lines: Sequence[NarrationLine | None],
    *,
    voices: VoiceTable | None = None,
    voice: Voice | None = None,
    synthesizer: Synthesizer | None = None,
) -> list[Speech | None]:
    """Each line read aloud (None stays None). ``voice`` overrides every line's own choice."""
    voices = voices or VoiceTable.load()
    synthesizer = synthesizer or Synthesizer()
    spoken: list[Speech | None] = []
    for index, line in enumerate(lines):
        if line is None:
            spoken.append(None)
            continue
        chosen = voice or voices.resolve(line.language, line.voice)
        try:
            spoken.append(_trim_tail(synthesizer.synthesize(line.text, chosen)))
        except InputError as exc:
            raise type(exc)(f"shot {index + 1}: {exc}") from None
    return spoken


def place(
    speeches: Sequence[Speech | None], shot_durations_s: Sequence[float], *, fps: float, lead_in_s: float = LEAD_IN_S
) -> NarrationTrack:
    """Lay each shot's speech ``lead_in_s`` after the shot starts (shot starts on frame boundaries, as
    ``botkit.post.assemble`` cuts them). The track is as long as the video."""
    if len(speeches) != len(shot_durations_s):
        raise InputError(f"{len(speeches)} narration lines for {len(shot_durations_s)} shots")
    present = [s for s in speeches if s is not None]
    rate = max((s.sample_rate for s in present), default=22_050)
    starts = shot_starts(list(shot_durations_s), fps)
    frames = sum(max(1, round(d * fps)) for d in shot_durations_s)
    samples = np.zeros(round(frames / fps * rate), np.float32)
    placed: list[PlacedLine] = []
    warnings: list[str] = []
    for shot, (speech, start) in enumerate(zip(speeches, starts, strict=True)):
        if speech is None:
            continue
        audio = speech.samples
        if speech.sample_rate != rate:
            from scipy.signal import resample_poly  # scipy.signal takes seconds to import: only when needed

            divisor = np.gcd(speech.sample_rate, rate)
            audio = resample_poly(audio, rate // divisor, speech.sample_rate // divisor).astype(np.float32)
        at = start + lead_in_s
        first = round(at * rate)
        piece = audio[: max(0, len(samples) - first)]
        if len(piece) < len(audio):
            warnings.append(f"shot {shot + 1}: the narration runs past the end of the video and was cut")
        samples[first : first + len(piece)] += piece
        words = [word.shifted(first / rate) for word in speech.words]
        placed.append(PlacedLine(shot, first / rate, speech, words))
    np.clip(samples, -1, 1, out=samples)
    return NarrationTrack(samples, rate, placed, list(shot_durations_s), fps, warnings)


def narrate(
    lines: Sequence[NarrationLine | None],
    durations_s: Sequence[float],
    *,
    total_s: float | None = None,
    fps: float = 30.0,
    voices: VoiceTable | None = None,
    voice: Voice | None = None,
    synthesizer: Synthesizer | None = None,
    lead_in_s: float = LEAD_IN_S,
    breath_s: float = BREATH_S,
) -> NarrationTrack:
    """Speak ``lines`` (one per shot, None for a silent shot), refit the shot ``durations_s`` so every
    line fits within ``total_s`` (default: their sum), and place the speech on the timeline at
    ``fps``. ``track.shot_durations_s`` are the durations to render.

    Raises ``PlanLimitError`` when the lines cannot fit the asked length, ``InputError`` for an
    unreadable line or unsupported language, ``VoiceNotFound`` naming what to install.
    """
    speeches = speak_lines(lines, voices=voices, voice=voice, synthesizer=synthesizer)
    needed = [needed_s(s.duration_s if s else None, lead_in_s=lead_in_s, breath_s=breath_s) for s in speeches]
    durations = fit_shot_durations(needed, list(durations_s), total_s=total_s, fps=fps)
    track = place(speeches, durations, fps=fps, lead_in_s=lead_in_s)
    logger.info(
        "narrated",
        extra={"lines": len(track.lines), "duration_s": round(track.duration_s, 3),
               "timing": sorted({line.timing for line in track.lines})},
    )  # fmt: skip
    return track
