"""A description with several actions -> one piece per action, the subject carried into later ones:
"a knight enters a castle, draws his sword, faces a dragon" -> ["a knight enters a castle",
"the knight draws his sword", "the knight faces a dragon"].

No parser: a later piece is an action when it starts with a verb (by its ending or a short list
of common verbs, per language), and the subject is what comes before the first clause's verb.
Pieces that are not actions ("at night", "flashlight in hand", "夜の雨") stay with the action
before them; those before the first action or after the last apply to every shot.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from botkit.agent import words

_THEN_WORDS = (
    r"and then|then|next|afterwards|y luego|luego|despues|después|et puis|puis|ensuite|und dann|dann|danach|e poi|poi|quindi"
    r"|e depois|depois|em seguida|entao|então"
)
_CJK_THEN = (
    r"然后|然後|接着|接著|随后|隨後|之后|之後|そして|それから|次に|その後|그리고|그다음|그 다음|그런 다음|그런 뒤"
)
# separators between pieces; the ones with a "then" word order the pieces in time
_SPLIT = re.compile(
    rf"(\s*[;；。！？!?]\s*|(?<!\d)\.\s+|\s*[,，、]\s*(?:(?:{_THEN_WORDS}|and|y|et|und|e)\s+)?"
    rf"|\s+(?:{_THEN_WORDS})\s+|\s*(?:{_CJK_THEN})\s*[,，、]?\s*)",
    re.IGNORECASE,
)
_THEN = re.compile(rf"(?:^|[\s,，、])(?:{_THEN_WORDS})(?:\s|$)|{_CJK_THEN}", re.IGNORECASE)
_AND = re.compile(r"\s+(?:and|y|et|und|e)\s+")
_DETERMINERS = (
    r"(?:a|an|the|his|her|its|their|our|my|your|this|that|these|those|some|one|two|three|into|to|through|across|toward|towards"
    r"|up|down|left|right|away|out|in|on|off|over|under|at|with|from|around|back|onto|behind|past|along|by|for|it|him|them"
    r"|slowly|quickly|gently|suddenly|again|high|low|forward|forwards|backwards|inside|outside|open|closed|himself|herself"
    r"|itself|se|si|sich|s"
    r"|el|la|los|las|un|una|su|sus|en|por|con|hacia|a|al|del|de|sobre|entre|lentamente|rapidamente"
    r"|le|les|une|son|sa|ses|dans|vers|sur|avec|par|au|aux|du|des|lentement"
    r"|der|die|das|den|dem|ein|eine|einen|einem|sein|seine|seinen|ihr|ihre|in|im|auf|mit|durch|uber|zum|zur|nach|langsam"
    r"|il|lo|gli|uno|suo|sua|nel|nella|sul|sulla|verso|con|dal|dalla|lentamente"
    r"|o|os|as|um|uma|seu|sua|no|na|em|pelo|pela|para|com|devagar)"
)
_EN_NOT_VERB = frozenset(
    "glass grass class boss dress kiss lens bus gas plus less its his this yes always sometimes news series species "
    "physics gloves boots shoes jeans pants trousers glasses clothes sunglasses lights flowers colours colors trees "
    "mountains clouds waves stars leaves hills streets".split()
)
_EN_VERBS = frozenset(
    "run jump walk turn look smile wave spin fly fall rise sit stand open close pour cut chop mix stir add put take hold "
    "draw pick lift drop throw catch kick push pull climb swim dance sing eat drink enter leave face reach grab shake "
    "nod step move roll slide bounce float sink dive build make paint write read play ride drive fight chase race "
    "land launch hug kiss laugh cry watch wait sleep wake stretch bend kneel crawl shoot hit swing toss serve cook bake "
    "fry boil slice knead fold wrap plant water dig sweep clean wash dry light burn melt freeze grow bloom glow shine "
    "fade appear vanish explode crash break fix carry bring lead follow meet greet arrive depart cross pass enter "
    "exit unlock lock plug unplug press tap type scroll swipe hang tie lay set pack unpack open".split()
)
_ROMANCE_ENDING = {
    "es": r"(?:a|e|an|en)",
    "it": r"(?:a|e|ano|ono)",
    "pt": r"(?:a|e|am|em)",
    "fr": r"(?:e|t|d|ent|it)",
}
_REFLEXIVE = r"(?:se|si|s'|sich)"
_DEFINITE = {
    "en": {"a": "the", "an": "the"},
    "es": {"un": "el", "una": "la"},
    "it": {"un": "il", "uno": "lo", "una": "la"},
    "pt": {"um": "o", "uma": "a"},
    "fr": {"un": "le", "une": "la"},
}
_ZH_VERBS = (
    "走跑跳飞飛进進出拔拿打开開关關看望转轉举舉放扔抓接推拉坐站躺笑哭唱舞吃喝倒切搅攪煮炒洗穿戴骑騎游爬落升降划抛拋踢射挥揮冲衝追逃"
    "面穿越经經离離回停摇搖挂掛点點喂餵拥擁抱吻亲親追写寫画畫弹彈敲擦剪"
)
_JA_VERB_END = re.compile(
    r"(?:[るうくすつぬぶむぐ]|[てで]|[りきしいちみびぎ]|[ただ]|ます|ません|ている|ていく|てくる)$"
)
_KO_VERB_END = re.compile(r"(?:고|다|며|면서|서|는|ㄴ다|어|아|여|요|니다|한다|간다|온다|든다|른다|운다)$")


@dataclass(frozen=True)
class Scene:
    """The actions of a description, each a shot's content, and the words that apply to every shot."""

    actions: tuple[str, ...]
    common: str = ""
    pieces: tuple[str, ...] = ()
    """The description's comma-separated pieces (with ``common`` in each): the shots when the request
    asks for as many shots as it lists pieces ("3 shots: a bright office, a smiling team, a rising chart")."""


