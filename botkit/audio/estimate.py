"""How long a line will take to say, without saying it: the line's phonemes (espeak-ng's, as Piper
reads them), its inner clause and sentence breaks, and a linear model per voice calibrated once
against the voice's real output (``estimates.toml``; ``tools/calibrate_voices.py`` writes it).

    estimator = SpeechEstimator()
    estimator.padded_s("Step two. Fasten the chin strap.", voice)   # seconds, with the safety margin

A plan is fitted to these estimates when it is made (well under a millisecond a line); the render
job speaks the lines and fits the shots again to the real audio.
"""

from __future__ import annotations

import json
import re
import threading
import tomllib
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from botkit.audio.normalize import normalize
from botkit.audio.voices import Voice

CALIBRATIONS = Path(__file__).with_name("estimates.toml")

# the margin fitted durations carry over an estimate: calibrated voices miss by 5% at the median and
# ~20% on their worst line; a voice nobody calibrated gets twice the room
MARGIN = 0.12
MARGIN_S = 0.1
UNCALIBRATED_MARGIN = 0.25
UNCALIBRATED_MARGIN_S = 0.2

_FLAGS = re.compile(r"\([^)]+\)")  # "(en)" language-switch flags are not phonemes
_MARKS = frozenset("ˈˌ")  # stress marks take no time of their own
_lock = threading.Lock()  # for a bridge without Piper's own lock


@dataclass(frozen=True)
class LineShape:
    """What a line's length depends on: phonemes, and the pauses inside it."""

    phonemes: int
    clauses: int  # breaks inside a sentence ("," ";" ":")
    sentences: int  # sentence ends before the last one

    def row(self) -> list[float]:
        return [1.0, float(self.phonemes), float(self.clauses), float(self.sentences)]


class Calibration(BaseModel):
    """seconds = intercept + per phoneme + per clause break + per inner sentence end, at rate 1."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    intercept_s: float
    phoneme_s: float = Field(gt=0)
    clause_s: float = 0.0
    sentence_s: float = 0.0
    lines: int = 0  # how many real lines it was fitted on
    median_error: float | None = None  # leave-one-out, relative
    worst_error: float | None = None

    def seconds(self, shape: LineShape, rate: float = 1.0) -> float:
        spoken = (
            self.intercept_s
            + self.phoneme_s * shape.phonemes
            + self.clause_s * shape.clauses
            + self.sentence_s * shape.sentences
        )
        return max(0.2, spoken) / rate


def load_calibrations(path: Path = CALIBRATIONS) -> dict[str, Calibration]:
    """Calibrations by voice id, plus per-backend fallbacks under ``backend:<name>``."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return {voice_id: Calibration(**table) for voice_id, table in data.get("voices", {}).items()}


@lru_cache(maxsize=64)
def _piper_espeak_voice(model: Path, config: Path | None) -> str | None:
    path = config if config is not None else model.with_name(model.name + ".json")
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
        return str(meta["espeak"]["voice"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def espeak_voice_of(voice: Voice) -> str:
    """The espeak-ng voice whose phonemes stand for what ``voice`` says."""
    if voice.backend == "espeak" and voice.espeak_voice:
        return voice.espeak_voice
    if voice.backend == "piper" and voice.model is not None:
        found = _piper_espeak_voice(voice.model, voice.config)
        if found:
            return found
    return voice.language


@lru_cache(maxsize=1)
def _bridge() -> tuple[Any, Any]:
    """Piper's espeak-ng phonemizer (initialised once) and the lock Piper itself holds around it."""
    from piper import espeakbridge
    from piper import voice as piper_voice
    from piper.phonemize_espeak import ESPEAK_DATA_DIR

    lock = getattr(piper_voice, "_ESPEAK_PHONEMIZER_LOCK", _lock)
    with lock:
        espeakbridge.initialize(str(ESPEAK_DATA_DIR))
    return espeakbridge, lock


def shape_of(text: str, voice: Voice) -> LineShape:
    """The line's phonemes and pauses as ``voice`` would read it (normalised first: "10%" is
    "ten percent"). Raises ``InputError`` for a line with nothing to read, as synthesis would."""
    script = normalize(text, voice.language)
    bridge, lock = _bridge()
    try:
        with lock:
            bridge.set_voice(espeak_voice_of(voice))
            clauses = bridge.get_phonemes(script.text)
    except Exception:  # a language the bundled espeak-ng data lacks: letters stand in for phonemes
        letters = sum(len(word) for word in script.words)
        pauses = sum(1 for token in script.tokens[:-1] if token.pause)
        return LineShape(letters, pauses, 0)
    phonemes = breaks = ends = 0
    for spoken, terminator, end_of_sentence in clauses:
        phonemes += sum(
            1 for ch in unicodedata.normalize("NFD", _FLAGS.sub("", spoken)) if not ch.isspace() and ch not in _MARKS
        )
        if end_of_sentence:
            ends += 1
        elif terminator:
            breaks += 1
    return LineShape(phonemes, breaks, max(0, ends - 1))


class SpeechEstimator:
    """Estimated seconds of speech per line, per voice (at the voice's rate)."""

    def __init__(self, calibrations: dict[str, Calibration] | None = None) -> None:
        self.calibrations = calibrations if calibrations is not None else load_calibrations()

    def calibration_for(self, voice: Voice) -> tuple[Calibration, bool]:
        """The voice's own calibration (True), else its backend's fallback (False)."""
        own = self.calibrations.get(voice.id)
        if own is not None:
            return own, True
        return self.calibrations.get(f"backend:{voice.backend}") or self.calibrations["backend:piper"], False

    def estimate_s(self, text: str, voice: Voice) -> float:
        calibration, _ = self.calibration_for(voice)
        return calibration.seconds(shape_of(text, voice), voice.rate)

    def padded_s(self, text: str, voice: Voice) -> float:
        """The estimate with the safety margin a plan is fitted on."""
        _, calibrated = self.calibration_for(voice)
        margin, margin_s = (MARGIN, MARGIN_S) if calibrated else (UNCALIBRATED_MARGIN, UNCALIBRATED_MARGIN_S)
        return self.estimate_s(text, voice) * (1 + margin) + margin_s


def fit_calibration(shapes: Sequence[LineShape], seconds: Sequence[float]) -> Calibration:
    """Least squares over real lines, with leave-one-out relative errors (needs 5+ lines)."""
    import numpy as np

    if len(shapes) != len(seconds) or len(shapes) < 5:
        raise ValueError(f"need 5+ lines with their seconds to calibrate, got {len(shapes)} and {len(seconds)}")
    rows = np.array([shape.row() for shape in shapes])
    real = np.array(seconds, dtype=float)
    used = [0, 1] + [c for c in (2, 3) if rows[:, c].any()]  # a column never seen cannot be fitted
    matrix = rows[:, used]
    errors = []
    for left_out in range(len(real)):
        keep = np.arange(len(real)) != left_out
        coef, *_ = np.linalg.lstsq(matrix[keep], real[keep], rcond=None)
        errors.append(abs(float(matrix[left_out] @ coef) - real[left_out]) / real[left_out])
    coef, *_ = np.linalg.lstsq(matrix, real, rcond=None)
    full = dict.fromkeys(range(4), 0.0) | {c: float(v) for c, v in zip(used, coef, strict=True)}
    return Calibration(
        intercept_s=round(full[0], 4),
        phoneme_s=round(max(full[1], 1e-3), 5),
        clause_s=round(full[2], 4),
        sentence_s=round(full[3], 4),
        lines=len(real),
        median_error=round(float(np.median(errors)), 4),
        worst_error=round(float(np.max(errors)), 4),
    )
