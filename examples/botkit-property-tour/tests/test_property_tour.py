"""Tests of the property-tour skill, written with botkit's harness for skill authors."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from botkit_property_tour import PropertyTourSkill
from botkit_property_tour.skill import rooms_from

from botkit.domain import ShotMode
from botkit.skills import SkillHookError, load_skills
from botkit.testing import SkillHarness

torch.set_num_threads(1)


@pytest.fixture
def harness(tmp_path: Path):
    harness = SkillHarness(PropertyTourSkill, tmp_path)
    yield harness
    harness.close()


def test_installed_through_the_entry_point() -> None:
    registry = load_skills()
    assert "property-tour" in registry.names()
    assert {"marketing", "social", "storyboard", "training"} <= set(registry.names())


def test_rooms_become_captioned_walkthrough_shots(harness: SkillHarness) -> None:
    plan = harness.plan("a property tour of the flat: kitchen, living room and balcony", config={"agency": "Casa Nova"})
    assert plan.skill == "property-tour"
    assert [shot.caption for shot in plan.shots] == ["Kitchen", "Living room", "Balcony · Casa Nova"]
    assert all(shot.camera == "smooth gimbal walk forward" for shot in plan.shots)
    assert plan.total_duration_s == 9
    assert plan.planner == "offline/2+property-tour/1"


def test_routing_picks_the_skill_in_other_languages(harness: SkillHarness) -> None:
    for text in ("una visita virtual del piso: cocina, salón y terraza", "ein Rundgang durch die Wohnung: Küche, Bad"):
        assert harness.send(text, skill="").plan.skill == "property-tour"
    assert harness.send("a 15 second promo for our lamp", skill="").plan.skill == "marketing"


def test_photos_become_image_to_video_shots_and_listing_text_is_written(harness: SkillHarness) -> None:
    photos = [harness.image("kitchen.png", (220, 200, 160)), harness.image("bath.png", (160, 200, 220))]
    result = harness.send(
        "a 2 second walkthrough: kitchen, bathroom", images=photos, args={"duration_s": 2}, render=True
    )
    assert [shot.mode for shot in result.plan.shots] == [ShotMode.IMAGE_TO_VIDEO] * 2
    (output,) = result.outputs
    assert (output.platform, output.width, output.height) == ("youtube", 1920, 1080)
    assert output.duration_s == pytest.approx(2.0, abs=0.05)
    assert "Rooms: Kitchen, Bathroom" in Path(output.path).with_suffix(".txt").read_text()


def test_bad_config_is_a_clear_error(harness: SkillHarness) -> None:
    with pytest.raises(ValueError, match="agency"):
        harness.plan("a house tour: hall", config={"agency": "x" * 100})


def test_rooms_from() -> None:
    assert rooms_from("tour: hall; kitchen und Bad") == ["hall", "kitchen", "Bad"]
    assert rooms_from("a house tour") == []
    assert SkillHookError  # re-exported for authors who test failure paths
