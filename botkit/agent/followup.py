"""Reads a follow-up into edits: which shots it names and what it asks to change (no plan is touched).

A message is cut into clauses ("another take, but keep the first shot" -> two). A clause is one
shot operation (remove, add, swap, reverse, move, split, merge, keep, caption text, replace), or
changes to the shots it names ("shot 2 should pan left"), or changes to the whole video (length,
platforms, captions on/off, style and palette, another take). Shots are numbered as in the plan
the message answers. Vocabulary: ``botkit.agent.edits``; messages: ``botkit.agent.replies``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from botkit.agent import edits, words
from botkit.agent.edits import Normalised, alternation, normalise, planner_form
from botkit.agent.offline import find_camera, find_duration, find_platforms
from botkit.agent.replies import reply
from botkit.domain import Limits
from botkit.errors import InputError

MARK = "\x00"  # a shot reference, masked, in the text position words are matched on
ALL = 1_000  # "every shot": a number no plan has

# -- shot references -----------------------------------------------------------------------------

_UNITS = alternation([*words.DURATION_UNITS, "秒", "초"])
_NOT_A_LENGTH = rf"(?!\s*-?\s*(?:{_UNITS})\b)"
_NUM = rf"(?:\d{{1,2}}|{alternation(edits.CARDINALS)})\b{_NOT_A_LENGTH}"
_ORD = rf"(?:(?:{alternation(edits.ORDINALS)})\b|(?<![\d.,])\d{{1,2}}(?:st|nd|rd|th|er|re|eme|ieme|e|o|a)\b|(?<![\d.,])\d{{1,2}}\.)"
_SEP = rf"\s*(?:{edits.LATIN_LIST}|{edits.LATIN_RANGE})\s*(?:{edits.ARTICLES}\s+)?(?:{edits.LATIN_NOUN}\s*)?"
_CJK_NUM = rf"(?:\d{{1,2}}|{alternation(edits.CJK_NUMBERS)})"
_CJK_DIGITS = r"(?:\d{1,2}|[一二三四五六七八九十]{1,2})"
_CJK_SEP = rf"\s*(?:{edits.CJK_LIST}|{edits.CJK_RANGE}|{edits.LATIN_LIST}|-)\s*"
_CJK_PREFIX_NUM = rf"第?\s*{_CJK_DIGITS}\s*(?:番目|つ目|个|個|号|號|번\s*째|번)?"
_SMALL = r"(?:\d|two|three|four|dos|tres|cuatro|deux|trois|quatre|zwei|drei|vier|due|tre|quattro|dois|duas|quatro)"
_FIRST_N = r"(?:first|primer[oa]s|premier(?:e)?s|ersten|primi|prime|primeir[oa]s)"
_LAST_N = r"(?:last|final|ultim[oa]s|dernier(?:e)?s|letzten|ultimi|ultime)"
_NOUN = edits.LATIN_NOUN
_CJK_NOUN = edits.CJK_NOUN

# (pattern, how its numbers read): "list" = the ``nums`` group; "first"/"last" = the first/last n;
# an int = that shot
_REF_PATTERNS: list[tuple[re.Pattern[str], str | int]] = [
    (re.compile(rf"\b{_NOUN}\s*(?:(?:no\.?|nr\.?|n\.|#)\s*)?(?P<nums>{_NUM}(?:{_SEP}{_NUM})*)"), "list"),
    (re.compile(rf"(?<!\w)(?P<nums>{_ORD}(?:\s*(?:{edits.LATIN_LIST})\s*(?:{edits.ARTICLES}\s+|l')?{_ORD})*)\s+(?:{_NOUN}\b|one\b)"), "list"),
    (re.compile(rf"\b(?:the\s+)?{_FIRST_N}\s+(?P<n>{_SMALL})\s+{_NOUN}\b|\b(?P<n2>{_SMALL})\s+{_FIRST_N}\s+{_NOUN}\b"), "first"),
    (re.compile(rf"\b(?:the\s+)?{_LAST_N}\s+(?P<n>{_SMALL})\s+{_NOUN}\b|\b(?P<n2>{_SMALL})\s+{_LAST_N}\s+{_NOUN}\b"), "last"),
    (re.compile(rf"(?P<nums>{_CJK_PREFIX_NUM}(?:\s*{edits.CJK_LIST}\s*{_CJK_PREFIX_NUM})+)\s*(?:の|的|의)?\s*{_CJK_NOUN}"), "list"),
    (re.compile(rf"{_CJK_NOUN}\s*(?:#|第)?\s*(?P<nums>{_CJK_DIGITS}(?:{_CJK_SEP}(?:{_CJK_NOUN})?\s*{_CJK_DIGITS})*)(?:\s*번)?(?!\s*(?:秒|초|분|分|s\b))"), "list"),
    (re.compile(rf"(?P<nums>{_CJK_NUM})\s*(?:番目|つ目|個目|本目)(?:\s*の)?\s*(?:{_CJK_NOUN})?"), "list"),
    (re.compile(rf"倒数第\s*(?P<neg>{_CJK_NUM})\s*(?:个|個)?\s*(?:{_CJK_NOUN})?|倒數第\s*(?P<neg2>{_CJK_NUM})\s*(?:个|個)?\s*(?:{_CJK_NOUN})?"), "negative"),
    (re.compile(rf"第\s*(?P<nums>{_CJK_NUM})\s*(?:个|個|号|號|の)?\s*(?:{_CJK_NOUN})?"), "list"),
    (re.compile(rf"(?P<nums>{_CJK_NUM})\s*번\s*째\s*(?:{_CJK_NOUN})?|(?P<nums2>첫|둘|셋|넷|다섯)째\s*(?:{_CJK_NOUN})?"), "list"),
    (re.compile(rf"(?P<nums>\d{{1,2}})\s*번\s*{_CJK_NOUN}"), "list"),
    (re.compile(edits.ALL_SHOTS), ALL),
    (re.compile(rf"{edits.CJK_LAST}\s*(?:の|的)?\s*(?:一\s*)?(?:个|個)?\s*{_CJK_NOUN}"), -1),
    (re.compile(rf"{edits.CJK_FIRST}\s*(?:の|的)?\s*(?:一\s*)?(?:个|個)?\s*{_CJK_NOUN}|첫\s*{_CJK_NOUN}"), 1),
]  # fmt: skip
_RANGE_TOKEN = re.compile(rf"^\s*(?:{edits.LATIN_RANGE}|{edits.CJK_RANGE})\s*$")
_NUMBER_TOKEN = re.compile(
    rf"(?:{alternation(edits.ORDINALS)})\b|(?:{alternation(edits.CARDINALS)})\b|\d{{1,2}}|{alternation(edits.CJK_NUMBERS)}"
)
_NEW_SHOT_BEFORE = re.compile(rf"\b{edits.NEW_SHOT_WORDS}\s+$")
_ENGLISH_ORDINALS = {
    "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth", "final", "opening", "closing",
    "first", "last",
}  # fmt: skip


def _number(token: str) -> int | None:
    token = token.strip()
    if token.isdigit():
        return int(token)
    for table in (edits.ORDINALS, edits.CARDINALS, edits.CJK_NUMBERS):
        if token in table:
            return table[token]
    if token.startswith("十") and token[1:] in edits.CJK_NUMBERS:  # 十一, 十二
        return 10 + edits.CJK_NUMBERS[token[1:]]
    return None


@dataclass(frozen=True)
class Ref:
    """Shots named in the message: numbers as written (1-based; -1 the last, -2 the one before)."""

    start: int
    end: int
    numbers: tuple[int, ...]


def _numbers(group: str) -> tuple[int, ...]:
    """ "1 and 3" -> (1, 3); "2-4" -> (2, 3, 4); "first and last" -> (1, -1)."""
    found: list[int] = []
    position, pending_range = 0, False
    for match in _NUMBER_TOKEN.finditer(group):
        value = _number(match.group(0))
        if value is None:
            continue
        between = group[position : match.start()]
        if found and _RANGE_TOKEN.match(between) and found[-1] > 0 and value > found[-1]:
            pending_range = True
        if pending_range:
            found.extend(range(found[-1] + 1, value + 1))
            pending_range = False
        else:
            found.append(value)
        position = match.end()
    return tuple(dict.fromkeys(found))


# words that are numbers in one language and something else in another ("dos": two / "of the")
_NOT_NUMBERS = {"pt": {"dos"}, "fr": {"tres"}, "it": {"dos"}}


def find_refs(text: str, lang: str = "en") -> list[Ref]:
    """Every shot reference in normalised ``text``, longest first where two overlap."""
    candidates: list[Ref] = []
    not_numbers = _NOT_NUMBERS.get(lang, set())
    for pattern, reading in _REF_PATTERNS:
        for match in pattern.finditer(text):
            before = text[: match.start()]
            if not_numbers and set(re.findall(r"[a-z]+", match.group(0))) & not_numbers:
                continue
            if reading == "list" and pattern is _REF_PATTERNS[1][0]:
                # "a 5 second clip" is a length; "add a second shot" is a new shot
                if re.search(r"\d\s*-?\s*$", before) or _NEW_SHOT_BEFORE.search(before):
                    continue
                if re.search(r"\ban?\s+$", before) and match.group("nums").split()[0] in _ENGLISH_ORDINALS:
                    continue
            groups = match.groupdict()
            if reading == "list":
                numbers = _numbers(groups.get("nums") or groups.get("nums2") or "")
            elif reading in ("first", "last"):
                count = _number(groups.get("n") or groups.get("n2") or "") or 0
                numbers = tuple(range(1, count + 1)) if reading == "first" else tuple(range(-count, 0))
            elif reading == "negative":
                numbers = (-(_number(groups.get("neg") or groups.get("neg2") or "") or 1),)
            else:
                numbers = (int(reading),)
            if numbers:
                candidates.append(Ref(match.start(), match.end(), numbers))
    candidates.sort(key=lambda ref: (ref.start, -(ref.end - ref.start)))
    refs: list[Ref] = []
    for ref in candidates:
        if not any(ref.start < kept.end and kept.start < ref.end for kept in refs):
            refs.append(ref)
    return sorted(refs, key=lambda ref: ref.start)


def resolve(number: int, count: int, lang: str) -> int:
    """A shot number as written -> the 0-based index in a plan of ``count`` shots."""
    index = count + number if number < 0 else number - 1
    if not 0 <= index < count:
        raise InputError(reply("no_shot", lang, count=count, number=number if number >= 0 else count + number + 1))
    return index


# -- what was asked --------------------------------------------------------------------------

Where = Literal["start", "end", "before", "after"]


@dataclass
class Position:
    where: Where
    anchor: int | None = None  # 0-based, for before/after


@dataclass
class ShotEdit:
    """Changes to one shot."""

    camera: str | None = None
    duration_s: float | None = None
    speed: Literal["slow", "fast"] | None = None
    length_factor: float | None = None
    prompt: str | None = None
    take: bool = False
    image: str | None = None
    from_text: bool = False

    def any(self) -> bool:
        return any(value not in (None, False) for value in vars(self).values())


OpKind = Literal["remove", "add", "swap", "reverse", "move", "split", "merge", "keep", "caption", "edit"]


@dataclass
class Op:
    """One step, applied in the order the message gives them."""

    kind: OpKind
    targets: list[int] = field(default_factory=list)  # 0-based, in the plan the message answers
    position: Position | None = None
    prompt: str | None = None  # add: what the new shot shows
    duration_s: float | None = None  # add: its length
    camera: str | None = None
    image: str | None = None
    parts: int = 2  # split
    caption: str | None = None  # caption: the new words (None: no caption)
    edit: ShotEdit | None = None  # edit: changes to each target


@dataclass
class WholeEdit:
    """Changes to the whole video."""

    take: bool = False
    total_s: float | None = None
    length_factor: float | None = None
    speed: Literal["slow", "fast"] | None = None
    camera: str | None = None
    platforms: list[str] = field(default_factory=list)
    add_platforms: bool = False
    captions: bool | None = None
    styles: list[edits.StyleChange] = field(default_factory=list)
    free_style: str | None = None

    def any(self) -> bool:
        return bool(
            self.take
            or self.total_s is not None
            or self.length_factor is not None
            or self.speed
            or self.camera
            or self.platforms
            or self.captions is not None
            or self.styles
            or self.free_style
        )


@dataclass
class Reading:
    """A follow-up as edits. ``ops`` in message order; ``whole`` applies after them."""

    lang: str
    ops: list[Op] = field(default_factory=list)
    whole: WholeEdit = field(default_factory=WholeEdit)
    images_used: int = 0

    def understood(self) -> bool:
        return bool(self.ops) or self.whole.any()

    def only_production(self) -> bool:
        """Nothing but platforms, a length or captions: what a new request also says."""
        w = self.whole
        return not self.ops and not (w.take or w.styles or w.free_style or w.speed or w.camera or w.length_factor)


# -- clauses ----------------------------------------------------------------------------------

_SPLIT_WORDS = r"but|however|then|and then|pero|sino|luego|cependant|puis|ensuite|aber|jedoch|dann|danach|poi|porem"
# "but" words that mean something else elsewhere: "mais" is "more" in Portuguese, "mas" "more" in
# Spanish (más), "ma" a pronoun in French
_SPLIT_WORDS_OF = {"fr": "|mais", "pt": "|mas", "it": "|ma"}


def _splitter(lang: str) -> re.Pattern[str]:
    return re.compile(
        r"[;!?。！？；\n]+|\.(?=\s|$)|[,、]"
        rf"|\s(?:{_SPLIT_WORDS}{_SPLIT_WORDS_OF.get(lang, '')})\s"
        r"|但是|但|不过|不過|然后|然後|でも|けど|それから|하지만|그런데|근데|그리고"
    )


_FILLER_ONLY = re.compile(rf"^(?:\s|{edits.FILLER}|{MARK})*$")
_QUOTE_STRICT = re.compile(
    r"(?:(?<=^)|(?<=[\s:(（=]))[\"'＂‘’](?P<q>[^\"'＂‘’]{1,200}?)[\"'＂‘’](?=$|[\s.,;!?)）。！？、]|(?:으로|로|に|へ))"
)
_QUOTE_PAIRED = re.compile(r"[「『“«„‚](?P<q>[^」』”»“‘]{1,200}?)[」』”»“‘]")


def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


_P = {
    name: _compile(getattr(edits, name))
    for name in (
        "REMOVE", "ADD", "SWAP", "REVERSE", "MOVE", "SPLIT", "MERGE", "KEEP", "TAKE", "REPLACE", "SHOW_AFTER",
        "SHOW_BEFORE", "IMAGE_WORDS", "FROM_TEXT", "USE", "CAPTION_WORDS", "CAPTIONS_ON", "CAPTIONS_OFF", "AT_START",
        "AT_END", "BETWEEN", "LONGER", "SHORTER", "HALF", "TWICE", "SLOWER", "FASTER", "ALSO", "ONLY", "NOT_A_SHOT",
    )
}  # fmt: skip
_SWAP_WEAK = re.compile(r"바꿔|바꾸|换一下|換一下|对换|對換")
_BEFORE_REF = re.compile(
    rf"(?:{edits.BEFORE})\s*(?:{edits.ARTICLES}\s+)?(?P<ref>{MARK}+)|(?P<cref>{MARK}+)\s*(?:{edits.BEFORE_CJK})"
)
_AFTER_REF = re.compile(
    rf"(?:{edits.AFTER})\s*(?:{edits.ARTICLES}\s+)?(?P<ref>{MARK}+)|(?P<cref>{MARK}+)\s*(?:{edits.AFTER_CJK})"
)
_BETWEEN_REF = re.compile(rf"(?:{edits.BETWEEN})\s*(?:{edits.ARTICLES}\s+)?(?P<ref>{MARK}+)")
_FREE_NOUN = re.compile(edits.SHOT_NOUN)
_OWNING_PREFIX = re.compile(
    r"\b(?:for|of|on|in|to|para|pour|fur|per|pra|de|del|de la|du|des|von|der|di|della|do|da|zu|al|au|ao)\s*"
    rf"(?:{edits.ARTICLES}\s+)?$|(?:把|将|將|让|讓|给|給)\s*$"
)
_CAPTION_TO_LATIN = re.compile(
    rf"(?:{edits.CAPTION_WORDS}).*?(?:\b(?:to|into|as|say|says|saying|read|reads|a|en|por|par|zu|in|auf|per|para|pra|con"
    rf"|lautet)\b\s*:?|:)\s*(?P<t>[^{MARK}]+)$"
)
_CAPTION_TO_JA = re.compile(
    rf"(?:{edits.CAPTION_WORDS})\s*(?:を|は)\s*(?P<t>[^{MARK}]+?)\s*(?:に|へ)\s*(?:変更|変えて|して|書き換え)"
)
_CAPTION_TO_KO = re.compile(
    rf"(?:{edits.CAPTION_WORDS})\s*(?:을|를|은|는)\s*(?P<t>[^{MARK}]+?)\s*(?:으로|로)\s*(?:바꿔|변경|해|수정|고쳐)"
)
_CAPTION_TO_ZH = re.compile(
    rf"(?:{edits.CAPTION_WORDS})\s*(?:改成|改为|改為|换成|換成|设为|設為|设成|設成|写成|寫成|改写成|改寫成)\s*(?P<t>[^{MARK}]+)"
)
_CAPTION_LINK_AFTER = re.compile(
    rf"(?:{edits.CAPTION_WORDS})\s*(?:(?:of|for|on|from|in|de|del|de la|du|des|von|der|di|della|dello|do|da|dos|pour"
    rf"|para|per|fur|zu|im|am)\s+)*(?:{edits.ARTICLES}\s+)?{MARK}"
)
_CAPTION_LINK_BEFORE = re.compile(rf"{MARK}\s*(?:'s|s'|'|の|的|의)?\s*(?:{edits.CAPTION_WORDS})")
_TRAILING = re.compile(
    r"(?:\s|[.,;:!?。！？、]|して(?:ください|下さい)?|ください|下さい|してね|吧|一下|啊|呢|请|請|해\s*줘|해\s*주세요|해요|해|줘|주세요"
    r"|please|por favor|s'il te plait|bitte|per favore|por favor)+$"
)
_LEADING = re.compile(r"^(?:\s|[.,;:!?、]|は|を|が|では|には|の|에서|은|는|을|를|이|가|에|把|将|將|让|讓|在|再)+")
_CJK_ADD_NOISE = re.compile(
    rf"(?:の|的)?\s*{_CJK_NOUN}\s*(?:を|을|를|이|가)?|一个|一個|一つ|ひとつ|하나|한\s*개|(?:もう|再)?\s*1つ|个|個|(?:{edits.ADD})"
)


@dataclass
class Clause:
    """A piece of the message, with the shot references inside it."""

    norm: Normalised
    start: int
    end: int
    refs: list[Ref]

    @property
    def text(self) -> str:
        return self.norm.text[self.start : self.end]

    @property
    def masked(self) -> str:
        """The clause with every reference written as MARK characters (same length)."""
        chars = list(self.text)
        for ref in self.refs:
            for i in range(ref.start - self.start, ref.end - self.start):
                chars[i] = MARK
        return "".join(chars)

    def original(self, start: int = 0, end: int | None = None) -> str:
        """The user's characters for clause positions ``start:end``."""
        end = len(self.text) if end is None else end
        return self.norm.original_span(self.start + start, self.start + end)

    def ref_at(self, offset: int) -> Ref:
        return next(ref for ref in self.refs if ref.start - self.start <= offset < ref.end - self.start)


