"""Free shot text maps onto the model's vocabulary deterministically."""

from __future__ import annotations

from botkit.engine.embedded.vocab import all_captions, caption, map_prompt, nearest_colour


def test_colour_words_and_background() -> None:
    a = map_prompt("A red ball rolling left on a blue background")
    assert (a.colour, a.background, a.shape, a.direction) == ("red", "blue", "circle", "left")


def test_hex_brand_colours_snap_to_palette() -> None:
    assert map_prompt("logo in #1DB954 moving right").colour == "green"
    assert nearest_colour((250, 250, 245)) == "white"


def test_camera_pan_moves_subject_the_other_way() -> None:
    assert map_prompt("a tree", camera="slow pan left").direction == "right"
    assert map_prompt("a rocket rises").direction == "up"
    assert map_prompt("the box, moving to the left").direction == "left"


def test_nouns_to_shapes_and_unknown_by_hash() -> None:
    assert map_prompt("a mountain at dawn").shape == "triangle"
    assert map_prompt("two phones").shape == "square"
    unknown = map_prompt("a quiet zorblax")
    assert unknown == map_prompt("a quiet zorblax")
    assert unknown.colour != unknown.background


def test_mapping_always_lands_on_a_training_caption() -> None:
    captions = set(all_captions())
    for text in ["", "purple on purple", "#000 cat", "yellow sun on a yellow sky", "pull out slowly"]:
        assert caption(map_prompt(text)) in captions
