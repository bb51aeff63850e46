"""The user's uploads placed on a plan's shots: videos become footage shots, photos stay image
shots; in order, unless the words place them ("use my clip as the opening", "the photo of the red
one for shot 2", "end on my video"). Also the words for joins ("cross-fade", "dip to black",
"wipe", "slide") and for footage ("keep the sound", "half speed").

Runs after any planner (offline or LLM) on the plan it made, so both place media alike. Pure:
plan + uploads + text -> plan.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from botkit.domain import Limits, Shot, ShotKind, ShotMode, ShotPlan
from botkit.errors import InputError

UploadKind = Literal["image", "video"]


class Upload(BaseModel):
    """One file the user sent with the request, as stored (``path`` in the asset store)."""

    model_config = ConfigDict(extra="forbid")

    path: str
    kind: UploadKind
    name: str = Field(default="", description="the file's own name, for words that pick it")
    duration_s: float | None = Field(default=None, gt=0, description="a video's length")
    has_audio: bool = False


_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "one": 1, "two": 2,
    "three": 3, "four": 4, "five": 5, "six": 6,
}  # fmt: skip
_IMAGE_WORDS = r"(?:photo|picture|image|pic|shot of|panel|still)s?"
_VIDEO_WORDS = r"(?:clip|video|footage|recording)s?"
_SHOT_NUMBER = r"(?:shot|scene)\s*(?:#|no\.?\s*)?(\d{1,2}|" + "|".join(_ORDINALS) + r")"
_FIRST = r"(?:opening|opener|intro|start|beginning|first shot|first scene)"
_LAST = r"(?:ending|end|close|closing shot|last shot|final shot|outro)"
_STOP = {"the", "a", "an", "of", "my", "our", "your", "with", "one", "this", "that", "and", "in", "on", "for", "to"}

TRANSITION_WORDS: list[tuple[str, str]] = [
    (r"dip(?:s|ping)? to black|fade(?:s|d)? (?:to|through) black|fade to black", "dip-black"),
    (r"dip(?:s|ping)? to white|fade(?:s|d)? (?:to|through) white|flash(?:es)? to white", "dip-white"),
    (r"cross[- ]?fad(?:e|es|ing)|dissolv(?:e|es|ing)|blend(?:s|ing)? between", "crossfade"),
    (r"wipe(?:s|ing)? (?:from (?:the )?right|to the left|left)", "wipe-left"),
    (r"wipe(?:s|ing)? (?:from (?:the )?left|to the right|right)", "wipe-right"),
    (r"wipe(?:s|ing)? (?:up|upwards)", "wipe-up"),
    (r"wipe(?:s|ing)? down", "wipe-down"),
    (r"wipes?\b", "wipe-left"),
    (r"slide(?:s|ing)? (?:from (?:the )?left|to the right|right)", "slide-right"),
    (r"slide(?:s|ing)? (?:up|upwards)", "slide-up"),
    (r"slide(?:s|ing)? down", "slide-down"),
    (r"slide(?:s|ing)? (?:from (?:the )?right|to the left|left)|slides?\b(?! ?show)", "slide-left"),
    (r"hard cuts?|just cuts?|no transitions?", "cut"),
]
_SECONDS = r"(\d+(?:[.,]\d+)?)\s*(?:s|sec|secs|second|seconds)\b"


def _number(word: str) -> int:
    return int(word) if word.isdigit() else _ORDINALS[word]


def transition_words(text: str) -> tuple[str, float | None] | None:
    """(kind, seconds or None) the words ask for between shots, or None."""
    folded = text.lower()
    for pattern, kind in TRANSITION_WORDS:
        found = re.search(pattern, folded)
        if found:
            window = folded[max(0, found.start() - 30) : found.end() + 30]
            seconds = re.search(_SECONDS, window)
            near = None
            if seconds and "video" not in window[seconds.end() : seconds.end() + 8]:
                near = float(seconds.group(1).replace(",", "."))
            return kind, near
    return None


def _name_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in _STOP and len(w) > 1}


def _placements(text: str, uploads: list[Upload], count: int) -> dict[int, int]:
    """{upload index: shot index} the words ask for."""
    folded = text.lower()
    placed: dict[int, int] = {}
    for kind, nouns in (("video", _VIDEO_WORDS), ("image", _IMAGE_WORDS)):
        candidates = [i for i, upload in enumerate(uploads) if upload.kind == kind]
        if not candidates:
            continue
        clause = rf"\b{nouns}\b((?:\s+(?!as\b|for\b|in\b|at\b)[\w'-]+){{0,6}}?)\s+(?:as|for|in|at|to)\s+(?:the\s+|my\s+|our\s+)?"
        for found in re.finditer(clause + rf"({_SHOT_NUMBER}|{_FIRST}|{_LAST})", folded):
            words, target = found.group(1), found.group(2)
            number = re.match(_SHOT_NUMBER, target)
            if number:
                shot = _number(number.group(1)) - 1
            elif re.fullmatch(_FIRST, target):
                shot = 0
            else:
                shot = count - 1
            wanted = _name_words(words)
            free = [i for i in candidates if i not in placed]
            named = [i for i in free if wanted & _name_words(uploads[i].name)]
            pick = (named or free or [-1])[0]
            if pick >= 0 and 0 <= shot < count:
                placed[pick] = shot
        if re.search(
            rf"(?:open|start|begin)\w*\s+(?:\w+\s+){{0,2}}(?:with|on)\s+(?:the\s+|my\s+|our\s+)?{nouns}", folded
        ):
            free = [i for i in candidates if i not in placed]
            if free and 0 not in placed.values():
                placed[free[0]] = 0
        if re.search(
            rf"(?:end|finish|close)\w*\s+(?:\w+\s+){{0,2}}(?:with|on)\s+(?:the\s+|my\s+|our\s+)?{nouns}", folded
        ):
            free = [i for i in candidates if i not in placed]
            if free and count - 1 not in placed.values():
                placed[free[0]] = count - 1
    return placed


def _speed(text: str) -> float:
    folded = text.lower()
    if re.search(r"slow[- ]?mo(?:tion)?|half[- ]speed|half as fast", folded):
        return 0.5
    if re.search(r"(?:twice as fast|double speed|2x speed|sped up|speed(?:ed)? up)", folded):
        return 2.0
    return 1.0


def keep_audio_words(text: str) -> bool:
    folded = text.lower()
    if re.search(r"\b(?:mute|no sound|without (?:the )?(?:sound|audio)|silent)\b", folded):
        return False
    return bool(
        re.search(
            r"\b(?:keep|with|use)\s+(?:the\s+|its\s+|my\s+|our\s+)?(?:own\s+)?(?:original\s+)?(?:sound|audio)\b", folded
        )
    )


def assign_media(
    plan: ShotPlan, uploads: list[Upload], text: str, *, default_transition: tuple[str, float] | None = None
) -> ShotPlan:
    """``plan`` with every upload on a shot: videos as footage (their length caps the shot's),
    photos as image shots; placed by the words, the rest in order on the free shots; then the
    joins the words ask for (else the skill's ``default_transition``, on a new plan). Raises
    ``InputError`` when there are more uploads than shots."""
    transition = transition_words(text)
    if transition is None and default_transition is not None and default_transition[0] != "cut":
        transition = default_transition
    if not uploads and transition is None:
        return plan
    shots = [shot.model_copy() for shot in plan.shots]
    count = len(shots)
    if len(uploads) > count:
        raise InputError(f"{len(uploads)} files were sent but the plan has {count} shots; ask for more shots")
    known = {upload.path for upload in uploads}
    placed = _placements(text, uploads, count)
    slots: list[int | None] = [None] * count
    for upload_index, shot_index in placed.items():
        if slots[shot_index] is None:
            slots[shot_index] = upload_index
    for upload_index in range(len(uploads)):
        if upload_index in slots:
            continue
        free = next(i for i, used in enumerate(slots) if used is None)
        slots[free] = upload_index
    speed, keep_audio = _speed(text), keep_audio_words(text)
    notes = list(plan.notes)
    for index, (shot, slot) in enumerate(zip(shots, slots, strict=True)):
        base = {"image": None, "footage": None, "mode": ShotMode.TEXT_TO_VIDEO, "kind": ShotKind.GENERATED}
        if slot is None:
            if shot.image in known or shot.footage in known:  # the planner's upload moved elsewhere
                shots[index] = shot.model_copy(update=base)
            continue
        upload = uploads[slot]
        if upload.kind == "image":
            shots[index] = shot.model_copy(update={**base, "image": upload.path, "mode": ShotMode.IMAGE_TO_VIDEO})
            continue
        duration = shot.duration_s
        available = (upload.duration_s or duration) / speed
        if available < duration:
            duration = max(Limits.MIN_SHOT_S, round(available - 0.005, 2))
            if duration > available:
                raise InputError(
                    f"video {upload.name or upload.path!r} is {upload.duration_s:.2f} s long; a shot lasts at least "
                    f"{Limits.MIN_SHOT_S:g} s{' at that speed' if speed != 1 else ''}"
                )
            notes.append(f"shot {index + 1} lasts {duration:g} s: your clip is that long")
        shots[index] = shot.model_copy(update={
            **base, "kind": ShotKind.FOOTAGE, "footage": upload.path, "duration_s": duration, "speed": speed,
            "keep_audio": keep_audio and upload.has_audio, "camera": None,
        })  # fmt: skip
    if transition is not None:
        kind, seconds = transition
        for index in range(1, count):
            update: dict[str, object] = {"transition": kind}
            if seconds is not None:
                update["transition_s"] = min(3.0, seconds)
            shots[index] = shots[index].model_copy(update=update)
    data = plan.model_dump()
    data.update(
        shots=[Shot.model_validate(shot.model_dump()) for shot in shots],
        total_duration_s=round(sum(shot.duration_s for shot in shots), 2),
        notes=notes[:8],
    )
    return ShotPlan.model_validate(data)


def planning_text(text: str) -> str:
    """``text`` without the words that place media, pick joins or keep sound ("use my clip as the
    opening", "with cross-fades", "keep the sound"), so a planner does not take them for the subject."""
    folded = text
    target = rf"(?:{_SHOT_NUMBER}|{_FIRST}|{_LAST})"
    owner = r"(?:the\s+|my\s+|our\s+|this\s+|these\s+)"
    patterns = [
        rf"(?:,\s*)?(?:and\s+)?(?:use\s+)?{owner}?(?:{_VIDEO_WORDS}|{_IMAGE_WORDS})\b(?:\s+(?!as\b|for\b|in\b|at\b)[\w'-]+){{0,6}}?\s+(?:as|for|in|at)\s+{owner}?{target}",
        rf"(?:,\s*)?(?:and\s+)?(?:open|start|begin|end|finish|close)\w*\s+(?:\w+\s+){{0,2}}(?:with|on)\s+{owner}?(?:{_VIDEO_WORDS}|{_IMAGE_WORDS})\b",
        rf"(?:,\s*)?(?:and\s+)?(?:with\s+|use\s+)?(?:\d+(?:[.,]\d+)?\s*(?:s|sec|secs|second|seconds)\s+)?(?:{'|'.join(p for p, _ in TRANSITION_WORDS)})\w*(?:\s+(?:of\s+)?\d+(?:[.,]\d+)?\s*(?:s|sec|secs|second|seconds)\b)?(?:\s+between\s+(?:the\s+)?shots)?",
        r"(?:,\s*)?(?:and\s+)?\b(?:keep|with|use)\s+(?:the\s+|its\s+|my\s+|our\s+)?(?:own\s+)?(?:original\s+)?(?:sound|audio)\b(?:\s+of\s+(?:the\s+|my\s+)?(?:clip|video|footage))?",
        r"(?:,\s*)?(?:in\s+|at\s+)?(?:slow[- ]?mo(?:tion)?|half[- ]speed|double speed|twice as fast)",
    ]
    for pattern in patterns:
        folded = re.sub(pattern, "", folded, flags=re.IGNORECASE)
    folded = re.sub(r"\s+,", ",", re.sub(r"[ \t]{2,}", " ", folded)).strip(" ,;")
    return folded if re.search(r"[^\W_]", folded) else text
