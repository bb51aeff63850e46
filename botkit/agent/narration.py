"""Narration lines in a plan, as pure functions: what the offline planner has each shot say (by the
skill's ``PlanDefaults.narration``), and the sound edits a follow-up asks for ("no voice", "slower
voice", "say 'grab yours today' at the end", "no music"). Lines never enter the shot prompts: they
are spoken, not shown to the video model."""

from __future__ import annotations

import re
from dataclasses import dataclass

from botkit.agent import languages, reading, steps, words
from botkit.domain import Narration, ShotPlan

_QUOTE_OPEN = "\"'“‘«「『"
_QUOTE_CLOSE = "\"'”’»」』"
_NUMBERS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve")
_STEP_WORD = {"es": "Paso {n}.", "fr": "Étape {n}.", "de": "Schritt {n}.", "it": "Passo {n}.", "pt": "Passo {n}.",
              "ja": "ステップ{n}。", "ko": "{n}단계.", "zh-Hans": "第{n}步。", "zh-Hant": "第{n}步。"}  # fmt: skip
_CTA_FALLBACK = {"en": "See it for yourself.", "es": "Descúbrelo.", "fr": "Découvrez-le.", "de": "Jetzt entdecken.",
                 "it": "Scoprilo.", "pt": "Descubra."}  # fmt: skip
_INTRO = {"en": "Meet {name}.", "es": "Te presentamos {name}.", "fr": "Voici {name}.", "de": "Das ist {name}.",
          "it": "Ecco {name}.", "pt": "Conheça {name}."}  # fmt: skip
_HOOK = {"en": "Wait for it: {subject}.", "es": "Mira esto: {subject}.", "fr": "Regardez ça : {subject}.",
         "de": "Schau mal: {subject}.", "it": "Guarda qui: {subject}.", "pt": "Olha isso: {subject}."}  # fmt: skip
_PANEL_LINE = re.compile(
    rf"\b(?:panel|shot|scene|frame)\s*(\d{{1,2}})\s*[:：,-]?\s*(?:[^{_QUOTE_OPEN}\n]{{0,40}}?\b(?:says?|asks?|shouts?|whispers?)\s*[:,]?\s*)?"
    rf"[{_QUOTE_OPEN}]([^{_QUOTE_CLOSE}\n]{{1,200}})[{_QUOTE_CLOSE}]",
    re.IGNORECASE,
)


def speech_language(language: str) -> str:
    """The planner's language code as a speech language ("zh-Hans" -> "zh")."""
    return language.split("-")[0].lower()


def quoted_lines(text: str) -> dict[int, str]:
    """ "panel 1: 'Where is she?'" -> {1: "Where is she?"}: lines the user gives a panel or shot."""
    return {int(m.group(1)): m.group(2).strip() for m in _PANEL_LINE.finditer(text) if m.group(2).strip()}


def without_quoted_lines(text: str) -> str:
    """The request with the quoted lines taken out (what is said is not what is shown)."""
    return _PANEL_LINE.sub(lambda m: m.group(0)[: m.start(2) - 1 - m.start(0)].rstrip(" :：,-"), text)


def _clean_step(step: str) -> str:
    step = re.sub(r"^\s*(?:\d{1,2}[.)]\s*)", "", step).strip(" .;:,")
    return step[:1].upper() + step[1:] if step else step


def _sentence(text: str) -> str:
    text = text.strip()
    return text if not text or text[-1] in ".!?。！？…" else f"{text}."


def step_line(number: int, step: str, language: str) -> str:
    """ "Step two. Fasten the chin strap." (in the request's language)."""
    if language == "en":
        head = f"Step {_NUMBERS[number]}." if number < len(_NUMBERS) else f"Step {number}."
    else:
        head = _STEP_WORD.get(language, "{n}.").format(n=number)
    step = _clean_step(step)
    return f"{head} {_sentence(step)}".strip() if step else head


def _subject_of(plan: ShotPlan) -> str:
    subject = plan.title.split(": ", 1)[-1].rstrip("…").strip()
    return subject[:80] or "this"


