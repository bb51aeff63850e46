"""The offline planner: a request (+ images) -> ShotPlan with rules and templates, no network.

Deterministic: the same request, images and seed give the same plan. It reads platforms, aspect
words, lengths (whole clip, each shot, one shot), counts of steps/panels/shots, captions and camera
moves in ten languages (``botkit.agent.words``, ``timing``), keeps every content word of the
description in the shot prompts, one shot per action when no count is given (``reading``,
``clauses``), routes the request to a skill (the skills' keywords), fills the rest from that
skill's defaults and template, and lets the skill's ``plan`` hook refine the draft.
"""

from __future__ import annotations

import hashlib
import logging
import math
import re
from collections.abc import Iterable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from botkit.agent import languages, narration, reading, steps, words
from botkit.agent.reading import find_camera
from botkit.agent.subject import find_subject
from botkit.agent.timing import find_counts, find_duration, find_each_duration, read_timing
from botkit.domain import PLATFORM_IDS, Limits, Shot, ShotMode, ShotPlan
from botkit.errors import InputError, PlanLimitError
from botkit.prompts import load_template
from botkit.skills import ShotTemplate, Skill, SkillArgs, SkillConfig, SkillRegistry, SkillRequest, load_skills

logger = logging.getLogger(__name__)

TEMPLATE = "offline/v2"
DEFAULT_SKILL = "marketing"
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
# zero-width characters join or split nothing a video shows: dropped, not turned into spaces
_HOW_TO = re.compile(words.HOW_TO_PATTERN)
_ZERO_WIDTH = re.compile(r"[\u200b-\u200d\u2060-\u2064\ufeff\u00ad\u180e]")
__all__ = [
    "HistoryMessage",
    "OfflinePlanner",
    "PlanRequest",
    "check_request",
    "clean_request",
    "find_camera",
    "find_counts",
    "find_duration",
    "find_each_duration",
    "find_platforms",
]


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
    """Strip control, bidi and zero-width characters, collapse runs of spaces; keep newlines (lists)
    and every script (Arabic and Hebrew are content like any other)."""
    text = _ZERO_WIDTH.sub("", text)
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
    if not re.search(r"[^\W_]", text):
        # empty, emoji, punctuation or zero-width only: nothing to show; ask (in the user's language)
        language = _history_language(request)
        what = "is empty" if not text else "has no words"
        raise InputError(f"the request {what}. {languages.ASK_WHAT[language]}")
    if len(request.images) > Limits.MAX_IMAGES:
        raise PlanLimitError(f"{len(request.images)} images sent; at most {Limits.MAX_IMAGES} are allowed.")
    unknown = [p for p in request.platforms if p not in PLATFORM_IDS]
    if unknown:
        raise InputError(f"unknown platform {unknown[0]!r}; choose from: {', '.join(PLATFORM_IDS)}")
    known = list(skills) if skills is not None else None
    if request.skill is not None and known is not None and request.skill not in known:
        raise InputError(f"unknown skill {request.skill!r}; choose from: {', '.join(known)}")
    return text


def check_content(request: PlanRequest, text: str) -> str:
    """Refuse a request that only talks to the bot ("ignore your instructions and ...") with a clear
    answer in its language; return ``text``. A request that mixes one in with a description is
    planned from the description alone (``subject`` leaves such sentences out)."""
    read = reading.read(text)
    if not read.has_content and read.injected and not request.images and not request.args:
        raise InputError(f"{languages.ONLY_INSTRUCTIONS[read.language]} {languages.ASK_WHAT[read.language]}")
    return text


def _history_language(request: PlanRequest) -> str:
    """The language of the latest user message that has words (for a request that has none)."""
    for message in reversed(request.history):
        if message.role == "user" and re.search(r"[^\W\d_]", message.text):
            return languages.detect(message.text)
    return "en"


