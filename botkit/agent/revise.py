"""Plan revision from a follow-up message, as pure functions: (plan, follow-up) -> new plan.

Understood in English, Spanish, French and German: a new length ("make it 5 seconds"), platforms
added or replaced ("vertical for TikTok too", "only YouTube"), per-shot edits ("shot 2 should pan
left", "the last shot 4 seconds", "shot 3 slower", "shot 1 should show a sunrise"), captions on/off,
and another take (new seeds, for all shots or one). ``changed_shots`` says which shots of the new
plan must be rendered again; the rest reuse their clips (their render inputs are identical).
"""

from __future__ import annotations

import hashlib
import math
import re
from typing import Any

from botkit.agent import words
from botkit.agent.offline import clean_request, find_camera, find_duration, find_platforms
from botkit.agent.subject import STRONG_PREPOSITIONS, without_production_words
from botkit.domain import Limits, Shot, ShotPlan
from botkit.errors import InputError, PlanLimitError
from botkit.skills import SkillRegistry, SkillRequest

_ADD = r"\b(too|also|as well|additionally|tambien|ademas|aussi|egalement|en plus|auch|ebenfalls|zusatzlich)\b"
_ONLY = r"\b(only|just|instead|solo|solamente|en vez|seulement|uniquement|plutot|nur|stattdessen)\b"
_TAKE = (
    r"\b(another|new|different|one more) (take|version|try|variation)\b|\btry again\b|\bre-?roll\b|\bregenerate\b"
    r"|\b(otra|nueva) (toma|version)\b|\bde nuevo\b|\b(une )?autre (prise|version)\b|\bnouvelle (prise|version)\b"
    r"|\bnoch (ein|einen|eine) (take|versuch|version)\b|\b(neuer|anderer) (take|versuch)\b|\bneue version\b"
)
_SLOWER = r"\b(slower|more slowly|mas lent[oa]|mas despacio|plus lent\w*|langsamer)\b"
_FASTER = r"\b(faster|quicker|mas rapido|plus rapide\w*|schneller)\b"
_SHOT_NOUN = words.SHOT_NOUN_PATTERN
_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "last": -1,
    "primer": 1, "primera": 1, "primero": 1, "segundo": 2, "segunda": 2, "tercer": 3, "tercera": 3, "ultimo": -1, "ultima": -1,
    "premier": 1, "premiere": 1, "deuxieme": 2, "seconde": 2, "troisieme": 3, "dernier": -1, "derniere": -1,
    "erste": 1, "ersten": 1, "zweite": 2, "zweiten": 2, "dritte": 3, "dritten": 3, "letzte": -1, "letzten": -1,
}  # fmt: skip
_SHOW = r"\b(?:should )?(?:show|shows|showing|depict|muestra|mostrar|debe mostrar|montre|montrer|doit montrer|zeigt|zeigen|soll)\s+(.+)$"


class UnclearRevision(InputError):
    """The follow-up asked for nothing ``revise`` understands; the message gives examples."""


class NewRequest(UnclearRevision):
    """The follow-up is about something else ("now one for our lamp"): plan it afresh."""


def names_new_subject(text: str) -> bool:
    """ "now one for our lamp", "hazlo sobre nuestro café": a new subject, not an edit of this plan."""
    rest = words.fold(without_production_words(text))
    return re.search(rf"{STRONG_PREPOSITIONS}(?!(?:it|this|that|the (?:video|clip|plan))\b)\w{{3,}}", rest) is not None


