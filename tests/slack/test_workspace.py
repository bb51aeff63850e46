"""A workspace's brand kit: checked, turned into per-skill configs on top of the deployment's, and
scoped to the thread that plans for that workspace (other workspaces plan at the same time)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from pydantic import ValidationError

from botkit.agent import OfflinePlanner, PlanRequest
from botkit.channels.slack.home import read_submission
from botkit.channels.slack.workspace import WorkspaceSettings
from botkit.errors import InputError
from botkit.skills import load_skills
from tests.slack.conftest import picked, typed


def test_settings_are_checked_and_normalised():
    settings = WorkspaceSettings(colours=["#ff6600"], handle="@lumo", default_platforms=["tiktok"])
    assert settings.colours == ["#FF6600"]
    with pytest.raises(ValidationError, match="#1A2B3C"):
        WorkspaceSettings(colours=["orange"])
    with pytest.raises(ValidationError):
        WorkspaceSettings(default_platforms=["myspace"])
    with pytest.raises(ValidationError):
        WorkspaceSettings(handle="two words")
    assert WorkspaceSettings.model_validate({"approve_before_render": True, "other_feature": 1}).brand() == {}


def test_brand_fields_reach_the_skills_that_declare_them(tmp_path: Path):
    skills = load_skills()
    logo = tmp_path / "logo.png"
    logo.write_bytes(b"png")
    skills.configure("marketing", {"logo": logo, "cta": "Buy"})  # the deployment's own brand kit
    settings = WorkspaceSettings(brand_name="Lumo", cta="Shop now", handle="@lumo", default_platforms=["reels"])
    configs = settings.skill_configs(skills)
    assert configs["marketing"]["brand_name"] == "Lumo" and configs["marketing"]["cta"] == "Shop now"
    assert configs["marketing"]["logo"] == logo  # kept from the deployment
    # the deployment's config of each skill (its ai_badge choice too) with the workspace's values on top
    assert configs["social"] == {
        **skills.config_for("social").model_dump(),
        "default_platforms": ["reels"],
        "handle": "@lumo",
    }
    assert configs["storyboard"] == {**skills.config_for("storyboard").model_dump(), "default_platforms": ["reels"]}
    assert "handle" not in configs["marketing"]
    assert WorkspaceSettings().skill_configs(skills) == {}


def test_scoped_configs_are_per_thread_and_checked():
    planner = OfflinePlanner()
    skills = planner.skills
    request = PlanRequest(text="a promo for our lamp with a call to action")
    barrier = threading.Barrier(2)
    plans = {}

    def plan_for(name: str) -> None:
        with skills.scoped_configs({"marketing": {"brand_name": name, "cta": "Shop now"}}):
            barrier.wait()  # both scopes are open at once
            plans[name] = planner.plan(request)

    threads = [threading.Thread(target=plan_for, args=(name,)) for name in ("Lumo", "Nordlicht")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert plans["Lumo"].end_card.name == "Lumo"
    assert plans["Nordlicht"].end_card.name == "Nordlicht"
    assert skills.config_for("marketing").brand_name is None  # nothing leaks out of the block
    with pytest.raises(InputError, match="colours"):
        with skills.scoped_configs({"marketing": {"colours": ["red"]}}):
            pass


def test_the_modal_submission_names_each_bad_field():
    values = {
        "brand_name": typed("x" * 81),
        "colours": typed("#FF6600, #zzzzzz"),
        "url": typed(None),
        "cta": typed("  "),
        "handle": typed("@ok_handle"),
        "platforms": picked("tiktok", "x"),
        "approve": picked("on", kind="checkboxes"),
    }
    settings, errors = read_submission(values)
    assert settings is None
    assert set(errors) == {"brand_name", "colours"}
    assert "80" in errors["brand_name"] and "#zzzzzz" in errors["colours"]
    values["brand_name"], values["colours"] = typed("Lumo"), typed("#ff6600,#222222")
    settings, errors = read_submission(values)
    assert errors == {}
    assert settings.colours == ["#FF6600", "#222222"] and settings.cta is None
    assert settings.default_platforms == ["tiktok", "x"] and settings.approve_before_render is True