def find_platforms(folded: str, strict: bool = False) -> list[str]:
    """Named platforms, then aspect words ("vertical") for aspects no named platform covers.
    ``strict``: an aspect word counts only as a format ("square for Instagram", "TikTok vertical"),
    not as content ("a red square", "a mountain landscape"); a follow-up ("make it vertical too")
    is read without it."""
    found: list[str] = []
    remaining = folded
    for pattern, platform in words.PLATFORM_PATTERNS:
        if re.search(pattern, remaining):
            if platform not in found:
                found.append(platform)
            remaining = re.sub(pattern, " ", remaining)
    instagram = re.search(words.INSTAGRAM_PATTERN, remaining) is not None
    remaining = re.sub(words.INSTAGRAM_PATTERN, " ", remaining)
    for pattern, platform in words.FORMAT_PATTERNS if strict else words.ASPECT_PATTERNS:
        if re.search(pattern, remaining) and words.ASPECTS[platform] not in {words.ASPECTS[p] for p in found}:
            found.append(platform)
    if instagram and not {"reels", "instagram-feed", "instagram-portrait"} & set(found):
        found.append("instagram-feed")
    return found


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

    def template_for(self, skill: Skill) -> tuple[ShotTemplate, str, dict[str, str]]:
        """The skill's own template, else this planner's versioned one for its name, else a generic
        one; and the planner template's extras (``light``, ``fallback``) for that skill."""
        version = self.templates["version"]
        section = self.templates.get(skill.name) or {}
        extras = {key: str(section[key]) for key in ("light", "fallback") if key in section}
        if skill.template is not None:
            return skill.template, f"{version}+{skill.name}/{skill.template.version}", extras
        if not section:
            return ShotTemplate(), version, extras
        return (
            ShotTemplate(style=section["style"], shots=tuple(section["shots"]), cameras=tuple(section["cameras"])),
            version,
            extras,
        )

    def plan(self, request: PlanRequest) -> ShotPlan:
        text = check_content(request, check_request(request, self.skills.names()))
        folded = words.fold(text)
        skill = self.choose_skill(request, folded)
        args = parse_args(skill, request)
        config = parse_config(skill, request, self.skills)
        shown = text
        if narration.quoted_lines(text):  # "panel 1: 'Where is she?'" is said, not drawn
            shown = narration.without_quoted_lines(text)
        draft = self.draft(request, shown, words.fold(shown) if shown != text else folded, skill, args, config)
        return self.refine(draft, request, text, args, config)

    def refine(
        self, draft: ShotPlan, request: PlanRequest, text: str, args: SkillArgs, config: SkillConfig
    ) -> ShotPlan:
        """Let the plan's skill refine a draft (from this planner or another one)."""
        skill_request = SkillRequest(
            text=text, images=tuple(request.images), platforms=tuple(request.platforms), seed=request.seed
        )
        refined = self.skills.apply_plan(draft, skill_request, args, config)
        # the skill's narration style writes the spoken lines (never the prompts); a plan that came
        # with its own lines (an LLM's) keeps them
        defaults = self.skills.get(refined.skill).defaults if refined.skill in self.skills else None
        if defaults is None or defaults.narration is None:
            return refined
        steps_given = getattr(args, "steps", None)
        narrated = narration.write_narration(refined, text, defaults.narration, step_list=steps_given)
        if narrated.narrated and narrated.music is None and defaults.music:
            narrated = narrated.model_copy(update={"music": defaults.music})
        return narrated

    def draft(
        self, request: PlanRequest, text: str, folded: str, skill: Skill, args: SkillArgs, config: SkillConfig
    ) -> ShotPlan:
        defaults = skill.defaults
        template, version, extras = self.template_for(skill)
        read = reading.read(text)

        head = folded[: steps.steps_start(folded)] if defaults.shot_per == "step" else folded
        timing = read_timing(head)
        total = args.duration_s if args.duration_s is not None else timing.total
        each = timing.each
        if total is not None and total > Limits.MAX_TOTAL_S:
            raise PlanLimitError(
                f"the request asks for {total:g} s of video; a video may be at most "
                f"{Limits.MAX_TOTAL_S:g} s. Ask for {Limits.MAX_TOTAL_S:g} seconds or less."
            )
        if total is not None and total < Limits.MIN_SHOT_S:
            raise PlanLimitError(f"the request asks for {total:g} s; a video must be at least {Limits.MIN_SHOT_S:g} s.")
        if each is not None and not Limits.MIN_SHOT_S <= each <= Limits.MAX_SHOT_S:
            raise PlanLimitError(
                f"a shot cannot last {each:g} s; each shot is {Limits.MIN_SHOT_S:g}-{Limits.MAX_SHOT_S:g} s."
            )

        counts = dict(timing.counts)
        if args.shots is not None:
            counts["shots"] = args.shots
        step_list = steps.find_steps(text) if defaults.shot_per == "step" else []
        actions = list(read.scene.actions)
        numbered = max((abs(n) for n in read.notes if n > 0), default=0)
        count = self._shot_count(skill, counts, step_list, request.images, total, len(actions), numbered)
        if timing.single and args.shots is None:
            count = 1
            if total is not None and total > Limits.MAX_SHOT_S:
                raise PlanLimitError(
                    f"a single continuous shot can last at most {Limits.MAX_SHOT_S:g} s and {total:g} s were asked; "
                    f"ask for {Limits.MAX_SHOT_S:g} seconds or less, or let it be cut into shots."
                )
        if count > Limits.MAX_SHOTS:
            raise PlanLimitError(f"the request needs {count} shots; a plan holds at most {Limits.MAX_SHOTS}.")
        fixed = timing.shot_lengths(count)
        for index, seconds in fixed.items():
            if not Limits.MIN_SHOT_S <= seconds <= Limits.MAX_SHOT_S:
                raise PlanLimitError(
                    f"shot {index + 1} cannot last {seconds:g} s; a shot is {Limits.MIN_SHOT_S:g}-{Limits.MAX_SHOT_S:g} s."
                )
        if total is None and each is not None:
            total = each * (count - len(fixed)) + sum(fixed.values())
            if total > Limits.MAX_TOTAL_S:
                raise PlanLimitError(
                    f"{count} shots of {each:g} s make {total:g} s; a video may be at most {Limits.MAX_TOTAL_S:g} s."
                )
        if total is None and fixed:
            rest = defaults.shot_s * (count - len(fixed))
            if defaults.total_s is not None and count > len(fixed):
                rest = max(defaults.total_s - sum(fixed.values()), Limits.MIN_SHOT_S * (count - len(fixed)))
            total = min(sum(fixed.values()) + rest, Limits.MAX_TOTAL_S)
        if total is None:
            total = defaults.total_s if defaults.total_s is not None else defaults.shot_s * count
            total = min(total, Limits.MAX_TOTAL_S)
        if not timing.single:
            count = max(count, math.ceil(total / Limits.MAX_SHOT_S))
        if total / count < Limits.MIN_SHOT_S:
            raise PlanLimitError(
                f"{count} shots in {total:g} s leaves under {Limits.MIN_SHOT_S:g} s per shot; "
                f"ask for fewer shots or a longer video."
            )

        platforms = (
            list(request.platforms)
            or list(args.platforms or [])
            or find_platforms(folded, strict=True)
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

        fallback = extras.get("fallback", "the product")
        subject = (args.subject or find_subject(read.rest or text) or (actions[0] if actions else "") or fallback)[:200]
        if args.subject:
            actions = [args.subject]
        explicit = bool(counts) or len(request.images) > 1
        contents = self._contents(count, actions, read, fallback, step_list, text, explicit)
        camera = args.camera or find_camera(folded)
        # "each for 3 seconds" is every shot's length: the social hook does not shorten the first
        durations = self._durations(None if each is not None else defaults.hook_s, total, count, fixed)
        base_seed = _seed_for(text, request.seed)
        light_named = re.search(words.LIGHT_PATTERN, words.fold(read.description)) is not None
        style = template.style
        if extras.get("light") and not light_named:
            style = f"{style}, {extras['light']}" if style else extras["light"]
        shots = []
        for index in range(count):
            image = request.images[index] if index < len(request.images) else None
            content = contents[index]
            step = step_list[index] if index < len(step_list) else content
            pattern = template.shots[index % len(template.shots)]
            if re.search(words.FRAMING_PATTERN, words.fold(content)) and "{subject}" in pattern:
                pattern = "{subject}"  # the user framed this shot: the template adds no framing of its own
            prompt = pattern.format(subject=content, step=step, n=index + 1)
            note = read.notes.get(index + 1) or (read.notes.get(-1) if index == count - 1 else None)
            caption = None
            if captions:
                caption = (
                    f"{index + 1}. {step_list[index] if index < len(step_list) else step}"
                    if defaults.caption_style == "numbered"
                    else (_caption(subject) if index == 0 else None)
                )
            shots.append(
                Shot(
                    index=index,
                    prompt=prompt[: Limits.MAX_PROMPT_CHARS],
                    duration_s=durations[index],
                    mode=ShotMode.IMAGE_TO_VIDEO if image else ShotMode.TEXT_TO_VIDEO,
                    image=image,
                    camera=(note.camera if note and note.camera else None)
                    or camera
                    or template.cameras[index % len(template.cameras)],
                    seed=(base_seed + 7919 * index) % 2**32,
                    caption=caption[:200] if caption else None,
                )
            )
        return ShotPlan(
            skill=skill.name,
            request=text,
            title=f"{skill.label or skill.name.replace('-', ' ').capitalize()}: {_caption(subject, 100)}"[:120],
            platforms=platforms,
            shots=shots,
            total_duration_s=round(sum(durations), 2),
            style=style[:200],
            captions=captions,
            planner=version[:80],
        )

    @staticmethod
    def _contents(
        count: int,
        actions: list[str],
        read: reading.Reading,
        fallback: str,
        step_list: list[str],
        text: str,
        explicit: bool = False,
    ) -> list[str]:
        """Each shot's content: what the request says of that shot, else its share of the actions
        (several actions to a shot when there are more actions than shots), plus what applies to all."""
        common = read.scene.common
        join = "，" if languages.is_cjk_language(read.language) and read.language != "ko" else ", "
        whole = re.sub(r"\s*\n\s*", ". ", read.description)
        if step_list:
            # the instructions say what to do; what they are for ("reset the router") goes with each
            topic = re.sub(_HOW_TO, "", find_subject(steps.head(text, step_list))).strip(" :：")
            return [f"{topic}: {step}" if topic else step for step in step_list[:count]] + [
                topic or common or fallback for _ in range(max(0, count - len(step_list)))
            ]
        if explicit and len(actions) != count and len(read.scene.pieces) == count:
            # "3 shots: a bright office, a smiling team, a rising chart": one listed piece per shot
            actions, common = list(read.scene.pieces), ""
        contents = []
        for index in range(count):
            note = read.notes.get(index + 1) or (read.notes.get(-1) if index == count - 1 else None)
            if actions and len(actions) > count:
                share = actions[index * len(actions) // count : (index + 1) * len(actions) // count]
            elif actions:
                share = [actions[index * len(actions) // count]]
            else:
                share = []
            if note and note.content:
                # the request's own words for this shot, with the scene they belong to
                share = [note.content, *([whole] if whole and len(actions) <= 1 else [])]
            content = join.join(part for part in share if part)
            if common and content:
                content = f"{content}{join}{common}"
            contents.append(content or common or fallback)
        return contents

    @staticmethod
    def _shot_count(
        skill: Skill,
        counts: dict[str, int],
        steps: list[str],
        images: list[str],
        total: float | None,
        actions: int = 0,
        numbered: int = 0,
    ) -> int:
        defaults = skill.defaults
        several = actions if actions >= 2 else 0
        if defaults.shot_per == "image":
            return len(images) or counts.get("panels") or counts.get("shots") or several or numbered or defaults.shots
        if defaults.shot_per == "step":
            return len(steps) or counts.get("steps") or counts.get("shots") or numbered or defaults.shots
        if "shots" in counts:
            return counts["shots"]
        if several or numbered:
            return max(several, numbered, len(images))
        if total is None:
            return max(defaults.shots, len(images))
        return max(1, min(Limits.MAX_SHOTS, round(total / defaults.shot_s)), len(images))

    @staticmethod
    def _durations(
        hook_s: float | None, total: float, count: int, fixed: dict[int, float] | None = None
    ) -> list[float]:
        """Shot lengths adding up to ``total``: the ones the request fixed, a hook first (social), the
        rest split evenly."""
        fixed = fixed or {}
        if fixed:
            free = [i for i in range(count) if i not in fixed]
            rest = round(total - sum(fixed.values()), 2)
            if not free:
                return [fixed[i] for i in range(count)]
            if rest < Limits.MIN_SHOT_S * len(free):
                raise PlanLimitError(
                    f"the shots given a length take {sum(fixed.values()):g} of {total:g} s, leaving too little for "
                    f"the other {len(free)}; make the video longer or those shots shorter."
                )
            shares = _split_duration(rest, len(free))
            if max(shares) > Limits.MAX_SHOT_S:
                raise PlanLimitError(
                    f"{rest:g} s is too long for {len(free)} shot(s) of at most {Limits.MAX_SHOT_S:g} s."
                )
            lengths = dict(fixed)
            lengths.update(zip(free, shares, strict=True))
            return [lengths[i] for i in range(count)]
        if hook_s and count > 1 and total - hook_s >= Limits.MIN_SHOT_S * (count - 1):
            others = _split_duration(total - hook_s, count - 1)
            if max(others) <= Limits.MAX_SHOT_S:
                return [hook_s, *others]
        return _split_duration(total, count)


def _caption(text: str, limit: int = 80) -> str:
    """``text`` cut at a word boundary to fit ``limit`` characters (a caption, a title)."""
    text = re.split(r"[\n]", text, maxsplit=1)[0]
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return (cut if len(cut) > limit // 2 else text[:limit]).rstrip(" ,;:") + "…"
