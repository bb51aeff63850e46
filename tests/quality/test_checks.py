"""Each quality check fires on its deliberately broken clip and on no good one."""

from __future__ import annotations

import json

import numpy as np
import pytest

from botkit.domain import Clip
from botkit.engine.embedded import toyworld
from botkit.errors import InputError
from botkit.quality import QualityReport, Thresholds, failed_checks, measure, verdict
from botkit.quality.calibrate import calibrate
from botkit.quality.synthetic import BROKEN, good_clip, pure_noise

EXPECTED = {
    "noise": "noise",
    "freeze": "frozen",
    "black": "black",
    "splice": "cut",
    "flicker": "flicker",
    "morph": "incoherent",
}


@pytest.fixture(scope="module")
def reports() -> dict[str, list[QualityReport]]:
    found: dict[str, list[QualityReport]] = {"good": [], **{name: [] for name in BROKEN}}
    for seed in (0, 1):
        clip, other = good_clip(seed), good_clip(seed + 1000)
        found["good"].append(measure(clip))
        for name, breaker in BROKEN.items():
            found[name].append(measure(breaker(clip, other)))
    return found


def test_good_clips_pass(reports: dict[str, list[QualityReport]]) -> None:
    for report in reports["good"]:
        assert verdict(report) == []


@pytest.mark.parametrize("failure", list(BROKEN))
def test_each_check_fires_on_its_broken_clip_only(reports: dict[str, list[QualityReport]], failure: str) -> None:
    for report in reports[failure]:
        assert set(failed_checks(report)) == {EXPECTED[failure]}


def test_where_and_how_much_is_reported(reports: dict[str, list[QualityReport]]) -> None:
    black = reports["black"][0]
    assert black.black_frames == 8 and black.black_indices[0] == 24  # 0.5 s at 16 fps from the middle
    assert "8 black frame(s), the first at 1.50 s" in verdict(black)[0]
    assert reports["freeze"][0].frozen_run == 16  # 1 s at 16 fps
    assert reports["splice"][0].hard_cuts == [23]  # between frame 23 and 24


def test_engine_like_toy_world_clips_pass() -> None:
    for seed in range(12):
        frames, _ = toyworld.sample(seed, frames=17)
        report = measure(Clip(np.ascontiguousarray(frames), 8))
        assert verdict(report) == [], seed


def test_pure_noise_is_noise_and_thresholds_switch_off() -> None:
    report = measure(pure_noise(frames=12))
    assert "noise" in failed_checks(report)
    off = Thresholds(min_consistency=None, max_noise=None)
    assert "noise" not in failed_checks(report, off)


def test_report_is_json_storable(reports: dict[str, list[QualityReport]]) -> None:
    report = reports["good"][0]
    stored = json.loads(json.dumps(report.model_dump(mode="json")))
    assert QualityReport.model_validate(stored) == report
    assert len(report.series["ssim"]) == report.frames - 1 and len(report.series["exposure"]) == report.frames


def test_calibration_separates_good_from_broken(reports: dict[str, list[QualityReport]]) -> None:
    thresholds, rows = calibrate(reports["good"], {name: reports[name] for name in BROKEN})
    assert all(row.separated for row in rows), rows
    assert thresholds.max_black_frames == 0 and thresholds.max_hard_cuts == 0
    assert reports["good"][0].consistency > thresholds.min_consistency > reports["noise"][0].consistency


def test_too_short_or_tiny_clips_are_input_errors() -> None:
    with pytest.raises(InputError, match="at least 2 frames"):
        measure(Clip(np.zeros((1, 32, 32, 3), np.uint8), 8))
    with pytest.raises(InputError, match="8x8"):
        measure(Clip(np.zeros((4, 4, 4, 3), np.uint8), 8))


def test_analysis_is_fast_enough() -> None:
    report = measure(good_clip(3, frames=32))
    assert report.ms_per_frame < 60  # measured ~5-12 ms per frame at 320 px on 2 busy cores


def test_dynamic_degree_tells_moving_from_still() -> None:
    moving = good_clip(2, frames=24)
    still = Clip(np.repeat(moving.frames[:1], 24, axis=0), moving.fps)
    assert measure(moving).dynamic_degree > 0.9
    report = measure(still)
    assert report.dynamic_degree == 0 and "frozen" in failed_checks(report)
    assert "static" in failed_checks(report, Thresholds(min_dynamic_degree=0.5))
