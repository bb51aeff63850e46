"""The offline planner: a request (+ images) -> ShotPlan with rules and templates, no network.

Deterministic: the same request, images and seed give the same plan. It reads platforms, aspect
words, durations, counts of steps/panels/shots, captions and camera moves in English, Spanish,
French and German (see ``botkit.agent.words``), and fills the rest from each skill's defaults.
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from botkit.agent import words
from botkit.domain import PLATFORM_IDS, Limits, Shot, ShotMode, ShotPlan
from botkit.errors import InputError, PlanLimitError
from botkit.prompts import load_template

TEMPLATE = "offline/v1"
SKILLS = ("marketing", "social", "storyboard", "training")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True)
class SkillDefaults:
    platforms: tuple[str, ...]
    total_s: float | None  # None: per-shot default times the count
    shot_s: float
    shots: int
    captions: bool


DEFAULTS: dict[str, SkillDefaults] = {
    "marketing": SkillDefaults(("youtube",), 15.0, 4.0, 3, False),
    "social": SkillDefaults(("tiktok",), 10.0, 3.5, 3, True),
    "storyboard": SkillDefaults(("youtube",), None, 3.0, 3, False),
    "training": SkillDefaults(("youtube",), None, 4.0, 3, True),
}


class PlanRequest(BaseModel):
    """A chat request as a planner sees it."""

    model_config = ConfigDict(extra="forbid")

    text: str
    images: list[str] = Field(default_factory=list)
    platforms: list[str] = Field(default_factory=list)
    skill: str | None = None
    seed: int | None = Field(default=None, ge=0, lt=2**32)


def clean_request(text: str) -> str:
    """Strip control and bidi characters, collapse runs of spaces; keep newlines (lists)."""
    text = _CONTROL.sub(" ", text)
    text = "\n".join(re.sub(r"[ \t]+", " ", line).strip() for line in text.splitlines())
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def check_request(request: PlanRequest) -> str:
    """Validate what a user sent; return the cleaned text. Raises ``InputError`` naming the limit."""
    if len(request.text) > Limits.MAX_REQUEST_CHARS:
        raise InputError(
            f"the request is {len(request.text):,} characters long; "
            f"at most {Limits.MAX_REQUEST_CHARS:,} are allowed. Describe the video in a few sentences."
        )
    text = clean_request(request.text)
    if not text:
        raise InputError(
            "the request is empty; say what the video should show, "
            'e.g. "a 10 second TikTok teaser for our new trail shoes".'
        )
    if len(request.images) > Limits.MAX_IMAGES:
        raise PlanLimitError(f"{len(request.images)} images sent; at most {Limits.MAX_IMAGES} are allowed.")
    unknown = [p for p in request.platforms if p not in PLATFORM_IDS]
    if unknown:
        raise InputError(f"unknown platform {unknown[0]!r}; choose from: {', '.join(PLATFORM_IDS)}")
    if request.skill is not None and request.skill not in SKILLS:
        raise InputError(f"unknown skill {request.skill!r}; choose from: {', '.join(SKILLS)}")
    return text


def _number(token: str) -> float | None:
    token = token.replace(",", ".")
    try:
        return float(token)
    except ValueError:
        value = words.NUMBER_WORDS.get(token)
        return None if value is None else float(value)


_NUM = r"(\d+(?:[.,]\d+)?|" + "|".join(sorted(words.NUMBER_WORDS, key=len, reverse=True)) + r")"


def find_duration(folded: str) -> float | None:
    """Total seconds asked for ("15 second", "30s", "1 minute", "10 segundos", "2-hour")."""
    units = "|".join(sorted(words.DURATION_UNITS, key=len, reverse=True))
    total = 0.0
    found = False
    for match in re.finditer(rf"\b{_NUM}\s*-?\s*({units})\b", folded):
        value = _number(match.group(1))
        if value is None:
            continue
        total += value * words.DURATION_UNITS[match.group(2)]
        found = True
    return total if found else None


def find_counts(folded: str) -> dict[str, int]:
    """{"steps": 5, "panels": 3, "shots": 4} from "5 steps", "three panels"..."""
    nouns = "|".join(sorted(words.COUNT_NOUNS, key=len, reverse=True))
    counts: dict[str, int] = {}
    for match in re.finditer(rf"\b{_NUM}\s+(?:\w+\s+)?({nouns})\b", folded):
        value = _number(match.group(1))
        if value is not None and value == int(value):
            counts.setdefault(words.COUNT_NOUNS[match.group(2)], int(value))
    return counts


def find_platforms(folded: str) -> list[str]:
    found: list[str] = []
    remaining = folded
    for pattern, platform in words.PLATFORM_PATTERNS:
        if re.search(pattern, remaining):
            if platform not in found:
                found.append(platform)
            remaining = re.sub(pattern, " ", remaining)
    return found


def find_skill(folded: str, images: list[str]) -> str:
    for skill, pattern in words.SKILL_PATTERNS:
        if re.search(pattern, folded):
            return skill
    return "storyboard" if len(images) > 1 else "marketing"


def find_camera(folded: str) -> str | None:
    for pattern, camera in words.CAMERA_PATTERNS:
        if re.search(pattern, folded):
            return camera
    return None


def find_steps(text: str) -> list[str]:
    """Instructions written as a numbered list, lines, or "first ..., then ..."."""
    numbered = re.split(r"(?:^|\s)\d{1,2}[.)]\s+", text)
    if len(numbered) > 2:
        return [s.strip(" ;,.") for s in numbered[1:] if s.strip(" ;,.")]
    lines = [line.strip("-*• ").strip() for line in text.splitlines()[1:] if line.strip("-*• ").strip()]
    if len(lines) >= 2:
        return lines
    after_colon = text.split(":", 1)[1] if ":" in text else ""
    parts = [p.strip(" .") for p in re.split(r";|,?\s+then\s+|,?\s+luego\s+|,?\s+puis\s+|,?\s+dann\s+", after_colon)]
    parts = [p for p in parts if p]
    return parts if len(parts) >= 2 else []


def find_subject(text: str) -> str:
    """The thing the video is about: "our new trail running shoes"."""
    first = text.splitlines()[0].split(":")[0]
    folded = words.fold(first)
    match = re.search(r"\b(for|about|showing|of|para|sobre|pour|sur|fur|uber|zu|von|de)\s+(.{3,})$", folded)
    subject = first[match.start(2) :] if match and len(folded) == len(first) else first
    if not match:
        subject = re.sub(words.FILLER_PATTERN, "", subject, flags=re.IGNORECASE)
    subject = re.sub(r"[\"'`]+", "", subject).strip(" .!?")
    return subject[:200] or "the product"


def _split_duration(total: float, count: int) -> list[float]:
    base = math.floor(total / count * 10) / 10
    durations = [base] * count
    durations[-1] = round(total - base * (count - 1), 2)
    return durations


def _seed_for(text: str, seed: int | None) -> int:
    if seed is not None:
        return seed
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "big") % 2**31


class OfflinePlanner:
    """Rule- and template-based planner; the embedded default of the agent layer."""

    name = "offline"

    def __init__(self, template: str = TEMPLATE) -> None:
        self.template_name = template
        self.templates: dict[str, Any] = load_template(template)

    def plan(self, request: PlanRequest) -> ShotPlan:
        text = check_request(request)
        folded = words.fold(text)
        skill = request.skill or find_skill(folded, request.images)
        defaults = DEFAULTS[skill]
        template = self.templates[skill]

        total = find_duration(folded)
        if total is not None and total > Limits.MAX_TOTAL_S:
            raise PlanLimitError(
                f"the request asks for {total:g} s of video; a video may be at most "
                f"{Limits.MAX_TOTAL_S:g} s. Ask for {Limits.MAX_TOTAL_S:g} seconds or less."
            )
        if total is not None and total < Limits.MIN_SHOT_S:
            raise PlanLimitError(f"the request asks for {total:g} s; a video must be at least {Limits.MIN_SHOT_S:g} s.")

        counts = find_counts(folded)
        steps = find_steps(text) if skill == "training" else []
        count = self._shot_count(skill, counts, steps, request.images, total)
        if count > Limits.MAX_SHOTS:
            raise PlanLimitError(f"the request needs {count} shots; a plan holds at most {Limits.MAX_SHOTS}.")
        if total is None:
            total = defaults.total_s if defaults.total_s is not None else defaults.shot_s * count
            total = min(total, Limits.MAX_TOTAL_S)
        count = max(count, math.ceil(total / Limits.MAX_SHOT_S))
        if total / count < Limits.MIN_SHOT_S:
            raise PlanLimitError(
                f"{count} shots in {total:g} s leaves under {Limits.MIN_SHOT_S:g} s per shot; "
                f"ask for fewer shots or a longer video."
            )

        platforms = list(request.platforms) or find_platforms(folded) or list(defaults.platforms)
        captions = defaults.captions
        if re.search(words.NO_CAPTION_PATTERN, folded):
            captions = False
        elif re.search(words.CAPTION_PATTERN, folded):
            captions = True

        subject = find_subject(text)
        camera = find_camera(folded)
        durations = self._durations(skill, total, count, template)
        base_seed = _seed_for(text, request.seed)
        shots = []
        for index in range(count):
            image = request.images[index] if index < len(request.images) else None
            step = steps[index] if index < len(steps) else f"{subject}, part {index + 1}"
            patterns = template["shots"]
            prompt = patterns[index % len(patterns)].format(subject=subject, step=step, n=index + 1)
            shots.append(
                Shot(
                    index=index,
                    prompt=prompt[: Limits.MAX_PROMPT_CHARS],
                    duration_s=durations[index],
                    mode=ShotMode.IMAGE_TO_VIDEO if image else ShotMode.TEXT_TO_VIDEO,
                    image=image,
                    camera=camera or template["cameras"][index % len(template["cameras"])],
                    seed=(base_seed + 7919 * index) % 2**32,
                    caption=(self._caption(skill, index, subject, step) or None) if captions else None,
                )
            )
        return ShotPlan(
            skill=skill,
            request=text,
            title=self._title(skill, subject),
            platforms=platforms,
            shots=shots,
            total_duration_s=round(sum(durations), 2),
            style=template["style"],
            captions=captions,
            planner=self.templates["version"],
        )

    @staticmethod
    def _shot_count(
        skill: str, counts: dict[str, int], steps: list[str], images: list[str], total: float | None
    ) -> int:
        if skill == "storyboard":
            return len(images) or counts.get("panels") or counts.get("shots") or DEFAULTS[skill].shots
        if skill == "training":
            return len(steps) or counts.get("steps") or counts.get("shots") or DEFAULTS[skill].shots
        if "shots" in counts:
            return counts["shots"]
        if total is None:
            return max(DEFAULTS[skill].shots, len(images))
        return max(1, min(Limits.MAX_SHOTS, round(total / DEFAULTS[skill].shot_s)), len(images))

    @staticmethod
    def _durations(skill: str, total: float, count: int, template: dict[str, Any]) -> list[float]:
        hook = template.get("hook_s")
        if skill == "social" and hook and count > 1 and total - hook >= Limits.MIN_SHOT_S * (count - 1):
            rest = _split_duration(total - hook, count - 1)
            if max(rest) <= Limits.MAX_SHOT_S:
                return [hook, *rest]
        return _split_duration(total, count)

    @staticmethod
    def _caption(skill: str, index: int, subject: str, step: str) -> str:
        if skill == "training":
            return f"{index + 1}. {step}"[:200]
        return subject[:200] if index == 0 else ""

    @staticmethod
    def _title(skill: str, subject: str) -> str:
        kind = {"marketing": "Promo", "social": "Social clip", "storyboard": "Animatic", "training": "How-to"}[skill]
        return f"{kind}: {subject}"[:120]
