"""Narration lines the offline planner writes, the sound follow-ups, and that no line reaches a prompt."""

from __future__ import annotations

import pytest

from botkit.agent.narration import quoted_lines, sound_edit, step_line
from botkit.agent.offline import OfflinePlanner, PlanRequest
from botkit.agent.revise import UnclearRevision, revise
from botkit.domain import ShotPlan


@pytest.fixture(scope="module")
def planner() -> OfflinePlanner:
    return OfflinePlanner()


def lines(plan: ShotPlan) -> list[str | None]:
    return [shot.narration.text if shot.narration else None for shot in plan.shots]


def prompts(plan: ShotPlan) -> str:
    return " ".join(shot.prompt for shot in plan.shots)


def test_training_reads_each_step_aloud(planner) -> None:
    plan = planner.plan(PlanRequest(text="How to put on a helmet: 1. Put it on your head 2. Fasten the chin strap"))
    assert lines(plan) == ["Step one. Put it on your head.", "Step two. Fasten the chin strap."]
    assert plan.music == "calm"
    assert "Step one" not in prompts(plan)


def test_training_steps_in_spanish_are_read_in_spanish(planner) -> None:
    plan = planner.plan(PlanRequest(text="Cómo cambiar una rueda: 1. afloja las tuercas 2. levanta el coche"))
    assert lines(plan) == ["Paso 1. Afloja las tuercas.", "Paso 2. Levanta el coche."]
    assert {shot.narration.language for shot in plan.shots} == {"es"}


def test_training_steps_given_as_arguments_are_read(planner) -> None:
    plan = planner.plan(PlanRequest(text="a helmet tutorial", skill="training", args={"steps": ["Buckle up", "Ride"]}))
    assert lines(plan) == ["Step one. Buckle up.", "Step two. Ride."]


def test_marketing_voice_over_ends_on_the_call_to_action(planner) -> None:
    plan = planner.plan(PlanRequest(text="A 15 second promo for our Aurora desk lamp, end on 'Order today'"))
    said = lines(plan)
    assert said[0] and "Aurora desk lamp" in said[0]
    assert said[-1] == "Order today."
    assert plan.music == "bright"
    assert "Meet" not in prompts(plan)


def test_marketing_middle_shots_say_the_moment_they_show_in_the_users_words(planner) -> None:
    plan = planner.plan(PlanRequest(text="A 20 second ad for our e-bike: a commuter unlocks the bike, "
                                         "rides past traffic, parks at the office. End on 'Ride today'"))  # fmt: skip
    assert lines(plan) == ["Meet our e-bike.", "The commuter rides past traffic.", "Ride today."]
    spanish = planner.plan(PlanRequest(text="Haz un anuncio de 20 segundos para nuestras zapatillas de trail: "
                                            "un corredor sube una montaña, cruza un río, llega a la cima"))  # fmt: skip
    assert lines(spanish)[1] == "El corredor cruza un río."
    assert "El corredor" not in prompts(spanish).replace("el corredor", "")  # spoken, not added to a prompt


def test_marketing_middle_shots_that_repeat_the_first_stay_silent(planner) -> None:
    """One description over the whole promo: reading it aloud again would only describe the picture."""
    plan = planner.plan(PlanRequest(text="A 15 second promo for our Aurora desk lamp: warm light on a desk, "
                                         "a writer at night, end on 'Order today'"))  # fmt: skip
    said = lines(plan)
    assert said[0] and said[-1] == "Order today." and said[1:-1] == [None] * (len(said) - 2)


def test_social_opens_on_a_hook_line(planner) -> None:
    plan = planner.plan(PlanRequest(text="TikTok clip of a cat jumping into a box"))
    said = lines(plan)
    assert said[0] is not None and "cat jumping into a box" in said[0]
    assert said[1:] == [None] * (len(said) - 1)


