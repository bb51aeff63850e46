"""The offline planner: a request (+ images) -> ShotPlan with rules and templates, no network.

Deterministic: the same request, images and seed give the same plan. It reads platforms, aspect
words, durations, counts of steps/panels/shots, captions and camera moves in English, Spanish,
French and German (see ``botkit.agent.words``), routes the request to a skill (the skills' keywords,
``botkit.skills``), fills the rest from that skill's defaults and template, and lets the skill's
``plan`` hook refine the draft.
"""

from __future__ import annotations

import hashlib
import logging
import math
import re
from collections.abc import Iterable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from botkit.agent import words
from botkit.agent.subject import find_subject
from botkit.domain import PLATFORM_IDS, Limits, Shot, ShotMode, ShotPlan
from botkit.errors import InputError, PlanLimitError
from botkit.prompts import load_template
from botkit.skills import ShotTemplate, Skill, SkillArgs, SkillConfig, SkillRegistry, SkillRequest, load_skills

logger = logging.getLogger(__name__)

TEMPLATE = "offline/v1"
DEFAULT_SKILL = "marketing"
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


class HistoryMessage(BaseModel):
    """One earlier message of a conversation (from SQL), as context for a planner."""

    model_config = ConfigDict(extra="forbid")

    role: Literal["user", "assistant"]
    text: str = Field(max_length=8_000)


class PlanRequest(BaseModel):
    """A chat request as a planner sees it."""

    model_config = ConfigDict(extra="forbid")

    text: str
    images: list[str] = Field(default_factory=list)
    platforms: list[str] = Field(default_factory=list)
    skill: str | None = None
    seed: int | None = Field(default=None, ge=0, lt=2**32)
    args: dict[str, Any] | None = Field(default=None, description="Structured arguments for the skill's Args schema.")
    config: dict[str, Any] | None = Field(default=None, description="The skill's per workspace / site config.")
    history: list[HistoryMessage] = Field(
        default_factory=list, max_length=50, description="Earlier messages of the conversation, oldest first."
    )


def clean_request(text: str) -> str:
    """Strip control and bidi characters, collapse runs of spaces; keep newlines (lists)."""
    text = _CONTROL.sub(" ", text)
    text = "\n".join(re.sub(r"[ \t]+", " ", line).strip() for line in text.splitlines())
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def check_request(request: PlanRequest, skills: Iterable[str] | None = None) -> str:
    """Validate what a user sent; return the cleaned text. Raises ``InputError`` naming the limit.

    ``skills``: the installed skill names (an unknown ``request.skill`` is refused); default: no check.
    """
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
    known = list(skills) if skills is not None else None
    if request.skill is not None and known is not None and request.skill not in known:
        raise InputError(f"unknown skill {request.skill!r}; choose from: {', '.join(known)}")
    return text


def _number(token: str) -> float | None:
    token = token.replace(",", ".")
    try:
        return float(token)
    except ValueError:
        value = words.NUMBER_WORDS.get(token)
        return None if value is None else float(value)


_NUM = r"(\d+(?:[.,]\d+)?|" + "|".join(sorted(words.NUMBER_WORDS, key=len, reverse=True)) + r")"


_UNITS = "|".join(sorted(words.DURATION_UNITS, key=len, reverse=True))


def _durations(folded: str) -> list[tuple[float, bool]]:
    """(seconds, per shot?) for every length in the text."""
    found = []
    for match in re.finditer(rf"\b{_NUM}\s*-?\s*({_UNITS})\b", folded):
        value = _number(match.group(1))
        if value is not None:
            each = re.match(words.EACH_PATTERN, folded[match.end() : match.end() + 20]) is not None
            # "panel 2 for 5 seconds" is that shot's length: a skill's hook reads it, the total does not
            if re.search(rf"\b{words.SHOT_NOUN_PATTERN}\s+\d{{1,2}}\b[^,.;]{{0,16}}$", folded[: match.start()]):
                continue
            found.append((value * words.DURATION_UNITS[match.group(2)], each))
    return found


def find_duration(folded: str) -> float | None:
    """Total seconds asked for ("15 second", "30s", "1 minute", "10 segundos", "2-hour")."""
    totals = [seconds for seconds, each in _durations(folded) if not each]
    return sum(totals) if totals else None


