"""Frame rules and size snapping: what a model accepts, and reporting what was changed."""

from __future__ import annotations

import pytest

from botkit.engine.snapping import FrameRule, snap_shape
from botkit.errors import InputError


@pytest.mark.parametrize(
    ("rule", "asked", "snapped"),
    [
        ("4k+1", 1, 5),
        ("4k+1", 81, 81),
        ("4k+1", 82, 85),
        ("8k+1", 10, 17),
        ("8k+1", 161, 161),
        ("fixed:49", 10, 49),
        ("fixed:49", 100, 49),
        ("any", 7, 7),
    ],
)
def test_rules_snap_up_to_an_allowed_count(rule: str, asked: int, snapped: int) -> None:
    assert FrameRule.parse(rule).snap(asked) == snapped
    assert str(FrameRule.parse(rule)) == rule


def test_limits_snap_down_to_the_largest_allowed() -> None:
    assert FrameRule.parse("4k+1").snap(200, max_frames=81) == 81
    assert FrameRule.parse("8k+1").largest(100) == 97
    assert FrameRule.parse("any").largest(25) == 25


def test_bad_rules_are_refused() -> None:
    for text in ("5k", "k+1", "fixed:", "every"):
        with pytest.raises(InputError, match="frame rule"):
            FrameRule.parse(text)


def test_shape_reports_what_changed() -> None:
    shape = snap_shape(7, 30, 34, rule=FrameRule.parse("4k+1"), multiple=16)
    assert (shape.num_frames, shape.width, shape.height, shape.snapped) == (9, 32, 32, True)
    assert shape.meta()["requested_width"] == 30
    exact = snap_shape(9, 32, 64, rule=FrameRule.parse("4k+1"), multiple=16)
    assert not exact.snapped
    assert snap_shape(1, 8, 8, rule=FrameRule(), multiple=2, min_frames=2).num_frames == 2
    fixed = snap_shape(49, 1280, 720, rule=FrameRule.parse("fixed:49"), multiple=16, fixed_size=(720, 480))
    assert (fixed.width, fixed.height) == (720, 480)
    with pytest.raises(InputError, match="larger than this model's limit of 2048"):
        snap_shape(9, 4000, 32, rule=FrameRule(), multiple=16, max_side=2048)
