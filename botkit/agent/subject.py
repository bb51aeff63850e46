"""What a request is about ("our new trail running shoes"), with the production words taken out.

The subject goes into every shot prompt, so lengths, counts, platforms, formats, camera moves and
"with these photos" are removed first; then the phrase after "for/about/para/pour/für ..." wins.
Matching runs on the accent-folded text and cuts the original, so accents survive.
"""

from __future__ import annotations

import re

from botkit.agent import words

_NUM = r"(?:\d+(?:[.,]\d+)?|" + "|".join(sorted(words.NUMBER_WORDS, key=len, reverse=True)) + r")"
_UNITS = "|".join(sorted(words.DURATION_UNITS, key=len, reverse=True))
_COUNTS = "|".join(sorted(words.COUNT_NOUNS, key=len, reverse=True))
_PLATFORMS = "|".join(
    [p for p, _ in words.PLATFORM_PATTERNS] + [words.INSTAGRAM_PATTERN] + [p for p, _ in words.ASPECT_PATTERNS]
)
_LEAD = r"(?:(?:for|on|in|as|para|en|pour|sur|au|fur|auf|im|als|y|and|et|und|,)\s+)*"
_NOISE = [
    rf"\b(?:de|of|von|en|in|im)?\s*{_NUM}\s*-?\s*(?:{_UNITS})\b(?:\s+(?:long|lang|de long))?",
    rf"\b(?:in|en|with|con|avec|mit)?\s*{_NUM}\s+(?:\w+\s+)?(?:{_COUNTS})\b",
    rf"{_LEAD}(?:(?:{_PLATFORMS})(?:\s+(?:format|formato|video|videos))?)",
    r"\b(?:format|formato)\s+(?:carre|cuadrado|vertical|horizontal|paysage|portrait)\b",
    r"\b(?:using|with|from|con|avec|mit|a partir de|aus)\s+(?:these|this|my|the|esta|estas|este|estos|mis|ces|cette|mes|diesem|diesen|meinen)"
    r"\s+(?:\d+\s+)?(?:photos?|images?|pictures?|fotos?|imagenes|bildern?|panels?|paneles)\b",
    r"\b(?:with|con|avec|mit)?\s*(?:captions?|subtitles?|subtitulos|sous-titres|untertiteln?)\b",
    rf"{_LEAD}(?:social media|redes sociales|(?:les\s+)?reseaux sociaux|soziale medien)\b",
    r"\b(?:step[- ]by[- ]step|paso a paso|etape par etape|schritt fur schritt)\b",
    r"\b(?:without|sin|sans|ohne)\s+(?:captions?|subtitles?|subtitulos|sous-titres|untertiteln?|text)\b",
    r"\b(?:with a|with|con un|con|avec un|avec|mit)?\s*(?:slow|lent|lento|langsamem?)?\s*(?:"
    + "|".join(p for p, _ in words.CAMERA_PATTERNS)
    + r")(?:\s+(?:lent|lento))?",
]
_HOW_TO = r"\b(?:how to|como|comment|wie man)\s+"
STRONG_PREPOSITIONS = r"\b(for|about|on|showing|para|sobre|pour|sur|fur|uber|zum|zur)\s+"
_WEAK = r"\b(of|de|du|von|zu)\s+"
_KIND_ONLY = (
    r"^(training|tutorial|tutoriel|onboarding|schulung|anleitung|formation|formacion|how-to)\w*"
    r"(\s+(video|videos))?$"
)
_DANGLING = r"^(?:and|y|et|und|with|con|avec|mit|in|en|im|,|-)\s+|\s+(?:and|y|et|und|with|con|avec|mit|in|en|im|,|-)$"


def _folded_with_positions(text: str) -> tuple[str, list[int]]:
    """The folded text and, for each folded character, the index of the original one."""
    folded, positions = [], []
    for index, char in enumerate(text):
        for piece in words.fold(char):
            folded.append(piece)
            positions.append(index)
    return "".join(folded), positions


def _cut(text: str, spans: list[tuple[int, int]], positions: list[int]) -> str:
    keep = [True] * len(text)
    for start, end in spans:
        if start == end:
            continue
        for index in range(positions[start], positions[end - 1] + 1):
            keep[index] = False
    return "".join(char if kept else " " for char, kept in zip(text, keep, strict=True))


def _tidy(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip(" ,.;:!?-")
    previous = None
    while previous != text:
        previous = text
        text = re.sub(_DANGLING, "", text, flags=re.IGNORECASE).strip(" ,.;:!?-")
    return text


def without_production_words(segment: str) -> str:
    """The text with lengths, counts, platforms, formats, captions and camera words taken out."""
    folded, positions = _folded_with_positions(segment)
    spans = [m.span() for pattern in _NOISE for m in re.finditer(pattern, folded)]
    return _tidy(re.sub(r"\s*,(\s*,)+", ",", _cut(segment, spans, positions)))


def find_subject(text: str) -> str:
    """The thing the video is about: "our new trail running shoes"."""
    segments = [without_production_words(s) for s in text.splitlines()[0].split(":") if s.strip()] or [
        without_production_words(text)
    ]
    cleaned = next((s for s in segments if s and not re.match(_KIND_ONLY, words.fold(s))), segments[0])
    folded, positions = _folded_with_positions(cleaned)
    how_to = re.search(_HOW_TO, folded)
    if how_to:  # "..., how to change a tyre": the instruction is the subject, marker included
        return _tidy(re.split(r"[,;]\s", cleaned[positions[how_to.start()] :], maxsplit=1)[0])[:200]
    for pattern in (STRONG_PREPOSITIONS, _WEAK):
        for match in re.finditer(pattern, folded):
            rest = _tidy(cleaned[positions[match.end()] :]) if match.end() < len(folded) else ""
            if len(rest) >= 3:
                cleaned = rest
                break
        else:
            continue
        break
    else:
        cleaned = re.sub(words.FILLER_PATTERN, "", cleaned, flags=re.IGNORECASE)
    # what follows a comma is usually another instruction ("..., slow push in")
    head = re.split(r"[,;]\s|\s[-–]\s", cleaned, maxsplit=1)[0]
    subject = _tidy(re.sub(r"[\"`]+", "", head if len(head.strip()) >= 3 else cleaned))
    return subject[:200] or "the product"
