"""What a render is conditioned on besides text: a first image, a last image, or frames of a
previous chunk (temporal autoregression). Images are loaded and checked before a render starts."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
from PIL import Image


@dataclass(frozen=True)
class Conditioning:
    """Images a render is conditioned on: a first image, a last image, or frames of a previous chunk."""

    image: Image.Image | None = None
    last_image: Image.Image | None = None
    frames: list[Image.Image] = field(default_factory=list)
    video: list[Image.Image] = field(default_factory=list)
    """Video-to-video: the input video's frames (restyled, not continued)."""
    references: list[Image.Image] = field(default_factory=list)
    """Appearance references (Wan VACE ``reference_images``)."""

    def fitted(self, width: int, height: int) -> Conditioning:
        from botkit.engine.images import fit_image

        return replace(
            self,
            image=None if self.image is None else fit_image(self.image, width, height),
            last_image=None if self.last_image is None else fit_image(self.last_image, width, height),
            frames=[fit_image(frame, width, height) for frame in self.frames],
            video=[fit_image(frame, width, height) for frame in self.video],
            references=[fit_image(image, width, height) for image in self.references],
        )

    @classmethod
    def from_frames(cls, frames: np.ndarray) -> Conditioning:
        """Condition on the given uint8 frames: all of them where the model can, the last one otherwise."""
        images = [Image.fromarray(frame) for frame in frames]
        return cls(image=images[-1], frames=images)