def _tokens(piece: str) -> list[str]:
    return re.findall(r"[\w'’-]+", piece)


def _is_verb_start(piece: str, language: str) -> bool:
    """A piece that starts with a verb and has no subject of its own: "draws his sword"."""
    tokens = _tokens(piece)
    if not tokens:
        return False
    first = tokens[0]
    folded = [words.fold(t) for t in tokens]
    after_ok = len(tokens) == 1 or re.fullmatch(_DETERMINERS, folded[1]) is not None
    if language == "en":
        # "stirs the soup", "chops onions"; not "waves crashing", "seagulls circling", "birds fly"
        following_ok = after_ok or (
            len(tokens) > 1 and not re.fullmatch(r"[a-z]+(?:ing|ed)", folded[1]) and folded[1] not in _EN_VERBS
        )
        if folded[0] in _EN_VERBS:
            return after_ok
        return (
            re.fullmatch(r"[a-z]{2,}(?:s|es|ed)", folded[0]) is not None
            and folded[0] not in _EN_NOT_VERB
            and not folded[0].endswith("ss")
            and following_ok
        )
    if language in _ROMANCE_ENDING:
        if re.fullmatch(_REFLEXIVE, folded[0]) and len(tokens) > 1:
            return True
        if re.match(r"^s'", folded[0]):
            return True
        ending = _ROMANCE_ENDING[language]
        not_verb = _NOT_VERB_ROMANCE - {"entre"} if language == "fr" else _NOT_VERB_ROMANCE
        return re.fullmatch(rf"[a-z]{{2,}}{ending}", folded[0]) is not None and after_ok and folded[0] not in not_verb
    if language == "de":
        return first[:1].islower() and re.fullmatch(r"[a-z]{2,}(?:t|en)", folded[0]) is not None and after_ok
    return False


_NOT_VERB_ROMANCE = frozenset(
    "una uno une este esta esse essa cette questa questo quella sobre entre hacia desde durante mientras mientre avec entre "
    "pendant devant derriere contre tarde noche noite notte nuit matin mattina manana".split()
)


def _has_own_verb(piece: str, language: str) -> bool:
    """A piece with its own subject and verb ("a dragon appears", "the sun sets behind the hills")."""
    tokens = _tokens(piece)
    for index in range(1, min(len(tokens), 6)):
        if re.fullmatch(_DETERMINERS, words.fold(tokens[index - 1])):
            continue
        candidate = words.fold(tokens[index])
        # a bare verb ("fly") only after a plural subject ("birds fly"): "kitchen light" is a noun
        if language == "en" and candidate in _EN_VERBS and not words.fold(tokens[index - 1]).endswith("s"):
            continue
        if _is_verb_start(" ".join(tokens[index:]), language):
            return True
    return False


def _subject_of(piece: str, language: str) -> str | None:
    """The words before the first verb of ``piece`` ("a knight" of "a knight enters a castle"), definite."""
    tokens = _tokens(piece)
    for index in range(1, min(len(tokens), 7)):
        if re.fullmatch(_DETERMINERS, words.fold(tokens[index - 1])):
            continue  # "a knight": a word after an article is a noun
        if _is_verb_start(" ".join(tokens[index:]), language):
            head = tokens[:index]
            if re.fullmatch(_REFLEXIVE, words.fold(head[-1])):
                head = head[:-1]
            if not head:
                return None
            article = _DEFINITE.get(language, {}).get(words.fold(head[0]))
            if article:
                head = [article if head[0].islower() else article.capitalize(), *head[1:]]
                if language in {"fr", "it"} and len(head) > 1 and re.match(r"[aeiouhàâéèêîôûAEIOUH]", head[1]):
                    head = [("L'" if head[0][0].isupper() else "l'") + head[1], *head[2:]]
                    return " ".join(head)
            return " ".join(head)
    return None


def _zh_action(piece: str) -> bool:
    return any(c in _ZH_VERBS for c in piece) or "着" in piece or "著" in piece


