"""The offline planner reads platforms, durations, counts, captions and camera words."""

from __future__ import annotations

import pytest

from botkit.agent import OfflinePlanner, PlanRequest
from botkit.domain import ShotMode
from botkit.errors import InputError, PlanLimitError


@pytest.fixture(scope="module")
def planner() -> OfflinePlanner:
    return OfflinePlanner()


def plan(planner: OfflinePlanner, text: str, **kwargs):
    return planner.plan(PlanRequest(text=text, **kwargs))


def test_tiktok_teaser(planner: OfflinePlanner) -> None:
    result = plan(planner, "Make a 10 second TikTok teaser for our new trail running shoes")
    assert result.platforms == ["tiktok"]
    assert result.total_duration_s == 10
    assert result.skill == "social"
    assert result.captions is True
    assert all(shot.mode is ShotMode.TEXT_TO_VIDEO for shot in result.shots)
    assert "trail running shoes" in result.shots[0].prompt
    assert result.shots[0].duration_s == 2.0  # the hook


@pytest.mark.parametrize(
    ("text", "platforms"),
    [
        ("a promo for YouTube Shorts about our app", ["shorts"]),
        ("a 15 s ad for Instagram Reels and TikTok", ["tiktok", "reels"]),
        ("a square video of our coffee", ["instagram-feed"]),
        ("a 4:5 post for our bakery", ["instagram-portrait"]),
        ("a landscape product video", ["youtube"]),
        ("a vertical clip of the city", ["tiktok"]),
        ("a LinkedIn video about our hiring", ["linkedin"]),
        ("a teaser for Twitter", ["x"]),
        ("un video vertical para TikTok de nuestra tienda", ["tiktok"]),
    ],
)
def test_platform_words(planner: OfflinePlanner, text: str, platforms: list[str]) -> None:
    assert sorted(plan(planner, text).platforms) == sorted(platforms)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("a 15 second ad", 15),
        ("a 30s promo", 30),
        ("un anuncio de 10 segundos", 10),
        ("une vidéo de 20 secondes", 20),
        ("ein 12 Sekunden Video", 12),
        ("a one minute product video", 60),
        ("a 7.5 s teaser", 7.5),
    ],
)
def test_durations(planner: OfflinePlanner, text: str, seconds: float) -> None:
    result = plan(planner, text)
    assert result.total_duration_s == pytest.approx(seconds)
    assert sum(shot.duration_s for shot in result.shots) == pytest.approx(seconds)


def test_training_steps_become_shots_with_numbered_captions(planner: OfflinePlanner) -> None:
    result = plan(planner, "Training video: how to reset the router: 1. Unplug it 2. Wait ten seconds 3. Plug it in")
    assert result.skill == "training"
    assert [shot.caption for shot in result.shots] == ["1. Unplug it", "2. Wait ten seconds", "3. Plug it in"]
    assert result.platforms == ["youtube"]


def test_step_count_without_list(planner: OfflinePlanner) -> None:
    result = plan(planner, "a tutorial in 5 steps on brewing pour-over coffee")
    assert len(result.shots) == 5


def test_storyboard_images_become_i2v_shots_in_order(planner: OfflinePlanner) -> None:
    images = ["a.png", "b.png", "c.png", "d.png"]
    result = plan(planner, "animate these panels, slow push in", images=images)
    assert result.skill == "storyboard"
    assert [shot.image for shot in result.shots] == images
    assert all(shot.mode is ShotMode.IMAGE_TO_VIDEO for shot in result.shots)
    assert all(shot.camera == "push in" for shot in result.shots)


def test_captions_on_request_and_off_on_request(planner: OfflinePlanner) -> None:
    assert plan(planner, "a product ad with captions").captions is True
    assert plan(planner, "a TikTok about our cafe without captions").captions is False


def test_explicit_platforms_and_skill_win(planner: OfflinePlanner) -> None:
    result = plan(planner, "a TikTok about shoes", platforms=["youtube", "x"], skill="marketing")
    assert result.platforms == ["youtube", "x"]
    assert result.skill == "marketing"


def test_deterministic_and_seeded(planner: OfflinePlanner) -> None:
    text = "a 12 second promo for our lamp"
    assert plan(planner, text) == plan(planner, text)
    seeded = plan(planner, text, seed=42)
    assert seeded.shots[0].seed == 42
    assert len({shot.seed for shot in seeded.shots}) == len(seeded.shots)


def test_hostile_characters_are_stripped(planner: OfflinePlanner) -> None:
    result = plan(planner, "a promo\x00 for our \u202eshoes\x1b[31m")
    assert "\x00" not in result.request and "\u202e" not in result.request and "\x1b" not in result.request


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"text": ""}, InputError, "request is empty"),
        ({"text": "   \n\t "}, InputError, "request is empty"),
        ({"text": "x" * 50_000}, InputError, "at most 2,000"),
        ({"text": "a 2 hour documentary about trains"}, PlanLimitError, "at most 60 s"),
        ({"text": "a 2-hour documentary"}, PlanLimitError, "at most 60 s"),
        ({"text": "a 90 second ad"}, PlanLimitError, "at most 60 s"),
        ({"text": "a promo in 20 shots"}, PlanLimitError, "at most 12"),
        ({"text": "a 3 second promo in 10 shots"}, PlanLimitError, "per shot"),
        ({"text": "an ad", "platforms": ["myspace"]}, InputError, "unknown platform 'myspace'"),
        ({"text": "an ad", "skill": "poetry"}, InputError, "unknown skill 'poetry'"),
    ],
)
def test_limits_say_what_is_allowed(planner: OfflinePlanner, kwargs, error, message) -> None:
    with pytest.raises(error, match=message):
        planner.plan(PlanRequest(**kwargs))
