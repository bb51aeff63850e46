"""Text normalisation before speech: what a voice cannot read is turned into words it can.

Numbers, decimals, percentages, currency, ordinals, times, ranges, units, URLs, e-mail addresses,
hashtags and abbreviations are spelled out per language (rules for en, es, fr, de; numbers and
percentages also for it, pt, nl through ``num2words``); emoji and bare symbols are dropped.
Everything else is left for the engine's own reader (espeak-ng reads digits in ~100 languages).

The result keeps each written token next to the words spoken for it, so captions can show
``10%`` while the voice says "ten percent", and timings map back to what the user wrote.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from num2words import CONVERTER_CLASSES, num2words

from botkit.errors import InputError

MAX_CHARS = 600  # one narration line; a longer one belongs on several shots


@dataclass(frozen=True)
class Token:
    """One written token (``display``) and the words spoken for it; ``pause`` is the punctuation
    after it that the engine should hear ("," "." "?" "!" ";" ":" or "")."""

    display: str
    words: tuple[str, ...]
    pause: str = ""


@dataclass(frozen=True)
class Script:
    """What an engine reads: ``text`` (spoken words with their punctuation), the spoken ``words``
    in order, where each starts in ``text``, and which token each belongs to."""

    language: str
    tokens: tuple[Token, ...]
    text: str
    words: tuple[str, ...]
    offsets: tuple[int, ...]
    token_of_word: tuple[int, ...]


@dataclass(frozen=True)
class _Rules:
    percent: str
    point: str
    to: str  # "10-20"
    dot: str
    at: str
    slash: str
    and_: str
    plus: str
    one: str  # the form of 1 before a noun
    currency: dict[str, tuple[str, str, str, str, str]]  # symbol: unit, units, cent, cents, joiner
    units: dict[str, tuple[str, str]]  # abbreviation: singular, plural
    abbreviations: dict[str, str]
    time: tuple[str, str]  # "{h} {m}" and on the hour "{h}"


# fmt: off
_RULES: dict[str, _Rules] = {
    "en": _Rules(
        percent="percent", point="point", to="to", dot="dot", at="at", slash="slash", and_="and", plus="plus",
        one="one",
        currency={
            "$": ("dollar", "dollars", "cent", "cents", "and"),
            "€": ("euro", "euros", "cent", "cents", "and"),
            "£": ("pound", "pounds", "penny", "pence", "and"),
            "¥": ("yen", "yen", "sen", "sen", "and"),
        },
        units={
            "km": ("kilometer", "kilometers"), "m": ("meter", "meters"), "cm": ("centimeter", "centimeters"),
            "mm": ("millimeter", "millimeters"), "kg": ("kilogram", "kilograms"), "g": ("gram", "grams"),
            "ml": ("milliliter", "milliliters"), "l": ("liter", "liters"), "h": ("hour", "hours"),
            "min": ("minute", "minutes"), "mph": ("mile per hour", "miles per hour"),
            "km/h": ("kilometer per hour", "kilometers per hour"), "°C": ("degree Celsius", "degrees Celsius"),
            "°F": ("degree Fahrenheit", "degrees Fahrenheit"), "GB": ("gigabyte", "gigabytes"),
            "MB": ("megabyte", "megabytes"),
        },
        abbreviations={
            "Dr.": "Doctor", "Mr.": "Mister", "Mrs.": "Missus", "Ms.": "Miz", "Prof.": "Professor",
            "e.g.": "for example", "i.e.": "that is", "etc.": "et cetera", "vs.": "versus", "approx.": "approximately",
            "min.": "minutes", "max.": "maximum", "Jan.": "January", "Feb.": "February", "Aug.": "August",
            "Sept.": "September", "Oct.": "October", "Nov.": "November", "Dec.": "December", "w/": "with",
            "w/o": "without", "FAQ": "F A Q", "DIY": "D I Y", "ASAP": "A S A P",
        },
        time=("{h} {m}", "{h} o'clock"),
    ),
    "es": _Rules(
        percent="por ciento", point="coma", to="a", dot="punto", at="arroba", slash="barra", and_="y", plus="más",
        one="un",
        currency={
            "$": ("dólar", "dólares", "centavo", "centavos", "con"),
            "€": ("euro", "euros", "céntimo", "céntimos", "con"),
            "£": ("libra", "libras", "penique", "peniques", "con"),
            "¥": ("yen", "yenes", "sen", "sen", "con"),
        },
        units={
            "km": ("kilómetro", "kilómetros"), "m": ("metro", "metros"), "cm": ("centímetro", "centímetros"),
            "mm": ("milímetro", "milímetros"), "kg": ("kilo", "kilos"), "g": ("gramo", "gramos"),
            "ml": ("mililitro", "mililitros"), "l": ("litro", "litros"), "h": ("hora", "horas"),
            "min": ("minuto", "minutos"), "km/h": ("kilómetro por hora", "kilómetros por hora"),
            "°C": ("grado", "grados"), "GB": ("gigabyte", "gigabytes"), "MB": ("megabyte", "megabytes"),
        },
        abbreviations={
            "Sr.": "señor", "Sra.": "señora", "Srta.": "señorita", "Dr.": "doctor", "Dra.": "doctora",
            "Ud.": "usted", "Uds.": "ustedes", "p. ej.": "por ejemplo", "p.ej.": "por ejemplo", "etc.": "etcétera",
            "aprox.": "aproximadamente", "núm.": "número", "pág.": "página", "EE. UU.": "Estados Unidos",
            "EE.UU.": "Estados Unidos",
        },
        time=("{h} y {m}", "{h} en punto"),
    ),
    "fr": _Rules(
        percent="pour cent", point="virgule", to="à", dot="point", at="arobase", slash="barre oblique", and_="et",
        plus="plus", one="un",
        currency={
            "$": ("dollar", "dollars", "cent", "cents", "et"),
            "€": ("euro", "euros", "centime", "centimes", "et"),
            "£": ("livre", "livres", "penny", "pence", "et"),
            "¥": ("yen", "yens", "sen", "sen", "et"),
        },
        units={
            "km": ("kilomètre", "kilomètres"), "m": ("mètre", "mètres"), "cm": ("centimètre", "centimètres"),
            "mm": ("millimètre", "millimètres"), "kg": ("kilo", "kilos"), "g": ("gramme", "grammes"),
            "ml": ("millilitre", "millilitres"), "l": ("litre", "litres"), "h": ("heure", "heures"),
            "min": ("minute", "minutes"), "km/h": ("kilomètre heure", "kilomètres heure"),
            "°C": ("degré", "degrés"), "Go": ("gigaoctet", "gigaoctets"), "Mo": ("mégaoctet", "mégaoctets"),
        },
        abbreviations={
            "M.": "monsieur", "MM.": "messieurs", "Mme": "madame", "Mmes": "mesdames", "Mlle": "mademoiselle",
            "Dr": "docteur", "Pr": "professeur", "p. ex.": "par exemple", "p.ex.": "par exemple", "etc.": "et cetera",
            "env.": "environ", "n°": "numéro", "cf.": "voir",
        },
        time=("{h} heures {m}", "{h} heures"),
    ),
    "de": _Rules(
        percent="Prozent", point="Komma", to="bis", dot="Punkt", at="at", slash="Schrägstrich", and_="und",
        plus="plus", one="ein",
        currency={
            "$": ("Dollar", "Dollar", "Cent", "Cent", "und"),
            "€": ("Euro", "Euro", "Cent", "Cent", "und"),
            "£": ("Pfund", "Pfund", "Penny", "Pence", "und"),
            "¥": ("Yen", "Yen", "Sen", "Sen", "und"),
        },
        units={
            "km": ("Kilometer", "Kilometer"), "m": ("Meter", "Meter"), "cm": ("Zentimeter", "Zentimeter"),
            "mm": ("Millimeter", "Millimeter"), "kg": ("Kilogramm", "Kilogramm"), "g": ("Gramm", "Gramm"),
            "ml": ("Milliliter", "Milliliter"), "l": ("Liter", "Liter"), "h": ("Stunde", "Stunden"),
            "min": ("Minute", "Minuten"), "km/h": ("Kilometer pro Stunde", "Kilometer pro Stunde"),
            "°C": ("Grad Celsius", "Grad Celsius"), "GB": ("Gigabyte", "Gigabyte"), "MB": ("Megabyte", "Megabyte"),
        },
        abbreviations={
            "z. B.": "zum Beispiel", "z.B.": "zum Beispiel", "d. h.": "das heißt", "d.h.": "das heißt",
            "usw.": "und so weiter", "bzw.": "beziehungsweise", "ca.": "circa", "Nr.": "Nummer", "Dr.": "Doktor",
            "Prof.": "Professor", "inkl.": "inklusive", "evtl.": "eventuell", "ggf.": "gegebenenfalls",
            "u. a.": "unter anderem", "u.a.": "unter anderem", "Str.": "Straße",
        },
        time=("{h} Uhr {m}", "{h} Uhr"),
    ),
}
# fmt: on
# Languages with number words from num2words but no rule table of ours: numbers and percentages only.
_PERCENT = {
    "it": "per cento",
    "pt": "por cento",
    "nl": "procent",
    "pl": "procent",
    "sv": "procent",
    "da": "procent",
    "no": "prosent",
    "ro": "la sută",
    "cs": "procent",
    "ru": "процентов",
}  # fmt: skip
_POINT = {"it": "virgola", "pt": "vírgula", "nl": "komma", "pl": "przecinek", "sv": "komma", "da": "komma"}
_DECIMAL_COMMA = {"es", "fr", "de", "it", "pt", "nl", "pl", "sv", "da", "no", "ro", "cs", "ru", "tr", "fi"}

_EMOJI = re.compile(
    "[\U0001f000-\U0001faff\U0001fc00-\U0001ffff\u2600-\u27bf\u2b00-\u2bff\u2300-\u23ff\ufe0e\ufe0f\u200d"
    "\u20e3\U000e0000-\U000e007f\u2190-\u21ff\u25a0-\u25ff]"
)
_LEAD = "\"'“”‘’«»„‚¿¡([{<*_"
_TRAIL = "\"'“”‘’«»)]}>*_"
_PAUSES = ".,!?;:…"
_NUMBER = r"[-+−]?\d+(?:[.,\u00a0\u202f]\d+)*"
_TLDS = "com|org|net|io|co|ai|app|dev|shop|store|info|biz|me|tv|eu|us|uk|de|fr|es|it|nl|ch|at|be|ca|au"
_URL = re.compile(rf"^(?:https?://)?(?:www\.)?(?:[a-z0-9-]+\.)+(?:{_TLDS})(?::\d+)?(?:[/?#]\S*)?$", re.I)
_EMAIL = re.compile(r"^[\w.+-]+@[\w-]+(?:\.[\w-]+)+$")
_ORDINAL = {
    "en": re.compile(r"^(\d+)(?:st|nd|rd|th)$", re.I),
    "es": re.compile(r"^(\d+)\.?[ºª°]$"),
    "fr": re.compile(r"^(\d+)(?:er|re|e|ème|eme|ᵉ|ᵉʳ)$"),
}


def base_language(language: str) -> str:
    """``en-US`` / ``en_US`` / ``EN`` -> ``en``."""
    code = re.split(r"[-_]", language.strip())[0].lower()
    if not re.fullmatch(r"[a-z]{2,3}", code):
        raise InputError(f"{language!r} is not a language code; use a code such as 'en', 'es', 'fr', 'de'")
    return code


def _has_numbers(language: str) -> bool:
    return language in CONVERTER_CLASSES


def _cardinal(value: int, language: str) -> str:
    return num2words(value, lang=language)


def _split_words(phrase: str) -> list[str]:
    # num2words writes "one thousand, two hundred": the commas are not pauses a listener expects
    return [word for word in phrase.replace(",", " ").split() if word]


def _parse_number(text: str, language: str) -> tuple[int, str] | None:
    """(integer part, decimal digits) of a written number in ``language``'s convention, or None."""
    text = text.replace("−", "-").replace("\u00a0", "").replace("\u202f", "")
    decimal, thousands = (",", ".") if language in _DECIMAL_COMMA else (".", ",")
    if not re.fullmatch(r"[-+]?\d[\d.,]*", text):
        return None
    sign = -1 if text.startswith("-") else 1
    text = text.lstrip("+-")
    whole, _, fraction = text.rpartition(decimal) if decimal in text else (text, "", "")
    if decimal in text and not re.fullmatch(r"\d+", fraction):
        return None
    if thousands in whole:
        if not re.fullmatch(rf"\d{{1,3}}(?:{re.escape(thousands)}\d{{3}})+", whole):
            return None
        whole = whole.replace(thousands, "")
    if not re.fullmatch(r"\d+", whole or ""):
        return None
    if len(whole) > 15:
        return None  # an identifier, not an amount: read digit by digit below
    return sign * int(whole), fraction