def _cjk_scene(pieces: list[str], language: str, forced: set[str] | None = None) -> Scene:
    forced = forced or set()
    if language.startswith("zh"):
        actions = [p for p in pieces if _zh_action(p) or p in forced]
        subjectless = [p for p in pieces[1:] if p and p[0] in _ZH_VERBS]
        main = pieces[0]
        match = re.match(r"^(.{1,8}?)(?=[" + _ZH_VERBS + "])", main)
        subject = match.group(1) if match and _zh_action(main) else None
    elif language == "ja":
        actions = [p for p in pieces if _JA_VERB_END.search(p) or p in forced]
        subjectless = [p for p in pieces[1:] if not re.search(r"[がは]", p)]
        match = re.match(r"^(.{1,12}?[がは])", pieces[0])
        subject = match.group(1) if match else None
    else:  # ko
        actions = [p for p in pieces if _KO_VERB_END.search(p.split()[-1] if p.split() else "") or p in forced]
        subjectless = [p for p in pieces[1:] if not re.search(r"[가-힣](?:이|가|은|는)(?:\s|$)", p)]
        match = re.match(r"^(\S+(?:이|가|은|는))(?=\s)", pieces[0])
        subject = match.group(1) if match else None
    if len(actions) < 2:
        return Scene(actions=("".join(_join_cjk(pieces)),))
    return _assemble(pieces, set(actions), set(subjectless), subject, cjk=True)


def _join_cjk(pieces: list[str]) -> list[str]:
    return ["，".join(pieces)] if pieces else []


def _assemble(pieces: list[str], actions: set[str], subjectless: set[str], subject: str | None, cjk: bool) -> Scene:
    joiner = "，" if cjk else ", "
    before: list[str] = []
    groups: list[list[str]] = []
    for piece in pieces:
        if piece in actions:
            text = piece
            if subject and piece in subjectless and piece is not pieces[0]:
                text = f"{subject}{'' if cjk and not re.match(r'[가-힣]', subject) else ' '}{piece}"
            groups.append([text])
        elif groups:
            groups[-1].append(piece)
        else:
            before.append(piece)
    # what follows the last action without being one is said of the whole scene ("at night")
    after: list[str] = []
    if groups and len(groups[-1]) > 1:
        after = groups[-1][1:]
        groups[-1] = groups[-1][:1]
    common = joiner.join(before + after)
    return Scene(actions=tuple(joiner.join(group) for group in groups), common=common)


def _pieces(text: str) -> tuple[list[str], set[int]]:
    """The pieces of ``text`` and the indices of those a "then" word put in order."""
    parts = _SPLIT.split(text)
    pieces: list[str] = []
    ordered: set[int] = set()
    then_before = False
    for index, part in enumerate(parts):
        if index % 2:  # a separator
            then_before = _THEN.search(part) is not None
            if then_before and pieces:
                ordered.add(len(pieces) - 1)
            continue
        piece = part.strip(" ,.;:")
        if piece:
            if then_before:
                ordered.add(len(pieces))
            pieces.append(piece)
        then_before = False
    return pieces, ordered


def split_scene(description: str, language: str) -> Scene:
    """The actions of ``description`` (content words only, one line) in order; one action when
    the description does not read as several. A short lead before a colon ("our ceramic mug: steam
    rises ...") is said of every shot."""
    text = description.strip()
    if not text:
        return Scene(actions=())
    lead, body = "", text
    colon = re.match(r"^([^:：]{2,80})[:：]\s*(\S.*)$", text, re.S)
    if colon and len(_tokens(colon.group(1))) <= 8:
        lead, body = colon.group(1).strip(), colon.group(2)
    scene = _split_body(body, language)
    cjk = language in {"ja", "zh-Hans", "zh-Hant"}
    joiner = "，" if cjk else ", "
    common = joiner.join(part for part in (lead, scene.common) if part)
    pieces, _ = _pieces(body)
    return Scene(
        actions=scene.actions,
        common=common,
        pieces=tuple(joiner.join(p for p in (lead, piece) if p) for piece in pieces) if len(pieces) > 1 else (),
    )


def _split_body(text: str, language: str) -> Scene:
    pieces, ordered = _pieces(text)
    if language in {"ja", "zh-Hans", "zh-Hant", "ko"}:
        if len(pieces) < 2:
            return Scene(actions=(text,))
        return _cjk_scene(pieces, language, {pieces[i] for i in ordered})
    # "draws his sword and faces a dragon": "and" joins two actions when a verb follows it
    expanded: list[str] = []
    forced: set[str] = set()
    for position, piece in enumerate(pieces):
        parts = _AND.split(piece)
        current = parts[0]
        for part in parts[1:]:
            if _is_verb_start(part, language):
                expanded.append(current)
                current = part
            else:
                current = f"{current} {_AND.search(piece).group(0).strip()} {part}"  # type: ignore[union-attr]
        expanded.append(current)
        if position in ordered:
            forced.add(current)
    pieces = expanded
    if len(pieces) < 2:
        return Scene(actions=(text,))
    main = pieces[0]
    subject = _subject_of(main, language)
    actions = {main} if subject or _has_own_verb(main, language) or main in forced else set()
    subjectless = set()
    for piece in pieces[1:]:
        if _is_verb_start(piece, language):
            actions.add(piece)
            subjectless.add(piece)
        elif _has_own_verb(piece, language) or piece in forced:
            actions.add(piece)
    if len(actions) < 2:
        return Scene(actions=(text,))
    return _assemble(pieces, actions, subjectless, subject, cjk=False)
