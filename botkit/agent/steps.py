"""Instructions in a request, one per training shot: a numbered list ("1. Unplug it 2. Wait"), one per
line, "first ..., then ..., finally ..." in the Latin-script languages, 第一步/ステップ1/1단계 lists
and 首先…然后…最后, まず…次に…最後に, 먼저…다음으로…마지막으로."""

from __future__ import annotations

import re

_NUMBERED = re.compile(r"(?:^|(?<=[\s：:，,。；;]))\d{1,2}[.)．](?!\d)\s*(?=\S)|[①②③④⑤⑥⑦⑧⑨⑩⑪⑫]\s*")
_CJK_NUMBERED = re.compile(
    r"第\s*(?:[一二三四五六七八九十]{1,3}|\d{1,2})\s*步\s*[:：,，、]?\s*"
    r"|(?:ステップ|手順)\s*\d{1,2}\s*[:：,，、.]?\s*|\d{1,2}\s*(?:단계|번째 단계)\s*[:：,，.)]?\s*"
)
_THEN = re.compile(
    r";|,?\s+(?:and then|then|after that|finally|luego|despues|después|y por ultimo|y por último|por último|finalmente|puis|ensuite"
    r"|enfin|dann|danach|zum schluss|poi|quindi|infine|depois|em seguida|por fim)\s+"
    r"|[，,、;；。]?\s*(?:然后|然後|接着|接著|再|最后|最後|その後|次に|それから|最後に|そして|다음으로|그다음|그 다음|그리고|마지막으로)\s*[，,、]?\s*",
    re.IGNORECASE,
)
_FIRST = re.compile(
    r"^\s*(?:first|firstly|primero|d'abord|tout d'abord|zuerst|erstens|prima|primeiro|首先|先|まず|먼저|우선)\s*[,，、]?\s*",
    re.IGNORECASE,
)


def steps_start(folded: str) -> int:
    """Where a list of steps begins (the end of the text when there is none): lengths inside
    steps ("2. wait ten seconds") are not the video's length."""
    for pattern in (_NUMBERED, _CJK_NUMBERED):
        found = list(pattern.finditer(folded))
        if len(found) >= 2:
            return found[0].start()
    if len([line for line in folded.splitlines()[1:] if line.strip("-*• ").strip()]) >= 2:
        return folded.find("\n")
    return len(folded)


def head(text: str, found: list[str]) -> str:
    """The request before its list of steps ("how to reset the router"), without the list's opening."""
    if not found or found[0] not in text:
        return ""
    before = text.split(found[0], 1)[0]
    before = _CJK_NUMBERED.sub("", before)
    before = re.sub(r"(?:^|(?<=[\s：:，,。；;]))\d{1,2}[.)．]\s*$|[①②③④⑤⑥⑦⑧⑨⑩⑪⑫]\s*$", "", before)
    before = re.sub(
        r"(?i)[\s,，、:：]*(?:first|firstly|primero|d'abord|tout d'abord|zuerst|erstens|prima|primeiro|首先|まず|먼저|우선)\s*[,，、]?\s*$",
        "",
        before,
    )
    return _FIRST.sub("", before).strip()


def find_steps(text: str) -> list[str]:
    """Instructions written as a numbered list, lines, or "first ..., then ..."."""
    for pattern in (_NUMBERED, _CJK_NUMBERED):
        parts = pattern.split(text)
        if len(parts) > 2:
            return [s.strip(" ;,.，。；、") for s in parts[1:] if s.strip(" ;,.，。；、")]
    lines = [line.strip("-*• ").strip() for line in text.splitlines()[1:] if line.strip("-*• ").strip()]
    if len(lines) >= 2:
        return lines
    colon = re.search(r"[:：]", text)
    after = text[colon.end() :] if colon else text
    first = _FIRST.search(after) if not colon else None
    if colon is None and first is None:
        # "首先烧水，然后放茶叶，最后倒水": a 首先/まず/first list without a colon
        first = re.search(
            r"(?:first|primero|d'abord|zuerst|prima|primeiro|首先|まず|먼저)\s*[,，、]?\s*", text, re.IGNORECASE
        )
        if first is None:
            return []
        after = text[first.start() :]
    after = _FIRST.sub("", after)
    parts = [p.strip(" .。，,、") for p in _THEN.split(after)]
    parts = [p for p in parts if p]
    return parts if len(parts) >= 2 else []
