"""Quality signals of rendered clips and the checks that decide whether a clip is shown."""

from botkit.quality.checks import Thresholds, failed_checks, quality_entry, verdict
from botkit.quality.retry import CheckedClip, render_checked
from botkit.quality.signals import QualityReport, measure

__all__ = [
    "CheckedClip",
    "QualityReport",
    "Thresholds",
    "failed_checks",
    "measure",
    "quality_entry",
    "render_checked",
    "verdict",
]
