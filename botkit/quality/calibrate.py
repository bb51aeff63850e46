"""Calibration: thresholds placed between what good clips measure and what broken ones do.

``python -m botkit.quality.calibrate`` measures synthetic good clips and their broken variants
(``botkit.quality.synthetic``) and prints each check's worst good value, best broken value and the
threshold between them; callers can add the engine's own outputs to ``good``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from botkit.quality.checks import Thresholds
from botkit.quality.signals import QualityReport, measure
from botkit.quality.synthetic import BROKEN, good_clip


@dataclass(frozen=True)
class Rule:
    field: str  # Thresholds field
    failure: str  # which broken kind it must catch
    value: Callable[[QualityReport], float]
    upper: bool  # True: fail above the threshold
    integer: bool = False


RULES = [
    Rule("max_black_frames", "black", lambda r: r.black_frames, True, integer=True),
    Rule("max_frozen_s", "freeze", lambda r: r.frozen_run_s, True),
    Rule("max_hard_cuts", "splice", lambda r: len(r.hard_cuts), True, integer=True),
    Rule("max_luma_jitter", "flicker", lambda r: r.luma_jitter, True),
    Rule("min_consistency", "noise", lambda r: r.consistency, False),
    Rule("max_noise", "noise", lambda r: r.noise, True),
    Rule("max_incoherence", "morph", lambda r: r.incoherence, True),
]


@dataclass(frozen=True)
class CalibrationRow:
    field: str
    failure: str
    worst_good: float
    best_broken: float
    threshold: float
    separated: bool


def calibrate(
    good: list[QualityReport], broken: dict[str, list[QualityReport]]
) -> tuple[Thresholds, list[CalibrationRow]]:
    """Thresholds half-way between the worst good value and the best broken one, per check."""
    if not good:
        raise ValueError("calibration needs at least one good clip")
    rows: list[CalibrationRow] = []
    values: dict[str, Any] = {}
    for rule in RULES:
        good_values = [rule.value(r) for r in good]
        bad_values = [rule.value(r) for r in broken.get(rule.failure, [])]
        worst_good = max(good_values) if rule.upper else min(good_values)
        if not bad_values:
            continue
        best_bad = min(bad_values) if rule.upper else max(bad_values)
        if rule.integer:
            threshold = worst_good
            separated = best_bad > worst_good if rule.upper else best_bad < worst_good
        else:
            threshold = (worst_good + best_bad) / 2
            separated = best_bad > worst_good if rule.upper else best_bad < worst_good
        rows.append(CalibrationRow(rule.field, rule.failure, worst_good, best_bad, round(threshold, 4), separated))
        values[rule.field] = int(threshold) if rule.integer else round(threshold, 4)
    return Thresholds(**values), rows


def synthetic_reports(seeds: range = range(4)) -> tuple[list[QualityReport], dict[str, list[QualityReport]]]:
    good: list[QualityReport] = []
    broken: dict[str, list[QualityReport]] = {name: [] for name in BROKEN}
    for seed in seeds:
        clip, other = good_clip(seed), good_clip(seed + 1000)
        good.append(measure(clip))
        for name, breaker in BROKEN.items():
            broken[name].append(measure(breaker(clip, other)))
    return good, broken


def table(rows: list[CalibrationRow]) -> str:
    lines = ["| threshold | catches | worst good | best broken | threshold | separated |", "|---|---|---|---|---|---|"]
    lines += [
        f"| {r.field} | {r.failure} | {r.worst_good:.4g} | {r.best_broken:.4g} | {r.threshold:.4g} | {r.separated} |"
        for r in rows
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    thresholds, result = calibrate(*synthetic_reports())
    sys.stdout.write(table(result) + "\n" + thresholds.model_dump_json(indent=1) + "\n")