def test_storyboard_speaks_only_the_lines_the_user_gives(planner) -> None:
    text = "storyboard, 3 panels: panel 1: 'Where is she?' a dark alley at night; panel 2: a woman running; panel 3: a door"
    plan = planner.plan(PlanRequest(text=text))
    assert lines(plan) == ["Where is she?", None, None]
    assert "Where is she" not in prompts(plan)
    assert "dark alley" in plan.shots[0].prompt
    assert plan.music is None


def test_quoted_lines_need_a_panel_number() -> None:
    assert quoted_lines("panel 2 says 'Run!' and panel 1: “Where is she?”") == {2: "Run!", 1: "Where is she?"}
    assert quoted_lines("a sign reading 'OPEN'") == {}


def test_step_lines_count_in_words_in_english() -> None:
    assert step_line(2, "fasten the chin strap", "en") == "Step two. Fasten the chin strap."
    assert step_line(13, "rest", "en") == "Step 13. Rest."
    assert step_line(3, "Schraube lösen", "de") == "Schritt 3. Schraube lösen."


@pytest.fixture(scope="module")
def promo(planner) -> ShotPlan:
    return planner.plan(PlanRequest(text="A 15 second promo for our Aurora desk lamp"))


def test_say_a_line_at_the_end(planner, promo) -> None:
    revised = revise(promo, "say 'grab yours today' at the end", skills=planner.skills)
    assert lines(revised)[-1] == "grab yours today"
    assert lines(revised)[:-1] == lines(promo)[:-1]
    assert prompts(revised) == prompts(promo)  # the line is spoken, never drawn
    assert [s.caption for s in revised.shots] == [s.caption for s in promo.shots]


def test_say_a_line_in_a_given_shot(planner, promo) -> None:
    revised = revise(promo, 'say "built to last" in shot 2', skills=planner.skills)
    assert lines(revised)[1] == "built to last"


def test_no_voice_keeps_the_music_and_the_shots(planner, promo) -> None:
    revised = revise(promo, "no voice please", skills=planner.skills)
    assert not revised.narrated
    assert revised.music == promo.music
    assert [s.prompt for s in revised.shots] == [s.prompt for s in promo.shots]


def test_slower_then_faster_voice(planner, promo) -> None:
    slower = revise(promo, "slower voice", skills=planner.skills)
    assert slower.voice_rate == pytest.approx(0.85)
    assert revise(slower, "speak a bit faster", skills=planner.skills).voice_rate == pytest.approx(1.0)


def test_a_sound_edit_and_a_length_change_in_one_message(planner, promo) -> None:
    revised = revise(promo, "make it 10 seconds and no music", skills=planner.skills)
    assert revised.total_duration_s == 10 and revised.music is None and revised.narrated


def test_add_a_voice_to_a_silent_plan(planner, promo) -> None:
    silent = revise(promo, "no voice", skills=planner.skills)
    assert revise(silent, "add a voice-over", skills=planner.skills).narrated


def test_music_beds_by_name(promo) -> None:
    assert sound_edit(promo, "use calm music").plan.music == "calm"
    assert sound_edit(promo, "remove the music").plan.music is None


def test_a_caption_edit_is_not_a_spoken_line(planner, promo) -> None:
    revised = revise(promo, "make the caption say 'hello'", skills=planner.skills)
    assert lines(revised) == lines(promo)


def test_a_message_about_nothing_is_still_unclear(planner, promo) -> None:
    with pytest.raises(UnclearRevision):
        revise(promo, "hmm, interesting", skills=planner.skills)


def test_plans_stored_before_narration_still_load() -> None:
    stored = {
        "skill": "marketing", "request": "r", "title": "t", "platforms": ["youtube"], "total_duration_s": 2.0,
        "shots": [{"index": 0, "prompt": "a lamp", "duration_s": 2.0, "seed": 1}],
    }  # fmt: skip
    plan = ShotPlan.model_validate(stored)
    assert not plan.narrated and plan.voice is None and plan.voice_rate == 1.0 and plan.music is None
    again = ShotPlan.model_validate_json(plan.model_copy(update={"music": "calm"}).model_dump_json())
    assert again.music == "calm"
