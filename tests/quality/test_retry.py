"""Regenerate once with a new seed when a clip fails; tell what was wrong when it fails again."""

from __future__ import annotations

from botkit.domain import Clip
from botkit.quality.retry import render_checked, retry_seed
from botkit.quality.synthetic import blacked, good_clip, pure_noise


def test_a_good_clip_is_kept_without_a_second_render() -> None:
    seeds: list[int] = []

    def render(seed: int) -> Clip:
        seeds.append(seed)
        return good_clip(seed, frames=16)

    checked = render_checked(render, 5)
    assert checked.passed and checked.attempts == 1 and seeds == [5]
    assert checked.entries[0]["passed"] and checked.entries[0]["report"]["frames"] == 16


def test_a_failing_clip_is_rendered_again_with_a_new_seed() -> None:
    seeds: list[int] = []

    def render(seed: int) -> Clip:
        seeds.append(seed)
        clip = good_clip(seed % 100, frames=32)
        return blacked(clip) if len(seeds) == 1 else clip

    checked = render_checked(render, 7, shot=2)
    assert seeds == [7, retry_seed(7)] and seeds[1] != 7
    assert checked.passed and checked.seed == retry_seed(7) and checked.attempts == 2
    assert [e["attempt"] for e in checked.entries] == [1, 2] and checked.entries[0]["shot"] == 2
    assert not checked.entries[0]["passed"]


def test_failing_twice_reports_the_problems() -> None:
    checked = render_checked(lambda seed: pure_noise(frames=8, width=64, height=48, seed=seed), 1)
    assert not checked.passed and checked.attempts == 2
    assert any(problem.startswith("noise instead of a picture") for problem in checked.problems)


def test_stills_are_not_checked() -> None:
    checked = render_checked(lambda seed: Clip(good_clip(0, frames=2).frames[:1], 8), 0)
    assert checked.passed and checked.entries == []