def _number_words(text: str, language: str, *, year: bool = False) -> list[str] | None:
    parsed = _parse_number(text, language)
    if parsed is None or not _has_numbers(language):
        return None
    whole, fraction = parsed
    plain_year = re.fullmatch(r"\d{4}", text) is not None  # "1,234" is a count, "1984" a year
    if year and plain_year and language == "en" and 1100 <= whole <= 2099 and whole % 1000 >= 10:
        return _split_words(num2words(whole, lang="en", to="year"))
    words = _split_words(_cardinal(whole, language))
    if fraction:
        rules = _RULES.get(language)
        point = rules.point if rules else _POINT.get(language)
        if point is None:
            return _split_words(num2words(float(f"{whole}.{fraction}"), lang=language))
        words += [point, *(_cardinal(int(digit), language) for digit in fraction)]
    return words


def _currency(symbol: str, amount: str, language: str) -> list[str] | None:
    rules = _RULES.get(language)
    parsed = _parse_number(amount, language)
    if rules is None or symbol not in rules.currency or parsed is None:
        return None
    whole, fraction = parsed
    unit, units, cent, cents, joiner = rules.currency[symbol]
    if len(fraction) > 2:
        return [*(_number_words(amount, language) or []), units]
    words = [rules.one] if whole == 1 else _split_words(_cardinal(whole, language))
    words += [unit if whole == 1 else units]
    hundredths = int(fraction.ljust(2, "0")) if fraction else 0
    if hundredths:
        words += [joiner, *([rules.one] if hundredths == 1 else _split_words(_cardinal(hundredths, language)))]
        words += [cent if hundredths == 1 else cents]
    return [w for word in words for w in word.split()]


