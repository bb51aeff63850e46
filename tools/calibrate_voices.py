"""Calibrate the plan-time speech estimate (``botkit/audio/estimate.py``) against real speech.

    .venv/bin/python tools/calibrate_voices.py            # print the errors
    .venv/bin/python tools/calibrate_voices.py --write    # and rewrite botkit/audio/estimates.toml

The lines are the ones botkit really speaks: the narration the offline planner writes for every
labelled request in ``tests/agent/labelled_*.toml`` (all four skills, ten languages), plus the
lines the sound tests speak. Each is synthesised once with its language's default voice; the
per-voice model is fitted by least squares, and its error is measured leave-one-out (each line
predicted by a model fitted without it). Languages with no voice installed are skipped.
"""

from __future__ import annotations

import argparse
import glob
import sys
import tomllib
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from botkit.agent.offline import OfflinePlanner, PlanRequest  # noqa: E402
from botkit.audio.estimate import CALIBRATIONS, MARGIN, MARGIN_S, LineShape, fit_calibration, shape_of  # noqa: E402
from botkit.audio.narration import _trim_tail  # noqa: E402
from botkit.audio.tts import Synthesizer  # noqa: E402
from botkit.audio.voices import VoiceNotFound, VoiceTable  # noqa: E402

EXTRA_LINES = [  # what tests/audio and tests/render speak
    ("Step one. Put on the helmet.", "en"),
    ("Step two. Fasten the chin strap under your jaw.", "en"),
    ("Check it's tight: two fingers, no more!", "en"),
    ("Step one. Put the helmet on.", "en"),
    ("Step two. Fasten the chin strap.", "en"),
    ("This line is long enough to need more than one second of speech.", "en"),
]


def labelled_lines() -> list[tuple[str, str]]:
    planner = OfflinePlanner()
    found: dict[tuple[str, str], None] = {}
    for path in sorted(glob.glob(str(ROOT / "tests/agent/labelled_*.toml"))):
        for entries in tomllib.loads(Path(path).read_text(encoding="utf-8")).values():
            for entry in entries if isinstance(entries, list) else []:
                text = entry.get("text") if isinstance(entry, dict) else None
                if not isinstance(text, str):
                    continue
                try:
                    plan = planner.plan(PlanRequest(text=text))
                except Exception:  # a request the planner refuses has no lines
                    continue
                for shot in plan.shots:
                    if shot.narration is not None:
                        found[(shot.narration.text, shot.narration.language)] = None
    for line in EXTRA_LINES:
        found[line] = None
    return list(found)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--write", action="store_true", help=f"rewrite {CALIBRATIONS.relative_to(ROOT)}")
    args = parser.parse_args()
    voices, synthesizer = VoiceTable.load(), Synthesizer(threads=1)
    by_voice: dict[str, list[tuple[LineShape, float]]] = defaultdict(list)
    backend_of: dict[str, str] = {}
    skipped: dict[str, int] = defaultdict(int)
    for text, language in labelled_lines():
        try:
            voice = voices.for_language(language)
        except VoiceNotFound:
            skipped[language] += 1
            continue
        speech = _trim_tail(synthesizer.synthesize(text, voice))
        by_voice[voice.id].append((shape_of(text, voice), speech.duration_s))
        backend_of[voice.id] = voice.backend
    print(f"{'voice':<12} {'lines':>5} {'median err':>10} {'worst err':>9} {'median s':>8} {'under padded':>12}")
    fitted = {}
    pooled: dict[str, list[tuple[LineShape, float]]] = defaultdict(list)
    for voice_id, rows in sorted(by_voice.items()):
        shapes, seconds = [r[0] for r in rows], [r[1] for r in rows]
        calibration = fit_calibration(shapes, seconds)
        fitted[voice_id] = calibration
        pooled[backend_of[voice_id]] += rows
        padded = [calibration.seconds(s) * (1 + MARGIN) + MARGIN_S for s in shapes]
        covered = sum(p >= real for p, real in zip(padded, seconds, strict=True)) / len(seconds)
        print(f"{voice_id:<12} {len(rows):>5} {calibration.median_error:>10.1%} {calibration.worst_error:>9.1%} "
              f"{float(np.median(seconds)):>8.2f} {covered:>12.0%}")  # fmt: skip
    for language, count in sorted(skipped.items()):
        print(f"skipped {count} {language} lines: no voice installed for {language!r}")
    for backend, rows in sorted(pooled.items()):
        fitted[f"backend:{backend}"] = fit_calibration([r[0] for r in rows], [r[1] for r in rows])
    if "backend:openai" not in fitted and "joe" in fitted:  # a hosted voice: nearest is a neural one
        fitted["backend:openai"] = fitted["joe"].model_copy(update={"median_error": None, "worst_error": None})
    if args.write:
        lines = [
            "# Plan-time speech estimates per voice: seconds = intercept + phonemes, clause and inner",
            "# sentence breaks (botkit/audio/estimate.py). Written by tools/calibrate_voices.py from real",
            "# speech of the lines botkit writes; errors are leave-one-out, relative. backend:<name> is the",
            "# fallback for a voice nobody calibrated.",
            "",
        ]
        for voice_id, calibration in fitted.items():
            lines.append(f'[voices."{voice_id}"]')
            for key, value in calibration.model_dump(exclude_none=True).items():
                lines.append(f"{key} = {value}")
            lines.append("")
        CALIBRATIONS.write_text("\n".join(lines), encoding="utf-8")
        print(f"wrote {CALIBRATIONS}")


if __name__ == "__main__":
    main()
