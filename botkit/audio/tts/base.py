"""The one method every speech backend has, and what it returns before words are grouped back
into the tokens the user wrote."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import numpy as np

from botkit.audio.normalize import Script
from botkit.audio.speech import TimingMethod

if TYPE_CHECKING:
    from botkit.audio.voices import Voice


@dataclass(frozen=True)
class Rendered:
    """Samples (float32 mono) and, per spoken word of the script, its (start, end) in samples."""

    samples: np.ndarray
    sample_rate: int
    spans: list[tuple[int, int]]
    timing: TimingMethod


class Backend(Protocol):
    def speak(self, script: Script, voice: Voice) -> Rendered:
        """Read ``script`` aloud with ``voice``; one span per ``script.words`` entry."""
        ...
