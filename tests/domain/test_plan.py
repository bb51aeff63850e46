"""ShotPlan validation is strict: bad plans from a planner or an LLM are refused."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from botkit.domain import Shot, ShotMode, ShotPlan


def shot(index: int = 0, **kwargs) -> dict:
    return {"index": index, "prompt": "a red shoe", "duration_s": 2.0, "seed": 1, **kwargs}


def plan(**kwargs) -> dict:
    return {
        "skill": "marketing",
        "request": "r",
        "title": "t",
        "platforms": ["tiktok"],
        "shots": [shot()],
        "total_duration_s": 2.0,
        **kwargs,
    }


def test_valid_plan_round_trips() -> None:
    original = ShotPlan.model_validate(plan())
    assert ShotPlan.model_validate_json(original.model_dump_json()) == original
    assert "1. 2 s from text" in original.summary()


@pytest.mark.parametrize(
    "bad",
    [
        plan(platforms=["myspace"]),
        plan(platforms=[]),
        plan(platforms=["tiktok", "tiktok"]),
        plan(shots=[]),
        plan(shots=[shot(index=1)]),
        plan(total_duration_s=5.0),
        plan(total_duration_s=120.0, shots=[shot(duration_s=20.0)] * 6),
        plan(shots=[shot(duration_s=0.1)], total_duration_s=0.1),
        plan(shots=[shot(prompt="   ")]),
        plan(shots=[shot(mode="i2v")]),
        plan(shots=[shot(image="a.png")]),
        plan(surprise=True),
        plan(shots=[shot(i) for i in range(13)], total_duration_s=26.0),
    ],
)
def test_invalid_plans_are_refused(bad: dict) -> None:
    with pytest.raises(ValidationError):
        ShotPlan.model_validate(bad)


def test_image_to_video_shot() -> None:
    value = Shot.model_validate(shot(mode="i2v", image="panel.png"))
    assert value.mode is ShotMode.IMAGE_TO_VIDEO
