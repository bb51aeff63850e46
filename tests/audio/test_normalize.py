"""Text a voice cannot read becomes words it can, per language; the written tokens are kept."""

from __future__ import annotations

import pytest

from botkit.audio.normalize import MAX_CHARS, base_language, normalize
from botkit.errors import InputError


def spoken(text: str, language: str = "en") -> str:
    return normalize(text, language).text


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("en", "Save 10% today", "Save ten percent today"),
        ("en", "only $19.99!", "only nineteen dollars and ninety-nine cents!"),
        ("en", "£1 or €5", "one pound or five euros"),
        ("en", "Step 2. Go", "Step two. Go"),
        ("en", "the 3rd of 21st", "the third of twenty-first"),
        ("en", "at 10:30 or 9:05 or 7:00", "at ten thirty or nine oh five or seven o'clock"),
        ("en", "in 2024", "in twenty twenty-four"),
        ("en", "1,234 people", "one thousand two hundred and thirty-four people"),
        ("en", "3.5 kg and 5km", "three point five kilograms and five kilometers"),
        ("en", "12-15 reps", "twelve to fifteen reps"),
        ("en", "Visit www.example.com/shop.", "Visit w w w dot example dot com slash shop."),
        ("en", "mail hi@botkit.dev", "mail hi at botkit dot dev"),
        ("en", "e.g. gloves & boots", "for example gloves and boots"),
        ("en", "#fitness with @brand", "fitness with brand"),
        ("en", "Let's go 🚀🔥!", "Let's go!"),
        ("en", "-5 degrees", "minus five degrees"),
        ("es", "Ahorra un 10 % hoy", "Ahorra un diez por ciento hoy"),
        ("es", "solo 19,99 €", "solo diecinueve euros con noventa y nueve céntimos"),
        ("es", "p. ej. el 1.º", "por ejemplo el primero"),
        ("es", "Sr. García", "señor García"),
        ("fr", "10 % de remise", "dix pour cent de remise"),
        ("fr", "1,5 kg pour 2 €", "un virgule cinq kilos pour deux euros"),
        ("fr", "le 1er mai à 10:30", "le premier mai à dix heures trente"),
        ("fr", "M. Dupont, p. ex. ici", "monsieur Dupont, par exemple ici"),
        ("de", "Spare 10 %", "Spare zehn Prozent"),
        ("de", "z. B. 3,5 kg für 1 €", "zum Beispiel drei Komma fünf Kilogramm für ein Euro"),
        ("de", "1.234 Stück usw.", "eintausendzweihundertvierunddreißig Stück und so weiter."),
        ("de", "Dr. Müller um 9:00", "Doktor Müller um neun Uhr"),
        ("it", "il 10% di sconto", "il dieci per cento di sconto"),
    ],
)
def test_spelled_out(language: str, text: str, expected: str) -> None:
    assert spoken(text, language) == expected


def test_tokens_keep_what_was_written() -> None:
    script = normalize("Save 10% at example.com!", "en")
    assert [t.display for t in script.tokens] == ["Save", "10%", "at", "example.com!"]
    assert script.tokens[1].words == ("ten", "percent")
    # every spoken word knows its token and where it starts in the text the engine reads
    for word, offset, owner in zip(script.words, script.offsets, script.token_of_word, strict=True):
        assert script.text[offset : offset + len(word)] == word
        assert word in script.tokens[owner].words


def test_a_languages_own_reader_gets_what_we_have_no_rules_for() -> None:
    # Japanese: no rules of ours; the token goes to the engine as written (emoji still dropped)
    assert spoken("今日は10%オフ 🎉", "ja") == "今日は10%オフ"


def test_nothing_left_to_say_is_an_error() -> None:
    with pytest.raises(InputError, match="nothing a voice can read"):
        normalize("🎉🔥 ✅ → ★", "en")


def test_too_long_a_line_is_an_error() -> None:
    with pytest.raises(InputError, match=f"at most {MAX_CHARS} characters"):
        normalize("word " * 200, "en")


@pytest.mark.parametrize(("code", "base"), [("en", "en"), ("en-US", "en"), ("pt_BR", "pt"), ("DE", "de")])
def test_language_codes(code: str, base: str) -> None:
    assert base_language(code) == base


def test_a_language_that_is_not_a_code_is_an_error() -> None:
    with pytest.raises(InputError, match="not a language code"):
        base_language("english please")


def test_control_characters_and_odd_spacing() -> None:
    assert spoken("Hello\tthere\nfriend\u2028!", "en") == "Hello there friend!"