def _moment_lines(plan: ShotPlan, text: str, language: str) -> dict[int, str]:
    """A middle shot that shows a moment of its own, in the user's words ("a commuter unlocks the
    bike, rides past traffic, parks at the office": shot 2 shows "the commuter rides past
    traffic"), says it. A shot that shows what the first one does (one description over the
    whole promo) stays silent: the intro already named the product, and reading the picture aloud
    again would only describe it."""
    if len(plan.shots) < 3:
        return {}
    scene = reading.read(text).scene
    moments = list(scene.actions) if len(scene.actions) >= 2 else list(scene.pieces)
    first = words.fold(plan.shots[0].prompt)
    end = "。" if languages.is_cjk_language(language) else "."
    lines: dict[int, str] = {}
    said: set[str] = set()
    for shot in plan.shots[1:-1]:
        prompt = words.fold(shot.prompt)
        own = [m for m in moments if words.fold(m) in prompt and words.fold(m) not in first and m not in said]
        if not own:
            continue
        said.update(own)
        line = ", ".join(own).strip()
        line = line[:1].upper() + line[1:]
        lines[shot.index] = line if line[-1:] in ".!?。！？…" else line + end
    return lines


def write_narration(plan: ShotPlan, text: str, style: str | None, *, step_list: list[str] | None = None) -> ShotPlan:
    """``plan`` with a narration line on the shots ``style`` speaks over (a plan that already has
    narration, or a ``None`` style, is returned as it is)."""
    if style is None or plan.narrated:
        return plan
    language = languages.detect(text)
    spoken = speech_language(language)
    lines: dict[int, str] = {}
    count = len(plan.shots)
    if style == "steps":
        found = step_list or steps.find_steps(text)
        for index, shot in enumerate(plan.shots):
            step = found[index] if index < len(found) else (shot.caption or "")
            if step:
                lines[index] = step_line(index + 1, step, language)
    elif style == "voiceover":
        name = plan.end_card.name if plan.end_card is not None else _subject_of(plan)
        if spoken in _INTRO:
            lines[0] = _INTRO[spoken].format(name=name)
        cta = plan.end_card.cta if plan.end_card is not None and plan.end_card.cta else ""
        closing = _sentence(cta) if cta else _CTA_FALLBACK.get(spoken, "")
        if closing and (count > 1 or 0 not in lines):
            lines[count - 1] = closing
        elif closing:
            lines[0] = f"{lines[0]} {closing}"
        for index, line in _moment_lines(plan, without_quoted_lines(text), language).items():
            lines.setdefault(index, line)
    elif style == "hook":
        hook = plan.shots[0].caption or _subject_of(plan)
        if hook[:1].isupper() or spoken not in _HOOK:  # a hook the user wrote is read as written
            lines[0] = _sentence(hook)
        else:
            lines[0] = _HOOK[spoken].format(subject=hook)
    for number, line in quoted_lines(text).items():
        if 1 <= number <= count:
            lines[number - 1] = line
    if not lines:
        return plan
    shots = [
        shot.model_copy(update={"narration": Narration(text=lines[shot.index][:600], language=spoken)})
        if shot.index in lines
        else shot
        for shot in plan.shots
    ]
    return plan.model_copy(update={"shots": shots})


# --- follow-ups --------------------------------------------------------------------------------

_VOICE = r"(?:voice[- ]?overs?|voices|voice|narration|narrator|speech|speaking|talking)"
_NO_VOICE = re.compile(
    rf"\b(?:no|without|remove(?: the)?|drop(?: the)?|mute(?: the)?|turn off(?: the)?|lose the|get rid of(?: the)?)\s+{_VOICE}\b"
    rf"|\b{_VOICE}\s+off\b|\bdon'?t (?:speak|talk|narrate)\b"
)
_ADD_VOICE = re.compile(rf"\b(?:add|with|put in|turn on)(?: a| the)?\s+{_VOICE}\b|\bnarrate (?:it|this|the video)\b")
_SLOWER = re.compile(
    rf"\bslower\s+{_VOICE}\b|\b{_VOICE}\s+(?:a (?:bit|little) )?(?:more )?slow(?:er|ly)?\b"
    r"|\b(?:speak|talk|read|narrate)\s+(?:a (?:bit|little) )?(?:more )?slow(?:er|ly)\b"
)
_FASTER = re.compile(
    rf"\bfaster\s+{_VOICE}\b|\b{_VOICE}\s+(?:a (?:bit|little) )?faster\b"
    r"|\b(?:speak|talk|read|narrate)\s+(?:a (?:bit|little) )?(?:faster|quicker|more quickly)\b"
)
_SAY = re.compile(
    rf"\b(?:say|says|saying|narrate|add the line|voice(?:[- ]?over)? says?)\s*[:,]?\s*[{_QUOTE_OPEN}]"
    rf"(?P<line>[^{_QUOTE_CLOSE}\n]{{1,200}})[{_QUOTE_CLOSE}]"
    r"(?P<where>\s*(?:at the (?:end|start|beginning)|in (?:the )?(?:shot|scene|panel) (?P<shot>\d{1,2})"
    r"|(?:in|over) the (?:first|last) shot|first|last))?",
    re.IGNORECASE,
)
_NO_MUSIC = re.compile(
    r"\b(?:no|without|remove(?: the)?|drop(?: the)?|mute(?: the)?|turn off(?: the)?)\s+(?:music|song|soundtrack|bed)\b"
)
_MUSIC_BED = re.compile(r"\b(calm|bright|focus)\s+(?:music|bed|track|song)\b|\bmusic\s*[:=]?\s*(calm|bright|focus)\b")
_ADD_MUSIC = re.compile(r"\b(?:add|with|put in|some)\s+(?:some |a |the )?(?:music|song|soundtrack|background music)\b")
_FILLER = re.compile(r"(?i)\b(?:and|also|please|then|but|too|the|a|it|make|with|use|just|now|ok|okay)\b|[\W_]+")