def _shot_clauses(folded: str, count: int) -> dict[int, str]:
    """{1: "should pan left"} (0-based) from "shot 2 should pan left, the last shot 4 seconds"."""
    ordinal = "|".join(sorted(_ORDINALS, key=len, reverse=True))
    marker = re.compile(
        rf"\b{_SHOT_NOUN}\s+(\d{{1,2}})\b|\b(?:the\s+|el\s+|la\s+|le\s+|die\s+|der\s+)?({ordinal})\s+{_SHOT_NOUN}\b"
    )
    # "a 5 second clip" is a length, not the second clip
    matches = [m for m in marker.finditer(folded) if m.group(1) or not re.search(r"\d\s*-?\s*$", folded[: m.start(2)])]
    clauses: dict[int, str] = {}
    for i, match in enumerate(matches):
        number = int(match.group(1)) if match.group(1) else _ORDINALS[match.group(2)]
        index = count - 1 if number == -1 else number - 1
        if not 0 <= index < count:
            raise InputError(f"the plan has shots 1-{count}; there is no shot {number}")
        end = matches[i + 1].start() if i + 1 < len(matches) else len(folded)
        clauses[index] = folded[match.end() : end].strip(" ,;.")
    return clauses


def new_seed(seed: int, salt: str = "take") -> int:
    """A different, deterministic seed for another take of a shot."""
    return int.from_bytes(hashlib.sha256(f"{seed}:{salt}".encode()).digest()[:4], "big") % 2**31


def rescale(shots: list[Shot], total: float) -> list[Shot]:
    """Shots fitted to a new total length, keeping their proportions (to 0.1 s; the last takes the rest)."""
    if total > Limits.MAX_TOTAL_S:
        raise PlanLimitError(f"{total:g} s is too long; a video may be at most {Limits.MAX_TOTAL_S:g} s.")
    count = min(len(shots), max(1, math.floor(total / Limits.MIN_SHOT_S)))
    shots = shots[:count]
    old_total = sum(shot.duration_s for shot in shots)
    durations = [max(Limits.MIN_SHOT_S, math.floor(shot.duration_s / old_total * total * 10) / 10) for shot in shots]
    durations[-1] = round(total - sum(durations[:-1]), 2)
    if durations[-1] < Limits.MIN_SHOT_S or max(durations) > Limits.MAX_SHOT_S:
        raise PlanLimitError(
            f"{len(shots)} shots cannot fill {total:g} s with {Limits.MIN_SHOT_S:g}-{Limits.MAX_SHOT_S:g} s each."
        )
    return [shot.model_copy(update={"duration_s": d}) for shot, d in zip(shots, durations, strict=True)]