_AND = re.compile(r"\s(?:and|y|et|und|e)\s|그리고|并且|並且|而且|そして")


def _split_at_and(norm: Normalised, refs: list[Ref], start: int, end: int) -> list[tuple[int, int]]:
    """ "remove shot 2 and make shot 3 slower": two clauses, each about its own shot. An "and" splits
    only between two parts that each name a shot and say something about it ("swap shot 1 and the
    last shot" stays whole)."""
    for match in _AND.finditer(norm.text, start, end):
        if any(ref.start <= match.start() < ref.end for ref in refs):
            continue
        left, right = (start, match.start()), (match.end(), end)
        if all(_says_more_than_refs(norm, refs, *part) for part in (left, right)):
            return [left, *_split_at_and(norm, refs, *right)]
    return [(start, end)]


def _says_more_than_refs(norm: Normalised, refs: list[Ref], start: int, end: int) -> bool:
    inside = [ref for ref in refs if start <= ref.start and ref.end <= end]
    if not inside:
        return False
    chars = list(norm.text[start:end])
    for ref in inside:
        chars[ref.start - start : ref.end - start] = MARK * (ref.end - ref.start)
    return not _FILLER_ONLY.match("".join(chars))


def clauses(norm: Normalised, refs: list[Ref], lang: str = "en") -> list[Clause]:
    """Cut at sentence ends, commas, "but", "then"...; never inside a shot reference. A clause that
    only names shots ("shot 2:") is joined to the next one."""
    cuts = [0]
    for match in _splitter(lang).finditer(norm.text):
        if not any(ref.start <= match.start() < ref.end for ref in refs):
            cuts.extend([match.start(), match.end()])
    cuts.append(len(norm.text))
    pieces = [(cuts[i], cuts[i + 1]) for i in range(0, len(cuts) - 1, 2) if cuts[i + 1] > cuts[i]]
    pieces = [part for start, end in pieces for part in _split_at_and(norm, refs, start, end)]
    result: list[Clause] = []
    pending: tuple[int, int] | None = None
    for start, end in pieces:
        if pending is not None:
            start = pending[0]
            pending = None
        clause = Clause(norm, start, end, [r for r in refs if start <= r.start and r.end <= end])
        if not clause.text.strip():
            continue
        if clause.refs and _FILLER_ONLY.match(clause.masked):
            pending = (start, end)
            continue
        result.append(clause)
    if pending is not None:
        result.append(Clause(norm, pending[0], pending[1], [r for r in refs if pending[0] <= r.start < pending[1]]))
    return result


