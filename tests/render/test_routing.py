"""Capabilities checked at plan time: a plan the engines cannot render is refused before anything is
stored, with models that can; a deployment can route a task to a second engine."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from botkit.bot import Bot
from botkit.domain import Shot, ShotMode, ShotPlan
from botkit.engine import Capabilities
from botkit.engine.registry import Registry
from botkit.errors import InputError
from botkit.render import route_shots
from botkit.settings import Settings

T2V = Capabilities(tasks=frozenset({"t2v"}))
I2V = Capabilities(tasks=frozenset({"i2v"}), max_frames=17, chunking=True)
BOTH = Capabilities(tasks=frozenset({"t2v", "i2v"}))
SHORT = Capabilities(tasks=frozenset({"t2v"}), max_frames=16)
FLF = Capabilities(tasks=frozenset({"i2v"}), needs_last_image=True)
ENGINES = {"text-only": T2V, "image-only": I2V, "both": BOTH, "short": SHORT, "flf": FLF}


def plan(*modes: str, duration: float = 2.0) -> ShotPlan:
    shots = [
        Shot(
            index=i,
            prompt=f"shot {i}",
            duration_s=duration,
            mode=ShotMode(mode),
            image="conversations/c/inputs/p.png" if mode == "i2v" else None,
            seed=i,
        )
        for i, mode in enumerate(modes)
    ]
    return ShotPlan(
        skill="storyboard", request="r", title="t", platforms=["x"], shots=shots, total_duration_s=duration * len(shots)
    )


def route(p: ShotPlan, engine: str, **kwargs):
    return route_shots(p, engine, ENGINES.__getitem__, able=lambda task: ["both", "image-only"], **kwargs)


def test_each_shot_goes_to_an_engine_that_can_do_it() -> None:
    assert route(plan("t2v", "i2v"), "both") == ["both", "both"]
    assert route(plan("t2v", "i2v", "i2v"), "text-only", routes={"i2v": "image-only"}) == [
        "text-only",
        "image-only",
        "image-only",
    ]


def test_image_shots_become_stills_where_no_engine_keeps_a_real_photo() -> None:
    # issue 17: an image shot is never refused for want of an image model, and never given to one
    # that only knows a toy world (the embedded model): it is shown as a still instead
    assert route(plan("t2v", "i2v", "i2v"), "text-only") == ["text-only", "still", "still"]
    toy = Capabilities(tasks=frozenset({"t2v", "i2v"}), real_images=False)
    engines = {**ENGINES, "toy": toy}
    assert route_shots(plan("t2v", "i2v"), "toy", engines.__getitem__) == ["toy", "still"]
    assert route_shots(plan("i2v"), "toy", engines.__getitem__, routes={"i2v": "both"}) == ["both"]
    assert route_shots(plan("i2v"), "toy", engines.__getitem__, routes={"i2v": "toy"}) == ["still"]
    assert Registry.default().capabilities("embedded").real_images is False


def test_refusals_say_what_is_wrong_and_who_can() -> None:
    with pytest.raises(InputError, match=r"shot 1 of this plan is text-to-video \(from text alone\)"):
        route(plan("t2v"), "image-only")
    with pytest.raises(InputError, match="BOTKIT_TASK_ENGINES sends image-to-video shots to 'text-only'"):
        route(plan("i2v"), "text-only", routes={"i2v": "text-only"})
    with pytest.raises(InputError, match="needs a first and a last image"):
        route(plan("i2v"), "flf")
    with pytest.raises(InputError, match=r"shot 1 lasts 3 s \(48 frames\).*at most 16 frames.*at most 1\.0 s"):
        route(plan("t2v", duration=3.0), "short", fps=lambda name: 16)
    assert route(plan("i2v", duration=3.0), "image-only", fps=lambda name: 16) == ["image-only"]  # it chains


def test_the_registry_answers_without_loading_anything() -> None:
    registry = Registry.default()
    assert registry.capabilities("embedded").tasks == {"t2v", "i2v"}
    assert registry.capabilities("animatic").preview is True
    assert registry.capabilities("tiny-wan").tasks == {"t2v"} and not registry.capabilities("tiny-wan").quality_checks
    assert registry.capabilities("wan2.1-i2v-14b-480p").chunking is True  # max_frames 81, chained by i2v
    assert registry.capabilities("wan2.1-flf2v-14b-720p").needs_last_image is True
    assert registry.able("i2v")[0] == "embedded"  # real, always installed; previews and test doubles last


def panel(tmp_path: Path) -> Path:
    path = tmp_path / "panel.png"
    Image.new("RGB", (64, 64), (20, 160, 40)).save(path)
    return path


def test_a_deployment_routes_image_shots_to_its_image_model(tmp_path: Path, tiny_engine) -> None:
    settings = Settings(data_dir=tmp_path / "data", engine="tiny-wan", task_engines={"i2v": "tiny-wan-i2v"})
    bot = Bot.open(settings, engine=tiny_engine)
    turn = bot.render(bot.plan("a 2 second promo for our lamp", images=[panel(tmp_path)], platforms=["x"]))
    [video] = bot.repo.assets_of(turn.conversation_id, "video")
    models = {shot["model"] for shot in video["metrics"]["shots"]}
    assert models == {"tiny-wan-i2v"}
    bot.db.dispose()


def test_follow_ups_are_checked_too(tmp_path: Path, tiny_engine) -> None:
    settings = Settings(data_dir=tmp_path / "data", engine="tiny-wan", task_engines={"i2v": "tiny-wan"})
    bot = Bot.open(settings, engine=tiny_engine)
    turn = bot.plan("a 2 second promo for our lamp", platforms=["x"])
    with pytest.raises(InputError, match="BOTKIT_TASK_ENGINES sends image-to-video shots to 'tiny-wan'"):
        bot.follow_up(turn.conversation_id, "use this photo", images=[panel(tmp_path)])
    assert len(bot.repo.messages(turn.conversation_id)) == 2  # the first turn only: user + plan summary
    bot.db.dispose()


def test_a_photo_on_a_text_only_engine_is_planned_as_a_still(bot: Bot, tmp_path: Path) -> None:
    turn = bot.plan("a 2 second promo for our lamp", platforms=["x"])
    later = bot.follow_up(turn.conversation_id, "use this photo", images=[panel(tmp_path)])
    assert any("shown as a still" in note for note in later.plan.notes)  # tiny-wan does no image-to-video