@dataclass
class SoundEdit:
    """What a follow-up asks of the sound; ``rest`` is the message without those words."""

    plan: ShotPlan
    rest: str
    changed: bool


def _last_language(plan: ShotPlan, text: str) -> str:
    for shot in reversed(plan.shots):
        if shot.narration is not None:
            return shot.narration.language
    return speech_language(languages.detect(text))


def sound_edit(
    plan: ShotPlan, text: str, *, default_style: str | None = None, default_music: str | None = None
) -> SoundEdit:
    """Apply the sound edits ``text`` asks for to ``plan``; the rest of the message is returned for
    the other revisions. ``default_style``: how to narrate when "add a voice" is asked of a silent plan."""
    rest = text
    shots = list(plan.shots)
    update: dict[str, object] = {}
    asked = False

    def take(match: re.Match[str]) -> None:
        nonlocal rest
        rest = rest.replace(match.group(0), " ", 1)

    for match in _SAY.finditer(text):
        if re.search(r"(?i)\b(?:caption|title|card|text|subtitle)s?\b[^.!?]{0,20}$", text[: match.start()]):
            continue  # "make the caption say 'X'" is a caption edit
        line = match.group("line").strip()
        where = (match.group("where") or "").lower()
        index = len(shots) - 1
        if match.group("shot"):
            index = min(max(int(match.group("shot")) - 1, 0), len(shots) - 1)
        elif "start" in where or "beginning" in where or "first" in where:
            index = 0
        shots[index] = shots[index].model_copy(
            update={"narration": Narration(text=line[:600], language=_last_language(plan, line))}
        )
        take(match)
        asked = True
    lowered = rest.lower()
    if m := _NO_VOICE.search(lowered):
        shots = [shot.model_copy(update={"narration": None}) for shot in shots]
        rest = _drop(rest, m.group(0))
    elif m := _ADD_VOICE.search(lowered):
        if not any(s.narration for s in shots):
            narrated = write_narration(
                plan.model_copy(update={"shots": shots}), plan.request, default_style or "voiceover"
            )
            shots = list(narrated.shots)
        rest = _drop(rest, m.group(0))
        asked = True
    if m := _SLOWER.search(lowered):
        update["voice_rate"] = round(max(0.5, plan.voice_rate * 0.85), 3)
        rest = _drop(rest, m.group(0))
    elif m := _FASTER.search(lowered):
        update["voice_rate"] = round(min(2.0, plan.voice_rate / 0.85), 3)
        rest = _drop(rest, m.group(0))
    if m := _NO_MUSIC.search(lowered):
        update["music"] = None
        rest = _drop(rest, m.group(0))
    elif m := _MUSIC_BED.search(lowered):
        update["music"] = m.group(1) or m.group(2)
        rest = _drop(rest, m.group(0))
    elif m := _ADD_MUSIC.search(lowered):
        update["music"] = plan.music or default_music or "calm"
        rest = _drop(rest, m.group(0))
    if shots != list(plan.shots):
        update["shots"] = shots
    revised = plan.model_copy(update=update) if update else plan
    asked = asked or bool(update)
    return SoundEdit(ShotPlan.model_validate(revised.model_dump()), rest, asked)


def _drop(text: str, lowered_match: str) -> str:
    """``text`` without the (case-insensitive) words ``lowered_match``."""
    at = text.lower().find(lowered_match)
    return text if at < 0 else text[:at] + " " + text[at + len(lowered_match) :]


def only_filler(text: str) -> bool:
    """Nothing but joining words and punctuation is left."""
    return not _FILLER.sub("", text).strip()
