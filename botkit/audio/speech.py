"""What a text-to-speech backend returns: mono samples, their rate, and when each word is spoken."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

# engine: the synthesiser's own alignment (Piper's phoneme durations, espeak-ng's word + phoneme events);
# aligned: a hosted voice mapped onto an espeak-ng rendering of the same text by DTW;
# proportional: spread over the voiced span by syllable counts (approximate, last resort).
TimingMethod = Literal["engine", "aligned", "proportional"]


class WordTiming(BaseModel):
    """One spoken word: ``text`` as the user wrote it (``10%``), ``spoken`` as it was read (``ten percent``)."""

    model_config = ConfigDict(frozen=True)

    text: str
    spoken: str
    start_s: float = Field(ge=0)
    end_s: float = Field(ge=0)

    def shifted(self, offset_s: float) -> WordTiming:
        return self.model_copy(update={"start_s": self.start_s + offset_s, "end_s": self.end_s + offset_s})


@dataclass(frozen=True)
class Speech:
    """One synthesised line. ``samples`` are float32 mono in [-1, 1]; word times are seconds from
    the first sample."""

    samples: np.ndarray
    sample_rate: int
    words: list[WordTiming]
    timing: TimingMethod
    voice: str
    text: str
    meta: dict[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.samples.ndim != 1 or self.samples.dtype != np.float32:
            raise ValueError(f"samples must be float32 mono, got {self.samples.dtype} {self.samples.shape}")
        if self.sample_rate <= 0:
            raise ValueError(f"sample_rate must be > 0, got {self.sample_rate}")

    @property
    def duration_s(self) -> float:
        return len(self.samples) / self.sample_rate