def find_each_duration(folded: str) -> float | None:
    """Seconds per shot ("2 seconds each", "3 segundos cada uno", "3 Sekunden pro Bild")."""
    each = [seconds for seconds, per_shot in _durations(folded) if per_shot]
    return each[0] if each else None


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
    """Named platforms, then aspect words ("vertical") for aspects no named platform covers."""
    found: list[str] = []
    remaining = folded
    for pattern, platform in words.PLATFORM_PATTERNS:
        if re.search(pattern, remaining):
            if platform not in found:
                found.append(platform)
            remaining = re.sub(pattern, " ", remaining)
    instagram = re.search(words.INSTAGRAM_PATTERN, remaining) is not None
    remaining = re.sub(words.INSTAGRAM_PATTERN, " ", remaining)
    for pattern, platform in words.ASPECT_PATTERNS:
        if re.search(pattern, remaining) and words.ASPECTS[platform] not in {words.ASPECTS[p] for p in found}:
            found.append(platform)
    if instagram and not {"reels", "instagram-feed", "instagram-portrait"} & set(found):
        found.append("instagram-feed")
    return found


def steps_start(folded: str) -> int:
    """Where a list of steps begins (the end of the text when there is none): lengths inside
    steps ("2. wait ten seconds") are not the video's length."""
    numbered = re.search(r"(?:^|\s)\d{1,2}[.)]\s+", folded)
    if numbered and len(re.findall(r"(?:^|\s)\d{1,2}[.)]\s+", folded)) >= 2:
        return numbered.start()
    if len([line for line in folded.splitlines()[1:] if line.strip("-*• ").strip()]) >= 2:
        return folded.find("\n")
    return len(folded)


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


def _split_duration(total: float, count: int) -> list[float]:
    base = math.floor(total / count * 10) / 10
    durations = [base] * count
    durations[-1] = round(total - base * (count - 1), 2)
    return durations


def _seed_for(text: str, seed: int | None) -> int:
    if seed is not None:
        return seed
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "big") % 2**31


def parse_args(skill: Skill, request: PlanRequest) -> SkillArgs:
    try:
        return skill.parse_args(request.args)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise InputError(
            f"bad argument {'.'.join(map(str, first['loc']))} for skill {skill.name!r}: {first['msg']}"
        ) from None


def parse_config(skill: Skill, request: PlanRequest, skills: SkillRegistry | None = None) -> SkillConfig:
    """The request's own config for ``skill``, else the one configured in ``skills``, else defaults."""
    try:
        if skills is not None and skill.name in skills:
            return skills.config_for(skill.name, request.config)
        return skill.parse_config(request.config)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise InputError(
            f"bad config {'.'.join(map(str, first['loc']))} for skill {skill.name!r}: {first['msg']}"
        ) from None


