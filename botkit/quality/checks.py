"""Thresholds per check and the verdict: which of a clip's signals are out of bounds, in words."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from botkit.quality.signals import QualityReport


class Thresholds(BaseModel):
    """Bounds per check; ``None`` switches a check off.

    Calibrated with ``python -m botkit.quality.calibrate`` (4 synthetic good clips, each broken five
    ways) and 30 toy-world clips (what the embedded model is trained to make), 2026-11-24:

    | check | worst good | best broken | default |
    |---|---|---|---|
    | black frames | 0 | 8 | 0 |
    | frozen run | 0 s | 1.0 s | 0.5 s |
    | hard cuts | 0 | 1 | 0 |
    | luma jitter | 0.0006 | 0.080 (12 % flicker) | 0.03 (the midpoint 0.04 would miss ~6 % flicker) |
    | consistency (SSIM) | 0.896 (toy world) | 0.059 (sigma-40 noise) | 0.4 (real scenes move faster) |
    | noise (grey levels) | 1.66 (toy world) | 25.9 | 12 |
    | incoherence (unexplained change) | 0.0025 | 0.0155 (blobs redrawn each frame) | 0.012 |

    On 12 clips of the embedded model (weights of 2026-11-24 23:22, still training; 17 frames,
    6 prompts x 2 seeds) the defaults flagged 7: 4 flicker + incoherent (objects popping in and out
    pump the whole frame's brightness), 3 incoherent only (shapes redrawn every frame); by eye all 7
    were bad. The 5 that passed are near-empty scenes with faint blobs: these checks measure
    temporal defects, not whether the asked-for subject is there. Incoherence has the least
    evidence behind it: real footage with fine texture leaves more unexplained change than these.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_black_frames: int | None = Field(default=0, ge=0)
    max_frozen_s: float | None = Field(default=0.5, gt=0)
    max_hard_cuts: int | None = Field(default=0, ge=0)
    max_luma_jitter: float | None = Field(default=0.03, gt=0)
    min_consistency: float | None = Field(default=0.4, ge=-1, le=1)
    max_noise: float | None = Field(default=12.0, gt=0)
    max_incoherence: float | None = Field(default=0.012, gt=0)
    max_change: float | None = Field(default=None, gt=0)
    min_motion_smoothness: float | None = Field(default=None, ge=0, le=1)
    min_dynamic_degree: float | None = Field(default=None, ge=0, le=1)


CHECKS: dict[str, str] = {
    "black": "black frames",
    "frozen": "frozen picture",
    "cut": "hard cut inside a shot",
    "flicker": "brightness flicker",
    "noise": "noise instead of a picture",
    "incoherent": "shapes change without moving (incoherent motion)",
    "change": "abrupt change",
    "smoothness": "jerky motion",
    "static": "too little motion",
}
"""Check id -> what a user is told it means."""


def failed_checks(report: QualityReport, thresholds: Thresholds | None = None) -> dict[str, str]:
    """Check id -> a sentence with the measured value and the allowed bound, for each failing check."""
    t = thresholds or Thresholds()
    fps = report.fps
    failed: dict[str, str] = {}
    if t.max_black_frames is not None and report.black_frames > t.max_black_frames:
        first = report.black_indices[0] / fps
        failed["black"] = (
            f"{report.black_frames} black frame(s), the first at {first:.2f} s (allowed {t.max_black_frames})"
        )
    if t.max_frozen_s is not None and report.frozen_run_s > t.max_frozen_s:
        failed["frozen"] = f"the picture stands still for {report.frozen_run_s:.2f} s (allowed {t.max_frozen_s:g} s)"
    if t.max_hard_cuts is not None and len(report.hard_cuts) > t.max_hard_cuts:
        times = ", ".join(f"{(i + 1) / fps:.2f} s" for i in report.hard_cuts[:5])
        failed["cut"] = f"{len(report.hard_cuts)} hard cut(s) inside the shot at {times} (allowed {t.max_hard_cuts})"
    if t.max_luma_jitter is not None and report.luma_jitter > t.max_luma_jitter:
        failed["flicker"] = (
            f"brightness flickers by {report.luma_jitter * 255:.1f} grey levels from frame to frame "
            f"(allowed {t.max_luma_jitter * 255:.1f})"
        )
    noise_bad = t.max_noise is not None and report.noise > t.max_noise
    if (t.min_consistency is not None and report.consistency < t.min_consistency) or noise_bad:
        failed["noise"] = (
            f"frames look like noise: consecutive-frame similarity (SSIM) {report.consistency:.2f}"
            f"{f' (needs {t.min_consistency:g})' if t.min_consistency is not None else ''}, noise level "
            f"{report.noise:.1f}{f' (allowed {t.max_noise:g})' if t.max_noise is not None else ''}"
        )
    if t.max_incoherence is not None and report.incoherence > t.max_incoherence and "noise" not in failed:
        failed["incoherent"] = (
            f"{report.incoherence * 255:.1f} grey levels of change per frame that motion does not explain "
            f"(allowed {t.max_incoherence * 255:.1f})"
        )
    if t.max_change is not None and report.max_change > t.max_change:
        failed["change"] = f"an abrupt change of {report.max_change:.2f} between two frames (allowed {t.max_change:g})"
    if t.min_motion_smoothness is not None and report.motion_smoothness < t.min_motion_smoothness:
        failed["smoothness"] = f"motion smoothness {report.motion_smoothness:.3f} (needs {t.min_motion_smoothness:g})"
    if t.min_dynamic_degree is not None and report.dynamic_degree < t.min_dynamic_degree:
        failed["static"] = f"motion in {report.dynamic_degree:.0%} of frames (needs {t.min_dynamic_degree:.0%})"
    return failed


def verdict(report: QualityReport, thresholds: Thresholds | None = None) -> list[str]:
    """The problems of a clip as sentences a user can read; empty when the clip passes."""
    return [f"{CHECKS[check]}: {detail}" for check, detail in failed_checks(report, thresholds).items()]


def quality_entry(shot: int, report: QualityReport, thresholds: Thresholds | None = None, *, attempt: int = 1) -> dict:
    """What to keep in an asset's ``metrics["quality"]`` list for one shot: JSON only."""
    problems = verdict(report, thresholds)
    return {
        "shot": shot,
        "attempt": attempt,
        "passed": not problems,
        "problems": problems,
        "report": report.model_dump(mode="json"),
    }
