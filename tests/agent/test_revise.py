"""Follow-ups revise a plan (pure functions); only shots whose render inputs changed are re-rendered."""

from __future__ import annotations

import pytest

from botkit.agent import OfflinePlanner, PlanRequest
from botkit.agent.revise import NewRequest, UnclearRevision, changed_shots, names_new_subject, reusable_shots, revise
from botkit.domain import ShotPlan
from botkit.errors import InputError, PlanLimitError


@pytest.fixture(scope="module")
def plan() -> ShotPlan:
    return OfflinePlanner().plan(PlanRequest(text="a 12 second promo for our lamp, 3 shots", seed=5))


def test_make_it_5_seconds_rescales_every_shot(plan: ShotPlan) -> None:
    revised = revise(plan, "make it 5 seconds")
    assert revised.total_duration_s == 5
    assert [s.duration_s for s in revised.shots] == [1.6, 1.6, 1.8]
    assert changed_shots(plan, revised) == [0, 1, 2]  # frame counts changed
    assert revised.platforms == plan.platforms


@pytest.mark.parametrize(
    ("follow_up", "platforms"),
    [
        ("vertical for TikTok too", ["youtube", "tiktok"]),
        ("make it vertical too", ["youtube", "tiktok"]),
        ("también para Instagram Reels", ["youtube", "reels"]),
        ("aussi en format carré", ["youtube", "instagram-feed"]),
        ("auch für LinkedIn", ["youtube", "linkedin"]),
        ("only YouTube Shorts", ["shorts"]),
        ("make it square", ["instagram-feed"]),
    ],
)
def test_platform_follow_ups_render_nothing_new(plan: ShotPlan, follow_up: str, platforms: list[str]) -> None:
    revised = revise(plan, follow_up)
    assert revised.platforms == platforms
    assert changed_shots(plan, revised) == []
    assert reusable_shots(plan, revised) == {0: 0, 1: 1, 2: 2}


@pytest.mark.parametrize(
    ("follow_up", "index", "camera"),
    [
        ("shot 2 should pan left", 1, "pan left"),
        ("the last shot should zoom in", 2, "push in"),
        ("el primer plano con paneo a la derecha", 0, "pan right"),
        ("Einstellung 2 schwenk nach links", 1, "pan left"),
        ("shot 3 slower", 2, "slow static"),
    ],
)
def test_one_shot_changes_and_only_it_renders_again(plan: ShotPlan, follow_up: str, index: int, camera: str) -> None:
    revised = revise(plan, follow_up)
    assert revised.shots[index].camera == camera
    assert changed_shots(plan, revised) == [index]


def test_shot_duration_and_prompt(plan: ShotPlan) -> None:
    revised = revise(plan, "shot 1 6 seconds, shot 3 should show a sunset behind the lamp")
    assert revised.shots[0].duration_s == 6 and revised.total_duration_s == 14
    assert revised.shots[2].prompt == "a sunset behind the lamp"
    assert changed_shots(plan, revised) == [0, 2]


def test_another_take_gives_new_seeds(plan: ShotPlan) -> None:
    revised = revise(plan, "another take")
    assert all(new.seed != old.seed for new, old in zip(revised.shots, plan.shots, strict=True))
    assert changed_shots(plan, revised) == [0, 1, 2]
    assert revise(plan, "another take") == revised  # deterministic
    one = revise(plan, "another take of shot 2")
    assert changed_shots(plan, one) == [1]
    assert revise(plan, "otra toma").shots[0].seed == revised.shots[0].seed


def test_captions_toggle_renders_nothing(plan: ShotPlan) -> None:
    revised = revise(plan, "add captions")
    assert revised.captions is True and changed_shots(plan, revised) == []


def test_revisions_compose(plan: ShotPlan) -> None:
    revised = revise(revise(plan, "vertical for TikTok too"), "make it 6 seconds")
    assert revised.platforms == ["youtube", "tiktok"] and revised.total_duration_s == 6


@pytest.mark.parametrize(
    "follow_up",
    ["now one for our desk fan, 15 seconds", "hazlo sobre nuestro café", "une vidéo pour notre boulangerie aussi"],
)
def test_a_new_subject_is_a_new_request(plan: ShotPlan, follow_up: str) -> None:
    with pytest.raises(NewRequest):
        revise(plan, follow_up)


@pytest.mark.parametrize(
    "follow_up", ["vertical for TikTok too", "make it 8 seconds for YouTube", "shot 2 for 4 seconds", "also for it"]
)
def test_platforms_and_lengths_are_not_new_subjects(plan: ShotPlan, follow_up: str) -> None:
    assert not names_new_subject(follow_up)


def test_bad_follow_ups_say_what_is_allowed(plan: ShotPlan) -> None:
    with pytest.raises(UnclearRevision, match="make it 5 seconds"):
        revise(plan, "hmm, not sure")
    with pytest.raises(PlanLimitError, match="at most 60 s"):
        revise(plan, "make it 2 minutes")
    with pytest.raises(InputError, match="shots 1-3; there is no shot 7"):
        revise(plan, "shot 7 should pan left")
    with pytest.raises(PlanLimitError, match=r"0\.5-20 s"):
        revise(plan, "shot 2 45 seconds")
    assert plan.total_duration_s == 12  # the input plan is never modified


def test_the_skill_revise_hook_keeps_the_social_hook_shot() -> None:
    from botkit.skills import load_skills

    social = OfflinePlanner().plan(PlanRequest(text="a 10 second TikTok about our cafe", seed=1))
    assert social.shots[0].duration_s == 2.0
    plain = revise(social, "make it 6 seconds")
    assert plain.shots[0].duration_s != 2.0  # the generic revision scales every shot
    hooked = revise(social, "make it 6 seconds", skills=load_skills())
    assert hooked.shots[0].duration_s == 2.0 and hooked.total_duration_s == 6
