"""Mapping spoken words onto the phoneme words an engine voiced."""

from __future__ import annotations

from botkit.audio.align import PhonemeGroup, word_spans


def groups(*items: tuple[str, int, int]) -> list[PhonemeGroup]:
    return [PhonemeGroup(p, s, e) for p, s, e in items]


def test_one_to_one() -> None:
    spans = word_spans(["fˈæsən", "ðə", "stɹˈæp"], groups(("fˈæsən", 0, 100), ("ðə", 120, 160), ("stɹˈæp", 170, 300)))
    assert spans == [(0, 100), (120, 160), (170, 300)]


def test_joined_function_words_share_their_group_by_length() -> None:
    # espeak-ng voices "in the" as one word: ɪnðə
    spans = word_spans(
        ["pˈʊt", "ɪn", "ðə", "bˈɑːks"], groups(("pˈʊt", 0, 80), ("ɪnðə", 100, 180), ("bˈɑːks", 200, 320))
    )
    assert spans[0] == (0, 80) and spans[3] == (200, 320)
    assert spans[1] == (100, 140) and spans[2] == (140, 180)


def test_one_word_voiced_as_two() -> None:
    spans = word_spans(["juːˈɛs", "ˈɑːmi"], groups(("juː", 0, 50), ("ˈɛs", 60, 110), ("ˈɑːmi", 130, 220)))
    assert spans == [(0, 110), (130, 220)]


def test_a_word_nothing_voiced_gets_a_point_between_its_neighbours() -> None:
    spans = word_spans(["hˈɛloʊ", "ɐ", "wˈɜːld"], groups(("hɛloʊ", 0, 90), ("wɜːld", 120, 250)))
    assert spans[0][0] == 0 and spans[-1][1] == 250
    assert spans[0][1] <= spans[1][0] <= spans[1][1] <= spans[2][0]
    assert all(start <= end for start, end in spans)
