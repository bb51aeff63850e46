"""The four built-in skills behave distinctly, each tested with the public harness (botkit.testing)."""

from __future__ import annotations

from pathlib import Path

import pytest

from botkit.domain import ShotMode
from botkit.skills.builtin.marketing import MarketingSkill
from botkit.skills.builtin.social import SocialSkill
from botkit.skills.builtin.storyboard import StoryboardSkill
from botkit.skills.builtin.training import TrainingSkill
from botkit.testing import SkillHarness

I2V = ShotMode.IMAGE_TO_VIDEO
T2V = ShotMode.TEXT_TO_VIDEO


def test_marketing_product_images_brand_kit_and_end_card(tmp_path: Path) -> None:
    harness = SkillHarness(MarketingSkill, tmp_path)
    photos = [harness.image("front.png"), harness.image("side.png")]
    brand = {"brand_name": "Lumo", "colours": ["#FF6600", "#222222"], "cta": "Shop now"}
    result = harness.send("a 12 second promo for our desk lamp", images=photos, config=brand)
    plan = result.plan
    assert plan.platforms == ["youtube"] and plan.total_duration_s == 12
    assert [s.mode for s in plan.shots] == [I2V, I2V, T2V]
    assert "#FF6600" in plan.style
    # the end card is drawn by post-processing (crisp text), not generated as a shot
    card = plan.end_card
    assert card is not None and (card.name, card.cta) == ("Lumo", "Shop now")
    assert (card.background, card.accent, card.foreground) == ("#FF6600", "#222222", "#111111")
    assert "end card" not in plan.shots[-1].prompt and "ends on a Lumo card: Shop now" in result.reply
    # no CTA known: no end card; a CTA asked for in the text: the default one
    assert harness.plan("a 12 second promo for our desk lamp").end_card is None
    assert harness.plan("an ad for our lamp that ends with a call to action").end_card.cta == "Shop now"  # type: ignore[union-attr]
    assert harness.plan("un anuncio de nuestra lámpara con llamada a la acción").end_card.cta == "Compra ya"  # type: ignore[union-attr]
    assert harness.plan("a promo with a call to action", config={**brand, "end_card": False}).end_card is None
    assert harness.plan("an ad for our lamp on LinkedIn").platforms == ["linkedin"]


def test_social_hook_captions_and_several_platforms(tmp_path: Path) -> None:
    harness = SkillHarness(SocialSkill, tmp_path)
    assert harness.plan("a 10 second TikTok about our bakery").shots[0].duration_s == 2.0  # the hook
    assert harness.plan("a TikTok about our cafe without captions").captions is False
    plan = harness.plan(
        "a 2.5 second clip of our croissants for TikTok and Reels, 2 shots",
        args={"hook": "Butter. Layers. Crunch."},
        config={"handle": "bakery.lou"},
    )
    assert plan.platforms == ["tiktok", "reels"] and plan.captions is True
    assert plan.shots[0].caption == "Butter. Layers. Crunch." and plan.shots[-1].caption == "follow @bakery.lou"


@pytest.mark.slow
def test_social_renders_every_platform(tmp_path: Path) -> None:
    harness = SkillHarness(SocialSkill, tmp_path)
    result = harness.send(
        "a 2.5 second clip of our croissants for TikTok and Reels, 2 shots",
        args={"hook": "Butter. Layers. Crunch."},
        config={"handle": "bakery.lou"},
        render=True,
    )
    assert [(o.platform, o.width, o.height) for o in result.outputs] == [("tiktok", 1080, 1920), ("reels", 1080, 1920)]
    assert all(o.duration_s == pytest.approx(2.5, abs=0.05) for o in result.outputs)
    harness.close()


def test_storyboard_panels_in_order_with_per_panel_timing_and_camera(tmp_path: Path) -> None:
    harness = SkillHarness(StoryboardSkill, tmp_path)
    panels = [harness.image(f"p{i}.png", (40 * i, 90, 160)) for i in range(1, 4)]
    plan = harness.send(
        "animate these panels, slow push in, panel 2 for 5 seconds, panel 3 pans left", images=panels
    ).plan
    assert [s.mode for s in plan.shots] == [I2V] * 3
    assert [Path(s.image).stem[-2:] for s in plan.shots] == ["01", "02", "03"]  # stored in order
    assert [s.duration_s for s in plan.shots] == [3.0, 5.0, 3.0] and plan.total_duration_s == 11
    assert [s.camera for s in plan.shots] == ["push in", "push in", "pan left"]
    assert [
        s.duration_s for s in harness.send("animatic", images=panels, args={"panel_durations": [1, 2, 4]}).plan.shots
    ] == [1, 2, 4]