def _url_words(text: str, rules: _Rules, language: str) -> list[str]:
    text = re.sub(r"^https?://", "", text, flags=re.I).rstrip("/")
    words: list[str] = []
    if text.lower().startswith("www."):
        words += ["w", "w", "w", rules.dot]
        text = text[4:]
    host, _, path = text.partition("/")
    for index, part in enumerate(host.split(".")):
        if index:
            words.append(rules.dot)
        words += _plain_words(part, language)
    for part in filter(None, path.split("/")):
        words.append(rules.slash)
        words += _plain_words(part, language)
    return words


def _plain_words(text: str, language: str) -> list[str]:
    """Letters kept (with inner apostrophes and hyphens), digits spelled out, the rest dropped."""
    words: list[str] = []
    for run in re.findall(r"\d+|[^\W\d_](?:[^\W\d_]|['’-](?=[^\W\d_]))*", text):
        if run[0].isdigit():
            spelled = _number_words(run, language)
            words += spelled if spelled is not None else [run]
        else:
            words.append(run.replace("’", "'"))
    return words


def _speak(core: str, following: str, language: str) -> tuple[list[str], bool]:
    """Words for one token without its outer punctuation; the flag says the next token (a unit or
    ``%`` written apart, ``10 %``) was used up."""
    rules = _RULES.get(language)
    if rules is not None:
        if core in rules.abbreviations:
            return rules.abbreviations[core].split(), False
        lowered = core.lower()
        if lowered in rules.abbreviations and core[:1].isupper():
            # "E.g." opening a sentence
            expanded = rules.abbreviations[lowered].split()
            return [expanded[0].capitalize(), *expanded[1:]], False
    if _EMAIL.match(core) and rules is not None:
        local, _, domain = core.partition("@")
        return [*_url_words(local, rules, language), rules.at, *_url_words(domain, rules, language)], False
    if _URL.match(core) and rules is not None and ("." in core) and not re.fullmatch(r"[\d.,]+", core):
        return _url_words(core, rules, language), False
    if core[:1] in "#@" and len(core) > 1:
        return _plain_words(core[1:], language), False
    follow = following.rstrip(_PAUSES + _TRAIL)
    if re.fullmatch(_NUMBER, core):
        if follow == "%":
            percent = rules.percent if rules else _PERCENT.get(language)
            words = _number_words(core, language)
            if percent and words:
                return [*words, *percent.split()], True
        if rules is not None and follow in rules.currency:
            words = _currency(follow, core, language)
            if words:
                return words, True
        if rules is not None and follow in rules.units:
            words = _unit(core, follow, rules, language)
            if words:
                return words, True
    percent_sign = re.fullmatch(rf"({_NUMBER})\s?%", core)
    if percent_sign:
        word = rules.percent if rules else _PERCENT.get(language)
        words = _number_words(percent_sign.group(1), language)
        if word and words:
            return [*words, *word.split()], False
    money = re.fullmatch(rf"([$€£¥])({_NUMBER})|({_NUMBER})\s?([$€£¥])", core)
    if money:
        symbol = money.group(1) or money.group(4)
        words = _currency(symbol, money.group(2) or money.group(3), language)
        if words:
            return words, False
    ordinal = _ORDINAL.get(language)
    if ordinal and (match := ordinal.match(core)) and _has_numbers(language):
        return _split_words(num2words(int(match.group(1)), lang=language, to="ordinal")), False
    clock = re.fullmatch(r"(\d{1,2}):(\d{2})", core)
    if clock and rules is not None and int(clock.group(1)) < 24 and int(clock.group(2)) < 60:
        hours, minutes = int(clock.group(1)), int(clock.group(2))
        h = _cardinal(hours, language)
        if minutes == 0:
            return rules.time[1].format(h=h).split(), False
        m = (
            ("oh " + _cardinal(minutes, language))
            if language == "en" and minutes < 10
            else _cardinal(minutes, language)
        )
        return _split_words(rules.time[0].format(h=h, m=m)), False
    span = re.fullmatch(r"(\d+)[-–](\d+)", core)
    if span and rules is not None:
        first, second = _number_words(span.group(1), language), _number_words(span.group(2), language)
        if first and second:
            return [*first, *rules.to.split(), *second], False
    if rules is not None:
        for unit in sorted(rules.units, key=len, reverse=True):
            if core.endswith(unit) and re.fullmatch(_NUMBER, core[: -len(unit)]):
                words = _unit(core[: -len(unit)], unit, rules, language)
                if words:
                    return words, False
    if re.fullmatch(_NUMBER, core):
        words = _number_words(core, language, year=True)
        if words is not None:
            return words, False
        return ([core] if not _has_numbers(language) else _plain_words(core, language)), False
    if rules is not None and core in ("&", "+"):
        return (rules.and_ if core == "&" else rules.plus).split(), False
    if rules is None:
        # no rules of ours: the engine's own reader gets the token (espeak-ng reads digits and
        # symbols in its languages); only a token with nothing readable is dropped
        return ([core] if any(char.isalnum() for char in core) else []), False
    return _plain_words(core, language), False


