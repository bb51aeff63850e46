"""The toy world is deterministic, stays in frame and mirrors direction words."""

from __future__ import annotations

import numpy as np

from botkit.engine.embedded import toyworld
from botkit.engine.embedded.vocab import OPPOSITE, Attributes


def test_same_seed_same_clip() -> None:
    a, attrs_a = toyworld.sample(7)
    b, attrs_b = toyworld.sample(7)
    c, _ = toyworld.sample(8)
    assert a.shape == (toyworld.FRAMES, toyworld.SIZE, toyworld.SIZE, 3) and a.dtype == np.uint8
    assert np.array_equal(a, b) and attrs_a == attrs_b
    assert not np.array_equal(a, c)


def test_batch_is_deterministic_and_mirrored() -> None:
    video, attrs = toyworld.batch(3, 8)
    again, _ = toyworld.batch(3, 8)
    assert np.array_equal(video, again)
    for first, second in zip(attrs[:4], attrs[4:], strict=True):
        assert second.direction == OPPOSITE[first.direction]
        assert (first.colour, first.shape, first.background) == (second.colour, second.shape, second.background)


def test_object_stays_inside_the_frame() -> None:
    rng = np.random.default_rng(0)
    for _ in range(200):
        scene = toyworld.random_scene(rng)
        centres = scene.centres()
        assert (centres - scene.half >= 0).all() and (centres + scene.half <= toyworld.SIZE).all()


def test_requested_attributes_are_drawn() -> None:
    attrs = Attributes("red", "blue", "square", "left")
    clip, got = toyworld.sample(1, attrs)
    assert got == attrs
    assert tuple(clip[0, 0, 0]) == (40, 80, 220)  # the blue background in a corner