@pytest.mark.slow
def test_storyboard_renders_panels_cut_together(tmp_path: Path) -> None:
    harness = SkillHarness(StoryboardSkill, tmp_path)
    panels = [harness.image(f"p{i}.png", (40 * i, 90, 160)) for i in range(1, 4)]
    result = harness.send("animatic", images=panels, args={"panel_durations": [0.5, 1, 0.5]}, render=True)
    assert [s.duration_s for s in result.plan.shots] == [0.5, 1, 0.5]
    (output,) = result.outputs
    assert (output.width, output.height) == (1920, 1080)
    assert output.duration_s == pytest.approx(2.0, abs=0.05)
    harness.close()


def test_training_one_shot_per_step_numbered_16_9(tmp_path: Path) -> None:
    harness = SkillHarness(TrainingSkill, tmp_path)
    plan = harness.plan("Onboarding: 1. badge in 2. set up your laptop 3. join the team channel")
    assert plan.platforms == ["youtube"] and plan.total_duration_s == 12
    assert [s.caption for s in plan.shots] == ["1. badge in", "2. set up your laptop", "3. join the team channel"]
    assert {s.camera for s in plan.shots} == {"static"}
    from_args = harness.plan("how to reset the printer", args={"steps": ["switch off", "wait", "switch on", "test"]})
    assert [s.caption for s in from_args.shots] == ["1. switch off", "2. wait", "3. switch on", "4. test"]
    assert from_args.total_duration_s == 16


def test_the_four_skills_differ_on_the_same_subject(tmp_path: Path) -> None:
    plans = {
        skill.name: SkillHarness(skill, tmp_path).plan("a video about our trail shoes")
        for skill in (MarketingSkill, SocialSkill, StoryboardSkill, TrainingSkill)
    }
    assert {name: plan.platforms[0] for name, plan in plans.items()} == {
        "marketing": "youtube", "social": "tiktok", "storyboard": "youtube", "training": "youtube",
    }  # fmt: skip
    assert plans["social"].captions and plans["training"].captions and not plans["marketing"].captions
    assert len({plan.style for plan in plans.values()}) == 4


def test_marketing_end_card_from_the_requests_call_to_action(tmp_path: Path) -> None:
    harness = SkillHarness(MarketingSkill, tmp_path)
    plan = harness.plan("a 12 second promo for our desk lamp. End on 'Order today' and our web address")
    card = plan.end_card
    assert card is not None and card.cta == "Order today" and card.url == ""
    assert any("web address" in note for note in plan.notes)  # told, not invented
    kit = {"brand_name": "Lumo", "cta": "Shop now", "url": "lumo.example", "colours": ["#FF6600"]}
    branded = harness.plan("a 12 second promo for our desk lamp. End on 'Order today' and our web address", config=kit)
    assert branded.end_card is not None
    assert (branded.end_card.name, branded.end_card.cta, branded.end_card.url) == (
        "Lumo",
        "Order today",
        "lumo.example",
    )
    assert not branded.notes
    assert harness.plan("最后显示“立即购买”和我们的网址，新款跑鞋的广告").end_card.cta == "立即购买"  # type: ignore[union-attr]
    assert (
        harness.plan('a promo for our lamp, finish with "Book a demo" and lumo.example').end_card.url == "lumo.example"
    )  # type: ignore[union-attr]


def test_storyboard_panel_lengths_in_other_languages(tmp_path: Path) -> None:
    harness = SkillHarness(StoryboardSkill, tmp_path)
    panels = [harness.image(f"p{i}.png", (40 * i, 90, 160)) for i in range(1, 4)]
    for text in (
        "把这些分镜做成动画，第二格5秒",
        "このパネルを動かして、2番目のパネルは5秒",
        "패널을 애니메이션으로, 두 번째 패널은 5초",
    ):
        assert [s.duration_s for s in harness.send(text, images=panels).plan.shots] == [3.0, 5.0, 3.0], text