class OfflinePlanner:
    """Rule- and template-based planner; the embedded default of the agent layer."""

    name = "offline"

    def __init__(
        self, template: str = TEMPLATE, skills: SkillRegistry | None = None, default_skill: str = DEFAULT_SKILL
    ) -> None:
        self.template_name = template
        self.templates: dict[str, Any] = load_template(template)
        self.skills = skills if skills is not None else load_skills()
        if not len(self.skills):
            raise InputError(f"no skills are installed (refused: {self.skills.refused}); reinstall botkit")
        self.default_skill = default_skill if default_skill in self.skills else self.skills.names()[0]

    def choose_skill(self, request: PlanRequest, folded: str) -> Skill:
        if request.skill:
            return self.skills.get(request.skill)
        routed = self.skills.route(folded, len(request.images))
        logger.debug("request routed to skill %s", routed or f"{self.default_skill} (default)")
        return self.skills.get(routed or self.default_skill)

    def template_for(self, skill: Skill) -> tuple[ShotTemplate, str]:
        """The skill's own template, else this planner's versioned one for its name, else a generic one."""
        version = self.templates["version"]
        if skill.template is not None:
            return skill.template, f"{version}+{skill.name}/{skill.template.version}"
        section = self.templates.get(skill.name)
        if section is None:
            return ShotTemplate(), version
        return ShotTemplate(
            style=section["style"], shots=tuple(section["shots"]), cameras=tuple(section["cameras"])
        ), version

    def plan(self, request: PlanRequest) -> ShotPlan:
        text = check_request(request, self.skills.names())
        folded = words.fold(text)
        skill = self.choose_skill(request, folded)
        args = parse_args(skill, request)
        config = parse_config(skill, request, self.skills)
        draft = self.draft(request, text, folded, skill, args, config)
        return self.refine(draft, request, text, args, config)

    def refine(
        self, draft: ShotPlan, request: PlanRequest, text: str, args: SkillArgs, config: SkillConfig
    ) -> ShotPlan:
        """Let the plan's skill refine a draft (from this planner or another one)."""
        skill_request = SkillRequest(
            text=text, images=tuple(request.images), platforms=tuple(request.platforms), seed=request.seed
        )
        return self.skills.apply_plan(draft, skill_request, args, config)

    def draft(
        self, request: PlanRequest, text: str, folded: str, skill: Skill, args: SkillArgs, config: SkillConfig
    ) -> ShotPlan:
        defaults = skill.defaults
        template, version = self.template_for(skill)

        head = folded[: steps_start(folded)] if defaults.shot_per == "step" else folded
        total = args.duration_s if args.duration_s is not None else find_duration(head)
        each = find_each_duration(head)
        if total is not None and total > Limits.MAX_TOTAL_S:
            raise PlanLimitError(
                f"the request asks for {total:g} s of video; a video may be at most "
                f"{Limits.MAX_TOTAL_S:g} s. Ask for {Limits.MAX_TOTAL_S:g} seconds or less."
            )
        if total is not None and total < Limits.MIN_SHOT_S:
            raise PlanLimitError(f"the request asks for {total:g} s; a video must be at least {Limits.MIN_SHOT_S:g} s.")

        counts = find_counts(folded)
        if args.shots is not None:
            counts["shots"] = args.shots
        steps = find_steps(text) if defaults.shot_per == "step" else []
        count = self._shot_count(skill, counts, steps, request.images, total)
        if count > Limits.MAX_SHOTS:
            raise PlanLimitError(f"the request needs {count} shots; a plan holds at most {Limits.MAX_SHOTS}.")
        if total is None and each is not None:
            total = each * count
            if total > Limits.MAX_TOTAL_S:
                raise PlanLimitError(
                    f"{count} shots of {each:g} s make {total:g} s; a video may be at most {Limits.MAX_TOTAL_S:g} s."
                )
        if total is None:
            total = defaults.total_s if defaults.total_s is not None else defaults.shot_s * count
            total = min(total, Limits.MAX_TOTAL_S)
        count = max(count, math.ceil(total / Limits.MAX_SHOT_S))
        if total / count < Limits.MIN_SHOT_S:
            raise PlanLimitError(
                f"{count} shots in {total:g} s leaves under {Limits.MIN_SHOT_S:g} s per shot; "
                f"ask for fewer shots or a longer video."
            )

        platforms = (
            list(request.platforms)
            or list(args.platforms or [])
            or find_platforms(folded)
            or list(config.default_platforms or [])
            or list(defaults.platforms)
        )
        captions = defaults.captions
        if args.captions is not None:
            captions = args.captions
        elif re.search(words.NO_CAPTION_PATTERN, folded):
            captions = False
        elif re.search(words.CAPTION_PATTERN, folded):
            captions = True

        subject = (args.subject or find_subject(text))[:200]
        camera = args.camera or find_camera(folded)
        durations = self._durations(defaults.hook_s, total, count)
        base_seed = _seed_for(text, request.seed)
        shots = []
        for index in range(count):
            image = request.images[index] if index < len(request.images) else None
            step = steps[index] if index < len(steps) else f"{subject}, part {index + 1}"
            pattern = template.shots[index % len(template.shots)]
            prompt = pattern.format(subject=subject, step=step, n=index + 1)
            caption = None
            if captions:
                caption = (
                    f"{index + 1}. {step}"
                    if defaults.caption_style == "numbered"
                    else (subject if index == 0 else None)
                )
            shots.append(
                Shot(
                    index=index,
                    prompt=prompt[: Limits.MAX_PROMPT_CHARS],
                    duration_s=durations[index],
                    mode=ShotMode.IMAGE_TO_VIDEO if image else ShotMode.TEXT_TO_VIDEO,
                    image=image,
                    camera=camera or template.cameras[index % len(template.cameras)],
                    seed=(base_seed + 7919 * index) % 2**32,
                    caption=caption[:200] if caption else None,
                )
            )
        return ShotPlan(
            skill=skill.name,
            request=text,
            title=f"{skill.label or skill.name.replace('-', ' ').capitalize()}: {subject}"[:120],
            platforms=platforms,
            shots=shots,
            total_duration_s=round(sum(durations), 2),
            style=template.style,
            captions=captions,
            planner=version[:80],
        )

    @staticmethod
    def _shot_count(
        skill: Skill, counts: dict[str, int], steps: list[str], images: list[str], total: float | None
    ) -> int:
        defaults = skill.defaults
        if defaults.shot_per == "image":
            return len(images) or counts.get("panels") or counts.get("shots") or defaults.shots
        if defaults.shot_per == "step":
            return len(steps) or counts.get("steps") or counts.get("shots") or defaults.shots
        if "shots" in counts:
            return counts["shots"]
        if total is None:
            return max(defaults.shots, len(images))
        return max(1, min(Limits.MAX_SHOTS, round(total / defaults.shot_s)), len(images))

    @staticmethod
    def _durations(hook_s: float | None, total: float, count: int) -> list[float]:
        if hook_s and count > 1 and total - hook_s >= Limits.MIN_SHOT_S * (count - 1):
            rest = _split_duration(total - hook_s, count - 1)
            if max(rest) <= Limits.MAX_SHOT_S:
                return [hook_s, *rest]
        return _split_duration(total, count)
