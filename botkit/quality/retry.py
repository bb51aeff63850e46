"""Render, check, and render once more with a new seed when a clip fails its checks."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from botkit.domain import Clip
from botkit.quality.checks import Thresholds, quality_entry, verdict
from botkit.quality.signals import measure

logger = logging.getLogger(__name__)

SEED_STEP = 1_000_003  # a prime: the retry seed is far from the first and still a pure function of it


def retry_seed(seed: int) -> int:
    return (seed + SEED_STEP) % 2**32


@dataclass
class CheckedClip:
    clip: Clip
    seed: int
    attempts: int
    problems: list[str]  # empty when the kept clip passed
    entries: list[dict[str, Any]] = field(default_factory=list)  # one quality_entry per attempt, JSON

    @property
    def passed(self) -> bool:
        return not self.problems


def render_checked(
    render: Callable[[int], Clip], seed: int, *, shot: int = 0, thresholds: Thresholds | None = None
) -> CheckedClip:
    """``render(seed)``, measured; on failure ``render(retry_seed(seed))`` once. Keeps the second clip
    when it passes, otherwise the one with fewer problems, and returns what was wrong with it so
    the user can be told. Clips of a single frame (stills) are not checked."""
    clip = render(seed)
    if clip.num_frames < 2:
        return CheckedClip(clip, seed, 1, [])
    report = measure(clip)
    problems = verdict(report, thresholds)
    entries = [quality_entry(shot, report, thresholds, attempt=1)]
    if not problems:
        return CheckedClip(clip, seed, 1, [], entries)
    second_seed = retry_seed(seed)
    logger.info("clip failed its checks; rendering again", extra={"shot": shot, "problems": problems,
                                                                   "seed": second_seed})  # fmt: skip
    second = render(second_seed)
    second_problems: list[str] = []
    if second.num_frames >= 2:
        second_report = measure(second)
        second_problems = verdict(second_report, thresholds)
        entries.append(quality_entry(shot, second_report, thresholds, attempt=2))
    if len(second_problems) <= len(problems):
        return CheckedClip(second, second_seed, 2, second_problems, entries)
    return CheckedClip(clip, seed, 2, problems, entries)