# -- reading ----------------------------------------------------------------------------------


def seconds_in(text: str) -> float | None:
    """A length in the original ``text``: the planner's reading, else the CJK units it lacks."""
    found = find_duration(planner_form(text))
    if found is not None:
        return found
    norm = normalise(text).text
    total = None
    for pattern, unit in ((edits.SECONDS_LATIN, 1.0), (edits.SECONDS_CJK, 1.0), (edits.MINUTES_CJK, 60.0)):
        for match in re.finditer(pattern, norm):
            raw = match.group(1).replace(",", ".")
            value = float(raw) if raw[0].isdigit() else _number(raw)
            if value is not None:
                total = (total or 0.0) + float(value) * unit
    return total


def camera_in(text: str) -> str | None:
    found = find_camera(planner_form(text))
    if found:
        return found
    norm = normalise(text).text
    return next((camera for pattern, camera in edits.EXTRA_CAMERAS if re.search(pattern, norm)), None)


def platforms_in(text: str) -> list[str]:
    found = find_platforms(planner_form(text))
    norm = normalise(text).text
    for pattern, platform in edits.EXTRA_PLATFORMS:
        if re.search(pattern, norm) and platform not in found:
            found.append(platform)
    for pattern, platform in edits.EXTRA_ASPECTS:
        aspect = words.ASPECTS[platform]
        if re.search(pattern, norm) and aspect not in {words.ASPECTS[p] for p in found}:
            found.append(platform)
    return found


