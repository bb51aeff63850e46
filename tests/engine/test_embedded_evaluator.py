"""The evaluator scores ground-truth toy clips ~100% and notices wrong attributes."""

from __future__ import annotations

import numpy as np

from botkit.engine.embedded import toyworld
from botkit.engine.embedded.training.evaluator import analyse, score_clip, summarise
from botkit.engine.embedded.vocab import OPPOSITE, Attributes


def test_ground_truth_scores_full_marks() -> None:
    scores = summarise(score_clip(*toyworld.sample(seed)) for seed in range(120))
    for key in ("background", "colour", "direction", "shape", "presence", "stable"):
        assert scores[key] >= 0.99, (key, scores)


def test_upsampled_frames_score_the_same() -> None:
    clip, attrs = toyworld.sample(5)
    big = clip.repeat(8, axis=1).repeat(8, axis=2)
    assert score_clip(big, attrs)["shape"] == 1.0 and score_clip(big, attrs)["direction"] == 1.0


def test_wrong_attributes_score_zero() -> None:
    clip, attrs = toyworld.sample(11)
    wrong = Attributes(attrs.background, attrs.colour, attrs.shape, OPPOSITE[attrs.direction])
    row = score_clip(clip, wrong)
    assert row["direction"] == 0.0 and row["colour"] == 0.0 and row["background"] == 0.0


def test_static_and_empty_clips() -> None:
    clip, _ = toyworld.sample(2)
    still = np.repeat(clip[:1], len(clip), axis=0)
    assert analyse(still).direction is None
    flat = np.full_like(clip, 128)
    assert analyse(flat).presence == 0.0