def _unit(amount: str, unit: str, rules: _Rules, language: str) -> list[str] | None:
    words = _number_words(amount, language)
    parsed = _parse_number(amount, language)
    if words is None or parsed is None:
        return None
    singular, plural = rules.units[unit]
    one = parsed == (1, "")
    return [*([rules.one] if one else words), *(singular if one else plural).split()]


def _tokens(text: str, language: str) -> list[str]:
    rules = _RULES.get(language)
    spaced = [key for key in (rules.abbreviations if rules else {}) if " " in key]
    alternatives = [re.escape(key) + r"(?=\s|$|[,;:!?])" for key in sorted(spaced, key=len, reverse=True)]
    pattern = "|".join([*alternatives, r"\S+"])
    return re.findall(pattern, text)


def _pause_of(trailing: str) -> str:
    for mark in ("?", "!", ".", "…", ";", ":", ","):
        if mark in trailing:
            return "." if mark == "…" else mark
    return ""


def normalize(text: str, language: str) -> Script:
    """The words a voice reads for ``text`` in ``language``. Raises ``InputError`` for text too long
    to be one line, or with nothing left to say once emoji and symbols are removed."""
    language = base_language(language)
    text = unicodedata.normalize("NFC", text or "")
    text = "".join(" " if unicodedata.category(char) in ("Cc", "Zl", "Zp") else char for char in text)
    if len(text) > MAX_CHARS:
        raise InputError(f"a narration line is at most {MAX_CHARS} characters, got {len(text)}; split it over shots")
    written = _tokens(_EMOJI.sub(" ", text), language)
    tokens: list[Token] = []
    skip = False
    for index, raw in enumerate(written):
        if skip:
            skip = False
            tokens[-1] = Token(f"{tokens[-1].display} {raw}", tokens[-1].words, _pause_of(raw[-1:]))
            continue
        core = raw.lstrip(_LEAD)
        rules = _RULES.get(language)
        abbreviation = core.rstrip(",;:!?" + _TRAIL)
        if rules is not None and (abbreviation in rules.abbreviations or abbreviation.lower() in rules.abbreviations):
            trailing = core[len(abbreviation) :]
            if index == len(written) - 1 and abbreviation.endswith("."):
                trailing += "."  # "... und so weiter." at the end of the line ends a sentence
            core = abbreviation
        else:
            stripped = core.rstrip(_PAUSES + _TRAIL)
            trailing = core[len(stripped) :]
            core = stripped
        following = written[index + 1] if index + 1 < len(written) else ""
        words, skip = _speak(core, following, language) if core else ([], False)
        pause = _pause_of(trailing)
        if words:
            tokens.append(Token(raw, tuple(words), pause))
        elif tokens and pause and not tokens[-1].pause:
            # "great — really" / "done ✅!": the mark still belongs to the speech before it
            tokens[-1] = Token(tokens[-1].display, tokens[-1].words, pause)
    if not tokens:
        raise InputError(
            f"narration line {text[:60]!r} has nothing a voice can read once emoji and symbols are removed"
        )
    return _script(language, tokens)


def _script(language: str, tokens: list[Token]) -> Script:
    parts: list[str] = []
    words: list[str] = []
    offsets: list[int] = []
    owners: list[int] = []
    cursor = 0
    for index, token in enumerate(tokens):
        for position, word in enumerate(token.words):
            if parts:
                parts.append(" ")
                cursor += 1
            offsets.append(cursor)
            words.append(word)
            owners.append(index)
            last = position == len(token.words) - 1
            piece = word + (token.pause if last else "")
            parts.append(piece)
            cursor += len(piece)
    return Script(language, tuple(tokens), "".join(parts), tuple(words), tuple(offsets), tuple(owners))