_EDIT_WORDS = re.compile(
    "|".join(
        [
            edits.SLOWER, edits.FASTER, edits.LONGER, edits.SHORTER, edits.TAKE, edits.FILLER,
            *(p for p, _ in words.CAMERA_PATTERNS), *(p for p, _ in edits.EXTRA_CAMERAS),
            *(s.pattern for s in edits.STYLE_CHANGES), edits.SECONDS_CJK, edits.MINUTES_CJK,
            rf"\b\d+(?:[.,]\d+)?\s*(?:{_UNITS})\b", r"\b(?:should|must|will|be|it|is|more|less|a bit|un poco|un peu)\b",
        ]
    )
)  # fmt: skip


def _length_factor(norm: str) -> float | None:
    for name, factor in (("HALF", 0.5), ("TWICE", 2.0), ("LONGER", 1.5), ("SHORTER", 2 / 3)):
        if _P[name].search(norm):
            return factor
    return None


def meaningful(text: str) -> bool:
    """Does ``text`` say what to show, beyond lengths, camera and edit words?"""
    rest = _EDIT_WORDS.sub(" ", normalise(text).text)
    letters = re.findall(r"\w", rest)
    return sum(2 if edits.is_cjk(char) else 1 for char in letters) >= 3  # "日落" says as much as "sunset"


