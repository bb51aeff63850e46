"""Lengths and counts in a request: the whole clip ("a 15 second ad", "one 15 s clip"), each shot
("each for 3 seconds", "2 segundos cada una", "3초씩"), one shot ("panel 2 lasts 5 seconds",
"第二个镜头5秒"), how many shots/panels/steps ("three panels", "三个镜头", "세 장면") and a single
continuous shot ("a single continuous 20 second shot", "一镜到底").

Everything reads the folded text (``words.fold``). A number followed by a unit is a length and
never a count; a count noun after a number is a count and never a length.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from botkit.agent import words

_UNITS = "|".join(sorted(words.DURATION_UNITS, key=len, reverse=True))
_CJK_UNITS = "|".join(sorted(words.CJK_UNITS, key=len, reverse=True))
_CJK_DIGIT_UNITS = "|".join(words.CJK_DIGIT_UNITS)
_COUNT_NOUNS = "|".join(sorted(words.COUNT_NOUNS, key=len, reverse=True))
_CJK_COUNT_NOUNS = "|".join(sorted(words.CJK_COUNT_NOUNS, key=len, reverse=True))

LATIN_DURATION = re.compile(rf"(?<![\w.,])({words.NUM})\s*-?\s*({_UNITS})\b")
CJK_DURATION = re.compile(
    rf"(?<![\d.])(\d+(?:\.\d+)?|{words.HAN_NUMBER})\s*({_CJK_UNITS})|(?<![\d.])(\d+(?:\.\d+)?)\s*({_CJK_DIGIT_UNITS})(?![钟鐘間])"
)
LATIN_COUNT = re.compile(
    rf"(?<![\w.,])({words.COUNT_NUM})\s*-?\s*(?:(?!(?:of|the|de|des|del|la|le|di|da|do|und|and|y|et|e)\b)(?:[a-z]+|#+)\s+){{0,2}}({_COUNT_NOUNS})\b"
)
CJK_COUNT = re.compile(
    rf"(?<![\d第])(\d+|{words.HAN_NUMBER}|{words.KOREAN_NUMBER})\s*{words.CJK_COUNTERS}\s*({_CJK_COUNT_NOUNS})"
    rf"|({_CJK_COUNT_NOUNS})\s*(\d+|{words.KOREAN_NUMBER})\s*(?:개|가지|つ|个|個)"
)
# "in three steps" said as "分三步", "三步" (Chinese: a number then 步 is a count of steps)
SHOT_MARKER = re.compile(
    rf"\b(?:the\s+|el\s+|la\s+|le\s+|die\s+|der\s+|das\s+|il\s+|lo\s+|o\s+|a\s+)?({words.ORDINAL_PATTERN})\s+{words.SHOT_NOUN_PATTERN}\b"
    rf"|\b(?:(?:the|la|el|le|il|lo|o|a|der|die|das|in|im|en|em|no|na|nel|nella|dans|sur)\s+)?{words.SHOT_NOUN_PATTERN}\s+(?:no\.?\s*|n\.?\s*|number\s+|numero\s+|nr\.?\s*)?(\d{{1,2}})\b"
    rf"|第\s*(\d{{1,2}}|{words.HAN_NUMBER})\s*(?:个|個|段|格|幅|张|張)?\s*{words.CJK_SHOT_NOUN}"
    rf"|{words.CJK_SHOT_NOUN}\s*(\d{{1,2}})(?!\s*(?:秒|초|개|つ|个|個))"
    rf"|(\d{{1,2}})\s*(?:番目の|番目|つ目の|つ目|번째|번)\s*{words.CJK_SHOT_NOUN}"
    rf"|({'|'.join(words.KOREAN_ORDINALS)})\s*번째\s*{words.CJK_SHOT_NOUN}"
    rf"|({'|'.join(words.FIRST_LAST_CJK)})\s*{words.CJK_SHOT_NOUN}"
)
# "segundo plano", "premier plan" are background and foreground, not the second shot
_NOT_A_SHOT = re.compile(r"\b(?:primer|segundo|premier|second|arriere)[- ]plan(?:o)?\b")
_CLAUSE_END = re.compile(r"[,;.!?\n。，；！？、]|\s(?:and|y|et|und|e|then|luego|puis|dann|poi|depois)\s")


@dataclass(frozen=True)
class Length:
    """One length in the text: seconds, where it is, and what it is the length of."""

    seconds: float
    start: int
    end: int
    each: bool = False
    shot: int | None = None  # 1-based shot number (-1: the last) for "panel 2 lasts 5 s"


@dataclass
class Timing:
    lengths: list[Length] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    single: bool = False

    @property
    def total(self) -> float | None:
        totals = [length.seconds for length in self.lengths if not length.each and length.shot is None]
        return sum(totals) if totals else None

    @property
    def each(self) -> float | None:
        each = [length.seconds for length in self.lengths if length.each]
        return each[0] if each else None

    def shot_lengths(self, count: int) -> dict[int, float]:
        """{0-based shot index: seconds} for the shots the text gives a length of."""
        found: dict[int, float] = {}
        for length in self.lengths:
            if length.shot is None:
                continue
            index = count - 1 if length.shot == -1 else length.shot - 1
            if 0 <= index < count:
                found.setdefault(index, length.seconds)
        return found


def _number(token: str) -> float | None:
    return words.number(token)


def shot_markers(folded: str) -> list[tuple[int, int, int]]:
    """(start, end, 1-based shot number or -1 for the last) of "shot 2", "the second panel", "第二个镜头"..."""
    found = []
    for match in SHOT_MARKER.finditer(folded):
        if _NOT_A_SHOT.match(folded, match.start(1) if match.group(1) else match.start()):
            continue
        ordinal, digits, han, cjk_after, cjk_before, korean, first_last = match.groups()
        if ordinal:
            # "a 5 second clip" is a length, not the second clip
            if re.search(r"\d\s*-?\s*$", folded[: match.start(1)]):
                continue
            number = words.ORDINALS[ordinal]
        elif digits or cjk_after or cjk_before:
            number = int(digits or cjk_after or cjk_before)
        elif han:
            number = int(_number(han) or 0)
        elif korean:
            number = words.KOREAN_ORDINALS[korean]
        else:
            number = words.FIRST_LAST_CJK[first_last]
        if number:
            found.append((match.start(), match.end(), number))
    return found


@lru_cache(maxsize=256)
def read_timing(folded: str) -> Timing:
    """Every length and count in ``folded`` (the request's folded text)."""
    markers = shot_markers(folded)
    lengths: list[Length] = []
    spans: list[tuple[int, int]] = []
    for match in LATIN_DURATION.finditer(folded):
        value = _number(match.group(1))
        if value is not None:
            lengths.append(_length(folded, value * words.DURATION_UNITS[match.group(2)], match, markers))
            spans.append(match.span())
    for match in CJK_DURATION.finditer(folded):
        if match.group(1):
            value, unit = _number(match.group(1)), words.CJK_UNITS[match.group(2)]
        else:
            value, unit = _number(match.group(3)), words.CJK_DIGIT_UNITS[match.group(4)]
        if value is not None:
            lengths.append(_length(folded, value * unit, match, markers))
            spans.append(match.span())
    lengths.sort(key=lambda length: length.start)
    # lengths are blanked out before counting: "one 15 s clip" is one clip, not fifteen
    blanked = list(folded)
    for start, end in spans:
        blanked[start:end] = "#" * (end - start)
    counted = "".join(blanked)
    counts: dict[str, int] = {}
    for match in LATIN_COUNT.finditer(counted):
        value = _number(match.group(1))
        if value is not None and value == int(value) and not _is_shot_number(counted, match):
            counts.setdefault(words.COUNT_NOUNS[match.group(2)], int(value))
    for match in CJK_COUNT.finditer(counted):
        token, noun = (match.group(1), match.group(2)) if match.group(1) else (match.group(4), match.group(3))
        value = _number(token)
        if value is not None and value == int(value) and value > 0:
            counts.setdefault(words.CJK_COUNT_NOUNS[noun], int(value))
    steps = re.search(rf"分\s*({words.HAN_NUMBER}|\d+)\s*步|(?<![第\d])({words.HAN_NUMBER}|\d+)\s*步(?!骤|驟)", counted)
    if steps and "steps" not in counts:
        value = _number(steps.group(1) or steps.group(2))
        if value:
            counts["steps"] = int(value)
    single = re.search(words.SINGLE_SHOT_PATTERN, counted) is not None
    if single:
        counts.setdefault("shots", 1)
    return Timing(lengths=lengths, counts=counts, single=single)


def _is_shot_number(folded: str, match: re.Match[str]) -> bool:
    # "shot 2 ..." names a shot; "2 shots" counts them. "step 1 2 steps" never happens; "the 2 shots" does
    return bool(re.search(rf"\b{words.SHOT_NOUN_PATTERN}\s*$", folded[: match.start()]))


def _length(folded: str, seconds: float, match: re.Match[str], markers: list[tuple[int, int, int]]) -> Length:
    start, end = match.span()
    after = folded[end : end + 24]
    before = folded[max(0, start - 40) : start]
    each = re.match(words.EACH_PATTERN, after) is not None or re.search(words.EACH_BEFORE_PATTERN, before) is not None
    shot = None
    for marker_start, marker_end, number in markers:
        if marker_end <= start and not _CLAUSE_END.search(folded[marker_end:start]) and start - marker_end <= 40:
            shot = number  # "panel 2 lasts 5 seconds", "第二个镜头5秒", "ショット2は5秒"
        elif marker_start >= end and not _CLAUSE_END.search(folded[end:marker_start]) and marker_start - end <= 12:
            if re.match(
                r"\s*(?:for|para|pour|fur|per|por|de|di)\s+(?:the\s+|el\s+|la\s+|le\s+|il\s+|o\s+|a\s+)?",
                folded[end:marker_start],
            ):
                shot = number  # "5 seconds for the second shot"
    return Length(seconds=seconds, start=start, end=end, each=each and shot is None, shot=shot)


def find_duration(folded: str) -> float | None:
    """Total seconds asked for ("15 second", "30s", "1 minute", "10 segundos", "2-hour", "15秒", "20초")."""
    return read_timing(folded).total


def find_each_duration(folded: str) -> float | None:
    """Seconds per shot ("2 seconds each", "each for 3 seconds", "3 segundos cada uno", "각 3초")."""
    return read_timing(folded).each


def find_counts(folded: str) -> dict[str, int]:
    """{"steps": 5, "panels": 3, "shots": 4} from "5 steps", "three panels", "三个镜头", "세 장면"..."""
    return dict(read_timing(folded).counts)
