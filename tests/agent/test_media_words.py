"""Uploads placed on shots by order and by the user's words; transitions and sound from the words."""

from __future__ import annotations

import pytest

from botkit.agent.media import Upload, assign_media, keep_audio_words, planning_text, transition_words
from botkit.domain import Shot, ShotKind, ShotMode, ShotPlan
from botkit.errors import InputError


def plan(count: int = 3, duration: float = 2.0) -> ShotPlan:
    shots = [Shot(index=i, prompt=f"shot {i}", duration_s=duration, seed=i) for i in range(count)]
    return ShotPlan(skill="marketing", request="r", title="t", platforms=["tiktok"], shots=shots,
                    total_duration_s=duration * count)  # fmt: skip


BLUE = Upload(path="in/01.png", kind="image", name="blue-bottle.png")
RED = Upload(path="in/02.png", kind="image", name="red-bottle.jpg")
CLIP = Upload(path="in/v03.mp4", kind="video", name="walk.mp4", duration_s=1.5, has_audio=True)


def test_in_order_without_words() -> None:
    placed = assign_media(plan(), [BLUE, CLIP], "an ad for our bottle")
    assert [s.kind for s in placed.shots] == [ShotKind.GENERATED, ShotKind.FOOTAGE, ShotKind.GENERATED]
    assert placed.shots[0].image == BLUE.path and placed.shots[0].mode is ShotMode.IMAGE_TO_VIDEO
    assert placed.shots[1].footage == CLIP.path and placed.shots[1].image is None
    assert placed.shots[1].duration_s == 1.5 and placed.total_duration_s == 5.5  # the clip is 1.5 s long
    assert "shot 2 lasts 1.5 s: your clip is that long" in placed.notes


def test_placed_by_the_words_and_picked_by_name() -> None:
    text = "use my clip as the opening, the photo of the red one for shot 3"
    placed = assign_media(plan(), [BLUE, RED, CLIP], text)
    assert placed.shots[0].footage == CLIP.path
    assert placed.shots[2].image == RED.path and placed.shots[1].image == BLUE.path
    ending = assign_media(plan(), [CLIP, BLUE], "end on my video")
    assert ending.shots[2].footage == CLIP.path and ending.shots[0].image == BLUE.path


def test_transitions_sound_and_speed_from_the_words() -> None:
    assert transition_words("with cross-fades of 0.4 s") == ("crossfade", 0.4)
    assert transition_words("dip to black between shots") == ("dip-black", None)
    assert transition_words("1 second wipes from the left") == ("wipe-right", 1.0)
    assert transition_words("slides up") == ("slide-up", None)
    assert transition_words("a slideshow of our lookbook") is None
    assert keep_audio_words("keep the sound of my clip") and not keep_audio_words("mute it, no sound")
    placed = assign_media(plan(), [CLIP], "open with my clip in slow motion, keep the sound, dissolves")
    assert placed.shots[0].speed == 0.5 and placed.shots[0].keep_audio
    assert [s.transition for s in placed.shots] == ["cut", "crossfade", "crossfade"]
    assert placed.shots[0].duration_s == 2.0  # 1.5 s at half speed gives 3 s: enough


def test_a_skill_default_applies_unless_the_words_say_otherwise() -> None:
    default = ("dip-white", 0.3)
    assert [s.transition for s in assign_media(plan(), [], "a promo", default_transition=default).shots] == [
        "cut", "dip-white", "dip-white"]  # fmt: skip
    assert {s.transition for s in assign_media(plan(), [], "hard cuts", default_transition=default).shots} == {"cut"}


def test_media_words_are_kept_out_of_the_subject() -> None:
    assert planning_text("a 6 second ad for our bottle, open with my clip, the photo for shot 3, dip to black") == (
        "a 6 second ad for our bottle"
    )
    assert planning_text("a promo for our lamp with 1 second wipes between shots and keep the sound") == (
        "a promo for our lamp"
    )
    assert planning_text("use my clip as the opening") == "use my clip as the opening"  # nothing else to plan from


def test_more_uploads_than_shots_is_refused() -> None:
    with pytest.raises(InputError, match="3 files were sent but the plan has 2 shots"):
        assign_media(plan(2), [BLUE, RED, CLIP], "an ad")