def _tidy(text: str) -> str:
    text = _TRAILING.sub("", text.strip())
    text = _LEADING.sub("", text)
    return text.strip(" \"'“”「」『』‘’«»„.,;:!?。、").strip()


def _quoted(original: str) -> str | None:
    for pattern in (_QUOTE_PAIRED, _QUOTE_STRICT):
        match = pattern.search(original)
        if match and match.group("q").strip():
            return match.group("q").strip()
    return None


class Reader:
    """Reads one follow-up for a plan of ``count`` shots; ``images`` are the ones sent with it."""

    def __init__(self, text: str, count: int, lang: str, images: list[str] | None = None) -> None:
        self.norm = normalise(text)
        self.count = count
        self.lang = lang
        self.images = list(images or [])
        blanked = re.sub(edits.NOT_A_SHOT, lambda m: " " * len(m.group(0)), self.norm.text)
        self.norm = Normalised(self.norm.original, blanked, self.norm.positions)
        self.refs = find_refs(self.norm.text, lang)
        self.reading = Reading(lang=lang)
        self._whole_text: list[str] = []  # original pieces that speak about the whole video

    def indices(self, refs: list[Ref]) -> list[int]:
        found: list[int] = []
        for ref in refs:
            for number in ref.numbers:
                found.extend(range(self.count) if number == ALL else [resolve(number, self.count, self.lang)])
        return list(dict.fromkeys(found))

    def next_image(self) -> str | None:
        if self.reading.images_used < len(self.images):
            self.reading.images_used += 1
            return self.images[self.reading.images_used - 1]
        return None

    def read(self) -> Reading:
        for clause in clauses(self.norm, self.refs, self.lang):
            self.read_clause(clause)
        self.read_whole(" ".join(self._whole_text), self.norm.text)
        return self.reading

    # -- one clause --------------------------------------------------------------------------

    def read_clause(self, clause: Clause) -> None:
        for step in (
            self.caption,
            self.split,
            self.merge,
            self.swap,
            self.reverse,
            self.remove,
            self.replace,
            self.add,
            self.move,
            self.keep,
        ):
            if step(clause):
                return
        if clause.refs:
            self.shot_edits(clause)
        else:
            self._whole_text.append(clause.original())

    def _op_refs(self, clause: Clause) -> list[Ref]:
        """The references an operation acts on: all but the anchors of "before/after shot N"."""
        masked = clause.masked
        anchors = set()
        for pattern in (_BEFORE_REF, _AFTER_REF, _BETWEEN_REF):
            for match in pattern.finditer(masked):
                span = match.span("ref") if match.group("ref") else match.span("cref")
                anchors.add(clause.ref_at(span[0]))
        return [ref for ref in clause.refs if ref not in anchors]

    def _rest_is_whole(self, clause: Clause, *spans: tuple[int, int]) -> None:
        """The words of an operation's clause that are not the operation ("..., and make it vertical")."""
        chars = list(clause.original())
        masked = clause.masked
        for i, char in enumerate(masked):
            if char == MARK:
                chars[i] = " "
        for start, end in spans:
            for i in range(start, min(end, len(chars))):
                chars[i] = " "
        self._whole_text.append("".join(chars))

    def caption(self, clause: Clause) -> bool:
        masked = clause.masked
        if not _P["CAPTION_WORDS"].search(masked):
            return False
        linked = bool(clause.refs) and (
            _CAPTION_LINK_AFTER.search(masked) is not None or _CAPTION_LINK_BEFORE.search(masked) is not None
        )
        original = clause.original()
        quoted = _quoted(original)
        if not linked and quoted is None:
            if _P["CAPTIONS_ON"].search(masked) or _P["CAPTIONS_OFF"].search(masked):
                return False  # "add captions": the whole video's captions, read with the rest
            new_words = self._caption_words(clause)
            if new_words is None:
                return False
        targets = self.indices(clause.refs) if linked else []
        if linked and _P["REMOVE"].search(masked) and quoted is None and not self._caption_words(clause):
            self.reading.ops.append(Op("caption", targets=targets, caption=None))
            return True
        text = quoted if quoted is not None else self._caption_words(clause)
        if not text:
            raise InputError(reply("caption_text", self.lang))
        if len(text) > 200:
            raise InputError(f"a caption may be at most 200 characters; this one has {len(text)}.")
        self.reading.ops.append(Op("caption", targets=targets, caption=text))
        return True

    def _caption_words(self, clause: Clause) -> str | None:
        masked = clause.masked
        for pattern in (_CAPTION_TO_JA, _CAPTION_TO_KO, _CAPTION_TO_ZH, _CAPTION_TO_LATIN):
            match = pattern.search(masked)
            if match:
                words_ = _tidy(clause.original(*match.span("t")))
                if words_ and not _P["CAPTIONS_ON"].fullmatch(words_.lower()):
                    return words_
        return None

    def split(self, clause: Clause) -> bool:
        if not clause.refs or not _P["SPLIT"].search(clause.masked):
            return False
        parts = next((n for pattern, n in edits.SPLIT_PARTS.items() if re.search(pattern, clause.masked)), 2)
        self.reading.ops.append(Op("split", targets=self.indices(clause.refs), parts=parts))
        self._rest_is_whole(clause, *(m.span() for m in _P["SPLIT"].finditer(clause.masked)))
        return True

    def merge(self, clause: Clause) -> bool:
        if not _P["MERGE"].search(clause.masked):
            return False
        targets = self.indices(clause.refs)
        if len(targets) < 2:
            if clause.refs:
                raise InputError(reply("two_shots", self.lang))
            return False
        self.reading.ops.append(Op("merge", targets=targets))
        self._rest_is_whole(clause, *(m.span() for m in _P["MERGE"].finditer(clause.masked)))
        return True

    def swap(self, clause: Clause) -> bool:
        masked = clause.masked
        strong = _P["SWAP"].search(masked) is not None
        weak = _SWAP_WEAK.search(masked) is not None and not _P["CAPTION_WORDS"].search(masked)
        if not (strong or weak):
            return False
        targets = self.indices(clause.refs)
        if len(targets) != 2:
            if strong and clause.refs:
                raise InputError(reply("two_shots", self.lang))
            return False
        self.reading.ops.append(Op("swap", targets=targets))
        self._rest_is_whole(clause, *(m.span() for m in _P["SWAP"].finditer(masked)))
        return True

    def reverse(self, clause: Clause) -> bool:
        match = _P["REVERSE"].search(clause.masked)
        if not match:
            return False
        self.reading.ops.append(Op("reverse"))
        self._rest_is_whole(clause, match.span())
        return True

    def remove(self, clause: Clause) -> bool:
        match = _P["REMOVE"].search(clause.masked)
        refs = self._op_refs(clause)
        if not match or not refs:
            return False
        self.reading.ops.append(Op("remove", targets=self.indices(refs)))
        self._rest_is_whole(clause, match.span())
        return True

    def replace(self, clause: Clause) -> bool:
        """ "replace shot 2 with a sunset over the sea"."""
        masked = clause.masked
        verb = _P["REPLACE"].search(masked)
        if not verb or len(clause.refs) != 1:
            return False
        ref_end = clause.refs[0].end - clause.start
        with_ = re.compile(edits.REPLACE_WITH).search(masked, ref_end)
        if not with_:
            return False
        content = _tidy(clause.original(with_.end()))
        if not meaningful(content):
            return False
        edit = ShotEdit(prompt=content[: Limits.MAX_PROMPT_CHARS])
        self.reading.ops.append(Op("edit", targets=self.indices(clause.refs), edit=edit))
        return True

    def position(self, clause: Clause) -> tuple[Position | None, list[tuple[int, int]]]:
        """Where a clause puts a shot, and the spans of the words that said so."""
        masked = clause.masked
        for pattern, where in ((_BETWEEN_REF, "after"), (_BEFORE_REF, "before"), (_AFTER_REF, "after")):
            match = pattern.search(masked)
            if match:
                span = match.span("ref") if match.group("ref") else match.span("cref")
                anchor = self.indices([clause.ref_at(span[0])])[0]
                return Position(where, anchor), [match.span()]  # type: ignore[arg-type]
        # the last one said wins: "add a shot of the first snow at the end"
        found = [
            (m, where) for name, where in (("AT_START", "start"), ("AT_END", "end")) for m in _P[name].finditer(masked)
        ]
        if not found:
            return None, []
        match, where = max(found, key=lambda item: item[0].start())
        return Position(where), [match.span()]  # type: ignore[arg-type]

    def add(self, clause: Clause) -> bool:
        masked = clause.masked
        verb = _P["ADD"].search(masked)
        if not verb:
            return False
        free_noun = _FREE_NOUN.search(masked)
        position, spans = self.position(clause)
        if free_noun is None and position is None:
            return False
        if self._op_refs(clause):
            return False  # "add a pan to shot 2": a change to shot 2
        content = self._add_content(clause, verb.span(), free_noun.span() if free_noun else None, spans)
        bare = re.sub(
            rf"\b(?:{edits.NEW_SHOT_WORDS}|{edits.ARTICLES}|{edits.LATIN_NOUN})\b", " ", normalise(content).text
        )
        if len(re.findall(r"\w", bare)) < 2:
            raise InputError(reply("add_content", self.lang))
        image = self.next_image() if self.images and _P["IMAGE_WORDS"].search(masked) else None
        self.reading.ops.append(
            Op(
                "add",
                position=position or Position("end"),
                prompt=content[: Limits.MAX_PROMPT_CHARS],
                duration_s=seconds_in(clause.original()),
                camera=camera_in(content),
                image=image,
            )
        )
        return True

    def _add_content(
        self,
        clause: Clause,
        verb: tuple[int, int],
        noun: tuple[int, int] | None,
        positions: list[tuple[int, int]],
    ) -> str:
        masked = clause.masked
        cjk = any(edits.is_cjk(char) for char in masked)
        if not cjk:
            start = noun[1] if noun else verb[1]
            after_noun = re.compile(
                r"\s*(?::|(?:of|showing|with|featuring|where|in which|that shows|de|del|de la|de las|de los|con|que muestre"
                r"|du|des|avec|qui montre|von|mit|die|der|das|di|della|dello|delle|degli|che mostra|do|da|dos|das|com"
                r"|que mostre|mostrando)\b)"
            ).match(masked, start)
            if after_noun:
                start = after_noun.end()
            elif noun is None:
                article = re.compile(rf"\s*(?:{edits.NEW_SHOT_WORDS}|{edits.ARTICLES})?\b").match(masked, start)
                start = article.end() if article else start
            ends = [s for s, _ in positions if s >= start] + [len(masked)]
            content = clause.original(start, min(ends))
            if noun is not None and noun[0] > verb[1] and not after_noun:
                # "add a closing shot of ..." reads above; "add the shoes on a rock as a new shot" here
                content = clause.original(verb[1], noun[0])
            return _tidy(re.sub(rf"\s*\b(?:{edits.NEW_SHOT_WORDS})\s*$", "", content))
        keep = [True] * len(masked)
        for start, end in [verb, *(positions or [])] + [m.span() for m in _CJK_ADD_NOISE.finditer(masked)]:
            for i in range(start, min(end, len(keep))):
                keep[i] = False
        pieces, current = [], []
        for i, kept in enumerate(keep):
            if kept:
                current.append(i)
            elif current:
                pieces.append(current)
                current = []
        if current:
            pieces.append(current)
        texts = [_tidy(clause.original(piece[0], piece[-1] + 1)) for piece in pieces]
        texts = [text for text in texts if len(re.findall(r"\w", text)) >= 1]
        return max(texts, key=len) if texts else ""

    def move(self, clause: Clause) -> bool:
        movers = self._op_refs(clause)
        position, spans = self.position(clause)
        if len(movers) != 1 or len(movers[0].numbers) != 1 or position is None:
            return False
        if not _P["MOVE"].search(clause.masked):
            # no verb: only "shot 3 to the start", nothing else in the clause
            rest = list(clause.masked)
            for start, end in spans:
                rest[start:end] = " " * (end - start)
            if not _FILLER_ONLY.match("".join(rest)):
                return False
        self.reading.ops.append(Op("move", targets=self.indices(movers), position=position))
        self._rest_is_whole(clause, *spans, *(m.span() for m in _P["MOVE"].finditer(clause.masked)))
        return True

    def keep(self, clause: Clause) -> bool:
        match = _P["KEEP"].search(clause.masked)
        if not match or not clause.refs:
            return False
        self.reading.ops.append(Op("keep", targets=self.indices(clause.refs)))
        self._rest_is_whole(clause, match.span())
        return True

    # -- changes to named shots --------------------------------------------------------------

    def shot_edits(self, clause: Clause) -> None:
        """ "shot 2 should pan left, the last shot 4 seconds": the words after each reference are its
        changes; words before the first reference speak for the whole video (unless they end in
        "for"/"of"...: "4 seconds for shot 2")."""
        masked = clause.masked
        refs = clause.refs
        first = refs[0].start - clause.start
        prefix = masked[:first]
        owned = bool(_OWNING_PREFIX.search(prefix)) or not prefix.strip()
        if not owned:
            self._whole_text.append(clause.original(0, first))
        for i, ref in enumerate(refs):
            start = 0 if (i == 0 and owned) else ref.end - clause.start
            end = refs[i + 1].start - clause.start if i + 1 < len(refs) else len(masked)
            segment = clause.original(start, end).replace(
                clause.original(ref.start - clause.start, ref.end - clause.start), " "
            )
            edit = self.edit_of(segment, clause)
            if edit.any():
                self.reading.ops.append(Op("edit", targets=self.indices([ref]), edit=edit))

    def edit_of(self, segment: str, clause: Clause) -> ShotEdit:
        norm = normalise(segment).text
        edit = ShotEdit(camera=camera_in(segment), duration_s=seconds_in(segment))
        if _P["SLOWER"].search(norm):
            edit.speed = "slow"
        elif _P["FASTER"].search(norm):
            edit.speed = "fast"
        edit.length_factor = _length_factor(norm)
        edit.take = _P["TAKE"].search(norm) is not None
        if _P["FROM_TEXT"].search(norm):
            edit.from_text = True
        elif self.images and (
            _P["IMAGE_WORDS"].search(clause.masked) or _P["USE"].search(clause.masked) or not edit.any()
        ):
            edit.image = self.next_image()
        elif _P["IMAGE_WORDS"].search(norm) and _P["USE"].search(clause.masked):
            raise InputError(reply("need_image", self.lang, shot=self.indices(clause.refs[:1])[0] + 1))
        edit.prompt = self._shown(segment)
        return edit

    def _shown(self, segment: str) -> str | None:
        norm = normalise(segment)
        after = _P["SHOW_AFTER"].search(norm.text)
        content = None
        if after:
            content = norm.original_span(after.end(), len(norm.text))
        else:
            before = _P["SHOW_BEFORE"].search(norm.text)
            if before and before.start() > 0:
                content = norm.original_span(0, before.start())
        if content is None:
            return None
        content = _tidy(content)
        return content[: Limits.MAX_PROMPT_CHARS] if meaningful(content) else None

    # -- the whole video ---------------------------------------------------------------------

    def read_whole(self, text: str, everything: str) -> None:
        whole = self.reading.whole
        norm = normalise(text).text
        whole.take = _P["TAKE"].search(norm) is not None
        whole.total_s = seconds_in(text)
        whole.length_factor = _length_factor(norm)
        if _P["SLOWER"].search(norm):
            whole.speed = "slow"
        elif _P["FASTER"].search(norm):
            whole.speed = "fast"
        whole.camera = camera_in(text)
        whole.platforms = platforms_in(text)
        if whole.platforms:
            whole.add_platforms = _P["ALSO"].search(everything) is not None and not _P["ONLY"].search(everything)
        if _P["CAPTIONS_OFF"].search(norm) or re.search(words.NO_CAPTION_PATTERN, norm):
            whole.captions = False
        elif _P["CAPTIONS_ON"].search(norm) or re.search(words.CAPTION_PATTERN, norm):
            whole.captions = True
        chosen: dict[str, edits.StyleChange] = {}
        for change in edits.STYLE_CHANGES:
            if re.search(change.pattern, norm):
                chosen[change.aspect] = change
        whole.styles = list(chosen.values())
        if not whole.styles:
            whole.free_style = self._free_style(text)

    def _free_style(self, text: str) -> str | None:
        norm = normalise(text)
        after = re.search(edits.STYLE_FREE_AFTER, norm.text)
        words_ = _tidy(norm.original_span(after.end(), len(norm.text))) if after else ""
        if not words_:
            before = re.search(edits.STYLE_FREE_BEFORE, norm.text)
            if not before or before.start() == 0 or meaningful(norm.original_span(before.end(), len(norm.text))):
                return None
            words_ = _tidy(norm.original_span(0, before.start()))
            words_ = re.sub(
                r"^(?:(?:make|use|in|a|an|it|the|with|give it|go)\b\s*|(?:を|で|に|用|改成|换成|으로|로)\s*)+",
                "",
                words_,
                flags=re.I,
            )
        return words_[:120] if len(re.findall(r"\w", words_)) >= 3 else None
