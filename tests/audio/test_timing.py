"""Fitting shot durations to their narration."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from botkit.audio.timing import BREATH_S, LEAD_IN_S, fit_shot_durations, needed_s
from botkit.errors import PlanLimitError


def test_needed_adds_lead_in_and_breath() -> None:
    assert needed_s(2.0) == pytest.approx(LEAD_IN_S + 2.0 + BREATH_S)
    assert needed_s(None) == 0.0


def test_durations_that_already_fit_stay() -> None:
    assert fit_shot_durations([1.0, 0.0, 2.0], [3.0, 3.0, 4.0], fps=24) == [3.0, 3.0, 4.0]


def test_a_long_line_takes_time_from_shots_with_room() -> None:
    durations = fit_shot_durations([5.0, 0.0, 1.0], [3.0, 3.0, 4.0], fps=30)
    assert sum(durations) == pytest.approx(10.0)
    assert durations[0] >= 5.0
    assert durations[2] >= 1.0
    # time came from the shots with room, more from the one with more room
    assert durations[1] < 3.0 and durations[2] < 4.0
    assert 4.0 - durations[2] > 3.0 - durations[1] - 0.5


def test_durations_are_whole_frames_and_sum_exactly() -> None:
    durations = fit_shot_durations([2.31, 1.07, 0.0], [2.5, 2.5, 2.5], fps=24)
    frames = [d * 24 for d in durations]
    assert all(abs(f - round(f)) < 1e-9 for f in frames)
    assert sum(round(f) for f in frames) == round(7.5 * 24)


def test_narration_longer_than_the_video_says_why() -> None:
    with pytest.raises(PlanLimitError, match=r"needs at least 12\.\d s \(shot 2 7\.0 s, shot 1 5\.0 s\).*10 s"):
        fit_shot_durations([5.0, 7.0], [5.0, 5.0], fps=30)


def test_a_line_longer_than_any_shot_may_be() -> None:
    with pytest.raises(PlanLimitError, match=r"shot 2's narration takes 25\.0 s.*split the line"):
        fit_shot_durations([1.0, 25.0], [10.0, 10.0], total_s=60, fps=30)


def test_a_longer_total_is_spread_by_the_requested_lengths() -> None:
    durations = fit_shot_durations([0.0, 0.0], [2.0, 4.0], total_s=9.0, fps=30)
    assert durations == pytest.approx([3.0, 6.0])


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.floats(0, 6), st.floats(0.5, 8)), min_size=1, max_size=8),
    st.sampled_from([16.0, 24.0, 30.0]),
)
def test_fits_or_says_why(shots, fps) -> None:
    needed = [n for n, _ in shots]
    requested = [r for _, r in shots]
    try:
        durations = fit_shot_durations(needed, requested, fps=fps)
    except PlanLimitError:
        assert sum(max(0.5, n) for n in needed) > sum(requested) - len(shots) / fps
        return
    assert round(sum(durations) * fps) == round(sum(requested) * fps)
    for duration, need in zip(durations, needed, strict=True):
        assert duration >= max(0.5, need) - 1e-9
        assert 0.5 - 1e-9 <= duration <= 20.0
