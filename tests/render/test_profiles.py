"""Deployment profiles (``BOTKIT_TASK_ENGINES``): the model per task, key frames folded into
text-to-video as a factorized engine, previews, and the plan checked against the profile."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from botkit.bot import Bot
from botkit.domain import Shot, ShotMode, ShotPlan
from botkit.engine import Capabilities, load_engine
from botkit.engine.registry import Registry
from botkit.errors import InputError
from botkit.render import route_shots
from botkit.render.routing import profile_routes
from botkit.settings import Settings

T2V = Capabilities(tasks=frozenset({"t2v"}))
I2V = Capabilities(tasks=frozenset({"i2v"}))
BOTH = Capabilities(tasks=frozenset({"t2v", "i2v"}))
IMAGE = Capabilities(tasks=frozenset({"t2v"}))
ENGINES = {
    "text": T2V,
    "image": I2V,
    "both": BOTH,
    "flux": IMAGE,
    "animatic": BOTH.model_copy(update={"preview": True}),
}


def capabilities(name: str) -> Capabilities:
    if ">" in name:
        return BOTH
    return ENGINES[name]


def plan(*modes: str) -> ShotPlan:
    shots = [
        Shot(
            index=i,
            prompt=f"shot {i}",
            duration_s=1.0,
            mode=ShotMode(mode),
            seed=i,
            image="conversations/c/inputs/p.png" if mode == "i2v" else None,
        )
        for i, mode in enumerate(modes)
    ]
    return ShotPlan(
        skill="storyboard", request="r", title="t", platforms=["x"], shots=shots, total_duration_s=len(shots)
    )


def test_the_profile_names_the_model_per_task() -> None:
    # the profile wins even where the main engine could render the task itself
    assert route_shots(plan("t2v", "i2v"), "both", capabilities, routes={"i2v": "image"}) == ["both", "image"]
    assert route_shots(plan("t2v", "i2v"), "both", capabilities, routes={"t2v": "text", "i2v": "image"}) == [
        "text",
        "image",
    ]


def test_keyframe_makes_text_shots_factorized() -> None:
    routes = {"keyframe": "flux", "i2v": "image"}
    assert profile_routes(routes, "text", capabilities) == {"i2v": "image", "t2v": "flux>image"}
    assert route_shots(plan("t2v", "i2v"), "text", capabilities, routes=routes) == ["flux>image", "image"]
    # without an i2v route the main engine animates, if it can
    assert route_shots(plan("t2v"), "both", capabilities, routes={"keyframe": "flux"}) == ["flux>both"]
    with pytest.raises(InputError, match="no image-to-video model to animate its key frames"):
        route_shots(plan("t2v"), "text", capabilities, routes={"keyframe": "flux"})
    with pytest.raises(InputError, match=r"names both t2v .* and keyframe"):
        profile_routes({"t2v": "text", "keyframe": "flux", "i2v": "image"}, "text", capabilities)
    with pytest.raises(InputError, match="names keyfram; it takes t2v, i2v, v2v, keyframe, preview"):
        profile_routes({"keyfram": "flux"}, "text", capabilities)


def test_preview_renders_every_shot_with_the_preview_engine() -> None:
    routes = {"i2v": "image", "preview": "animatic"}
    assert route_shots(plan("t2v", "i2v"), "text", capabilities, routes=routes, preview=True) == ["animatic"] * 2
    assert route_shots(plan("t2v"), "text", capabilities, preview=True) == ["animatic"]


def test_settings_take_the_profile_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOTKIT_TASK_ENGINES", '{"keyframe": "tiny-sd", "i2v": "tiny-wan-i2v", "v2v": "tiny-wan-vace"}')
    assert Settings().task_engines == {"keyframe": "tiny-sd", "i2v": "tiny-wan-i2v", "v2v": "tiny-wan-vace"}


def test_the_registry_resolves_factorized_names_and_the_factory_loads_them() -> None:
    registry = Registry.default()
    entry = registry.get("tiny-sd>tiny-wan-i2v")
    assert (entry.keyframe_model, entry.video_model, entry.fps) == ("tiny-sd", "tiny-wan-i2v", 16)
    assert registry.capabilities("tiny-sd>tiny-wan-i2v").tasks == {"t2v", "i2v"}
    with pytest.raises(InputError, match="unknown engine 'nope'"):
        registry.get("nope>tiny-wan-i2v")
    engine = load_engine("tiny-sd>tiny-wan-i2v")
    from botkit.domain import ShotRequest

    clip = engine.generate(ShotRequest(prompt="a red shoe", num_frames=5, width=32, height=32, fps=16))
    assert clip.frames.shape == (5, 32, 32, 3) and engine.name == "tiny-sd>tiny-wan-i2v"


def test_a_bot_with_a_profile_checks_and_renders_through_it(tmp_path: Path, tiny_engine) -> None:
    settings = Settings(
        data_dir=tmp_path / "data", engine="tiny-wan", task_engines={"keyframe": "tiny-sd", "i2v": "tiny-wan-i2v"}
    )
    bot = Bot.open(settings, engine=tiny_engine)
    panel = tmp_path / "panel.png"
    Image.new("RGB", (64, 64), (20, 160, 40)).save(panel)
    turn = bot.plan("a 2 second promo for our lamp", images=[panel], platforms=["x"])
    routed = bot.check_plan(turn.plan)
    assert set(routed) <= {"tiny-sd>tiny-wan-i2v", "tiny-wan-i2v"} and routed
    rendered = bot.render(turn)
    [video] = bot.repo.assets_of(rendered.conversation_id, "video")
    assert {shot["model"] for shot in video["metrics"]["shots"]} <= {"tiny-sd>tiny-wan-i2v", "tiny-wan-i2v"}
    text_only = bot.plan("a 2 second promo for our lamp", platforms=["x"])
    assert set(bot.check_plan(text_only.plan)) == {"tiny-sd>tiny-wan-i2v"}  # key frame, then motion
    bad = Settings(data_dir=tmp_path / "data2", engine="tiny-wan", task_engines={"keyframe": "tiny-sd"})
    with pytest.raises(InputError, match="no image-to-video model"):
        Bot.open(bad, engine=tiny_engine).plan("a 2 second promo for our lamp", platforms=["x"])
    bot.db.dispose()


def test_celery_queue_per_model() -> None:
    pytest.importorskip("celery")
    from botkit.jobs.celery_app import queue_for

    assert queue_for("wan2.1-t2v-1.3b") == "botkit.render.wan2.1-t2v-1.3b"
    assert queue_for("flux.1-schnell>wan2.1-i2v-14b-480p") == "botkit.render.flux.1-schnell+wan2.1-i2v-14b-480p"
