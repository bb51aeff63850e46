"""Frame-count and size rules of video models, and snapping a request to them.

Every model family accepts only some shapes: Wan ``4k+1`` frames and sides in multiples of 16, LTX
``8k+1`` and 32, CogVideoX a fixed 49. A backend snaps what was asked to the nearest shape the model
takes and reports both in ``clip.meta``, so nothing is ever silently different.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from botkit.errors import InputError

_STEP_RULE = re.compile(r"^(\d+)k\+1$")
_FIXED_RULE = re.compile(r"^fixed:(\d+)$")


@dataclass(frozen=True)
class FrameRule:
    """``4k+1`` (step=4), ``8k+1`` (step=8), ``fixed:49`` (fixed=49) or ``any`` (step=1)."""

    step: int = 1
    fixed: int | None = None

    @classmethod
    def parse(cls, text: str) -> FrameRule:
        text = text.strip().replace(" ", "")
        if text == "any":
            return cls()
        if match := _STEP_RULE.match(text):
            return cls(step=int(match.group(1)))
        if match := _FIXED_RULE.match(text):
            return cls(fixed=int(match.group(1)))
        raise InputError(f"frame rule {text!r} is not one of: 'any', '<n>k+1' (e.g. '4k+1'), 'fixed:<n>'")

    def __str__(self) -> str:
        if self.fixed is not None:
            return f"fixed:{self.fixed}"
        return "any" if self.step == 1 else f"{self.step}k+1"

    def snap(self, num_frames: int, max_frames: int | None = None) -> int:
        """The smallest allowed count >= ``num_frames`` (the largest allowed <= ``max_frames`` if that is less)."""
        if self.fixed is not None:
            return self.fixed
        if self.step == 1:
            snapped = max(1, num_frames)
        else:
            k = max(1, -(-(num_frames - 1) // self.step))
            snapped = self.step * k + 1
        if max_frames is not None and snapped > max_frames:
            snapped = self.largest(max_frames)
        return snapped

    def largest(self, max_frames: int) -> int:
        """The largest allowed count <= ``max_frames``."""
        if self.fixed is not None:
            return self.fixed
        if self.step == 1:
            return max_frames
        return self.step * max(1, (max_frames - 1) // self.step) + 1


def snap_frames(num_frames: int, step: int = 4) -> int:
    """Round up to the nearest ``step * k + 1`` frame count (Wan: 4k+1)."""
    return FrameRule(step=step).snap(num_frames)


def snap_size(value: int, multiple: int = 16) -> int:
    """Round a side to the nearest multiple (never below one multiple)."""
    return max(multiple, round(value / multiple) * multiple)


@dataclass(frozen=True)
class Shape:
    """The frames and size a model will actually render, next to what was asked."""

    num_frames: int
    width: int
    height: int
    asked_frames: int
    asked_width: int
    asked_height: int

    @property
    def snapped(self) -> bool:
        return (self.num_frames, self.width, self.height) != (self.asked_frames, self.asked_width, self.asked_height)

    def meta(self) -> dict[str, int | bool]:
        return {
            "num_frames": self.num_frames,
            "width": self.width,
            "height": self.height,
            "requested_frames": self.asked_frames,
            "requested_width": self.asked_width,
            "requested_height": self.asked_height,
            "snapped": self.snapped,
        }


def snap_shape(
    num_frames: int,
    width: int,
    height: int,
    *,
    rule: FrameRule,
    multiple: int,
    max_frames: int | None = None,
    max_side: int = 4096,
    fixed_size: tuple[int, int] | None = None,
    min_frames: int = 1,
) -> Shape:
    if width > max_side or height > max_side:
        raise InputError(f"size {width}x{height} is larger than this model's limit of {max_side} per side")
    snapped_width, snapped_height = fixed_size or (snap_size(width, multiple), snap_size(height, multiple))
    return Shape(
        num_frames=rule.snap(max(num_frames, min_frames), max_frames),
        width=snapped_width,
        height=snapped_height,
        asked_frames=num_frames,
        asked_width=width,
        asked_height=height,
    )