def revise(
    plan: ShotPlan, request: str, skills: SkillRegistry | None = None, config: dict[str, Any] | None = None
) -> ShotPlan:
    """The plan changed as a follow-up asks. Raises ``UnclearRevision`` when nothing was understood,
    ``InputError``/``PlanLimitError`` when the change is outside the limits.

    With ``skills``, the plan's skill then adjusts the revision through its ``revise`` hook (with
    its per workspace ``config``); without, this is a pure function of its arguments.
    """
    text = clean_request(request)
    if len(text) > Limits.MAX_REQUEST_CHARS:
        raise InputError(
            f"the follow-up is {len(text):,} characters long; at most {Limits.MAX_REQUEST_CHARS:,} are allowed."
        )
    folded = words.fold(text)
    shots = list(plan.shots)
    update: dict[str, Any] = {}
    understood: list[str] = []

    clauses = _shot_clauses(folded, len(shots))
    if not clauses and names_new_subject(text):
        raise NewRequest("this reads as a new request, not a change to the current plan")
    outside = folded
    for index, clause in clauses.items():
        outside = outside.replace(clause, " ")
        changes: dict[str, Any] = {}
        camera = find_camera(clause)
        if camera:
            changes["camera"] = camera
        seconds = find_duration(clause)
        if seconds is not None:
            if not Limits.MIN_SHOT_S <= seconds <= Limits.MAX_SHOT_S:
                raise PlanLimitError(
                    f"shot {index + 1} cannot be {seconds:g} s; a shot is {Limits.MIN_SHOT_S:g}-{Limits.MAX_SHOT_S:g} s."
                )
            changes["duration_s"] = seconds
        base_camera = changes.get("camera", shots[index].camera) or "camera move"
        base_camera = re.sub(r"^(slow|fast) ", "", base_camera)
        if re.search(_SLOWER, clause):
            changes["camera"] = f"slow {base_camera}"
        elif re.search(_FASTER, clause):
            changes["camera"] = f"fast {base_camera}"
        show = re.search(_SHOW, clause)
        if show:
            start = folded.find(clause) + show.start(1)
            changes["prompt"] = (
                text[start : start + len(show.group(1))].strip(" .!")[: Limits.MAX_PROMPT_CHARS] or shots[index].prompt
            )
        if re.search(_TAKE, folded):  # "another take of shot 2": new seeds for the shots named
            changes["seed"] = new_seed(shots[index].seed)
        if changes:
            shots[index] = shots[index].model_copy(update=changes)
            understood.append(f"shot {index + 1}")

    if not clauses and re.search(_TAKE, folded):
        shots = [shot.model_copy(update={"seed": new_seed(shot.seed)}) for shot in shots]
        understood.append("another take")

    total = find_duration(outside)
    if total is not None:
        shots = rescale(shots, total)
        understood.append("length")

    platforms = find_platforms(outside)
    if platforms:
        if re.search(_ADD, folded) and not re.search(_ONLY, folded):
            platforms = list(dict.fromkeys([*plan.platforms, *platforms]))
        update["platforms"] = platforms
        understood.append("platforms")

    if re.search(words.NO_CAPTION_PATTERN, folded):
        update["captions"] = False
        understood.append("captions")
    elif re.search(words.CAPTION_PATTERN, folded):
        update["captions"] = True
        understood.append("captions")

    if not understood:
        raise UnclearRevision(
            'I could not tell what to change in the plan. Try: "make it 5 seconds", "vertical for TikTok too", '
            '"shot 2 should pan left" or "another take".'
        )
    shots = [shot.model_copy(update={"index": i}) for i, shot in enumerate(shots)]
    update["shots"] = shots
    update["total_duration_s"] = round(sum(shot.duration_s for shot in shots), 2)
    if update["total_duration_s"] > Limits.MAX_TOTAL_S:
        raise PlanLimitError(
            f"the shots add up to {update['total_duration_s']:g} s; a video may be at most {Limits.MAX_TOTAL_S:g} s."
        )
    revised = ShotPlan.model_validate(plan.model_copy(update=update).model_dump())  # re-check every invariant
    if skills is not None and plan.skill in skills:
        revised = skills.apply_revise(revised, SkillRequest(text=text), skills.config_for(plan.skill, config))
    return revised


def render_inputs(plan: ShotPlan, shot: Shot) -> dict[str, Any]:
    """What decides a shot's pixels, as far as the plan knows (the engine adds model, size, steps)."""
    return {
        "prompt": shot.prompt,
        "style": plan.style,
        "negative_prompt": shot.negative_prompt,
        "mode": shot.mode.value,
        "image": shot.image,
        "seed": shot.seed,
        "duration_s": shot.duration_s,
        "camera": shot.camera,
    }


def reusable_shots(old: ShotPlan, new: ShotPlan) -> dict[int, int]:
    """{new shot index: old shot index} for shots whose render inputs did not change."""
    by_inputs: dict[str, int] = {}
    for shot in old.shots:
        by_inputs.setdefault(repr(sorted(render_inputs(old, shot).items())), shot.index)
    reuse = {}
    for shot in new.shots:
        match = by_inputs.get(repr(sorted(render_inputs(new, shot).items())))
        if match is not None:
            reuse[shot.index] = match
    return reuse


def changed_shots(old: ShotPlan, new: ShotPlan) -> list[int]:
    """Indices of the new plan's shots that must be rendered again."""
    reuse = reusable_shots(old, new)
    return [shot.index for shot in new.shots if shot.index not in reuse]
