"""The LLM planner: any OpenAI-compatible chat model (LangChain ``ChatOpenAI`` with a ``base_url``)
fills a structured draft that becomes the same ``ShotPlan`` the offline planner makes.

Invalid output (bad JSON, a schema or plan violation, a leaked secret) is repaired by asking again
with the validation error; when that still fails, or the server times out, rate-limits or errors,
the offline planner answers instead and the reason is logged and recorded in ``ShotPlan.planner``.
A plan whose prompts leave out the user's content words (``botkit.agent.content``) or that ignores
a length the request gives one shot is sent back once with what is missing; a second such answer
is accepted (logged), since a usable plan beats a fallback.
The host owns seeds, shot indices, the request text and the images; the model writes the creative
parts: skill, title, platforms, style, captions, and per shot a prompt, duration, camera and caption.
"""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any

from langchain_core.exceptions import OutputParserException
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from botkit.agent import guard, reading, recall, timing
from botkit.agent.offline import OfflinePlanner, PlanRequest, check_content, check_request, parse_args, parse_config
from botkit.domain import DEFAULT_NEGATIVE_PROMPT, PLATFORM_IDS, Limits, PlatformId, Shot, ShotMode, ShotPlan
from botkit.prompts import load_template

logger = logging.getLogger(__name__)

TEMPLATE = "llm/v2"
HISTORY_MESSAGES = 10
HISTORY_CHARS = 2_000


class DraftShot(BaseModel):
    """One shot as the model writes it."""

    model_config = ConfigDict(extra="forbid")

    prompt: str = Field(
        max_length=Limits.MAX_PROMPT_CHARS,
        description="Visual description of the shot for a text-to-video model, keeping the user's own content words.",
    )
    duration_s: float = Field(
        ge=Limits.MIN_SHOT_S, le=Limits.MAX_SHOT_S, description=f"Seconds, {Limits.MIN_SHOT_S:g}-{Limits.MAX_SHOT_S:g}."
    )
    camera: str | None = Field(default=None, description='Camera move, e.g. "slow push in", "pan left", "static".')
    caption: str | None = Field(default=None, description="Caption burned in on this shot, or null.")
    image: int | None = Field(default=None, description="1-based number of the attached image this shot animates.")


class DraftPlan(BaseModel):
    """A video plan: the structured output the model must produce."""

    model_config = ConfigDict(extra="forbid")

    skill: str = Field(description="Name of the skill that fits the request.")
    title: str = Field(max_length=120, description="Short title of the video.")
    platforms: list[PlatformId] = Field(description="Target platforms.")
    shots: list[DraftShot] = Field(
        min_length=1, max_length=Limits.MAX_SHOTS, description=f"1-{Limits.MAX_SHOTS} shots in order."
    )
    style: str = Field(default="", description="Visual style shared by all shots.")
    captions: bool = Field(default=False, description="Whether captions are burned in.")


class PlanInvalid(ValueError):
    """The model's answer is not an acceptable plan; the message is fed back to it."""


class PlanUnfaithful(PlanInvalid):
    """The plan is valid but leaves out the user's words or lengths; sent back once, then accepted."""

    def __init__(self, message: str, plan: ShotPlan) -> None:
        super().__init__(message)
        self.plan = plan


class LLMPlanner:
    """Plans with a chat model; falls back to ``offline`` on failure."""

    name = "llm"

    def __init__(
        self,
        model: BaseChatModel,
        *,
        offline: OfflinePlanner | None = None,
        model_name: str = "",
        secrets: list[str] | None = None,
        repair_attempts: int = 1,
        method: str = "function_calling",
        template: str = TEMPLATE,
    ) -> None:
        self.offline = offline or OfflinePlanner()
        self.skills = self.offline.skills
        self.prompts: dict[str, Any] = load_template(template)
        self.model_name = model_name
        self.repair_attempts = repair_attempts
        self.structured = model.with_structured_output(DraftPlan, method=method, include_raw=True)
        self._secrets = list(secrets or [])

    def system_prompt(self, images: int) -> str:
        skills = "\n".join(f"- {skill.name}: {skill.description}" for skill in self.skills)
        limits = (
            f"1-{Limits.MAX_SHOTS} shots of {Limits.MIN_SHOT_S:g}-{Limits.MAX_SHOT_S:g} s each, "
            f"at most {Limits.MAX_TOTAL_S:g} s in all; prompts of at most {Limits.MAX_PROMPT_CHARS} characters."
        )
        attached = f"{images} image(s) attached" if images else "no images are attached"
        return self.prompts["system"].format(
            skills=skills, platforms=", ".join(PLATFORM_IDS), limits=limits, images=attached
        )

    def plan(self, request: PlanRequest) -> ShotPlan:
        # limits and requests with nothing to show are the user's problem: no model call, no fallback
        text = check_content(request, check_request(request, self.skills.names()))
        system = self.system_prompt(len(request.images))
        checker = guard.Guard(self._secrets, [system])
        messages: list[BaseMessage] = [SystemMessage(system)]
        for earlier in request.history[-HISTORY_MESSAGES:]:  # context only; the last request decides
            quoted = earlier.text[:HISTORY_CHARS]
            if earlier.role == "user":
                messages.append(HumanMessage(self.prompts["user"].format(request=quoted)))
            else:
                messages.append(AIMessage(quoted))
        messages.append(HumanMessage(self.prompts["user"].format(request=text)))
        reason = ""
        unfaithful: ShotPlan | None = None
        for attempt in range(1 + self.repair_attempts):
            try:
                result = self.structured.invoke(messages)
            except (ValidationError, OutputParserException, ValueError) as exc:
                # some structured-output modes parse inside the client and raise instead of returning
                result, invalid = None, PlanInvalid(_short_error(exc))
            except Exception as exc:  # network, timeout, 429 after retries, server error
                reason = failure_reason(exc)
                logger.warning("llm planner failed, using the offline planner: %s", reason)
                break
            else:
                try:
                    # the user's words are asked for once; after that a valid plan is taken as it is
                    return self._to_plan(result, request, text, checker, faithful=unfaithful is None)
                except PlanUnfaithful as exc:
                    invalid, unfaithful = exc, exc.plan
                    if attempt == self.repair_attempts:
                        logger.info("llm plan accepted without all of the user's words: %s", exc)
                        return exc.plan
                except PlanInvalid as exc:
                    invalid = exc
            reason = f"invalid output: {invalid}"[:300]
            logger.info("llm plan invalid (attempt %d): %s", attempt + 1, reason)
            raw = _raw_text(result.get("raw")) if isinstance(result, dict) else ""
            if raw:
                messages.append(AIMessage(raw))
            messages.append(HumanMessage(self.prompts["repair"].format(error=str(invalid)[:1_000])))
        if unfaithful is not None:  # the repair broke what was valid: keep the valid plan
            logger.info("llm repair answer invalid (%s); keeping the plan before it", reason)
            return unfaithful
        logger.warning("llm planner fell back to the offline planner: %s", reason)
        plan = self.offline.plan(request)
        note = f"{plan.planner} (llm fallback: {reason.split(':')[0]})"
        return plan.model_copy(update={"planner": note[:80]})

    def _to_plan(
        self, result: Any, request: PlanRequest, text: str, checker: guard.Guard, faithful: bool = True
    ) -> ShotPlan:
        if not isinstance(result, dict):
            raise PlanInvalid(f"unexpected result {type(result).__name__}")
        if result.get("parsing_error") is not None or result.get("parsed") is None:
            error = result.get("parsing_error")
            invalid = getattr(result.get("raw"), "invalid_tool_calls", None)
            if error is None and invalid:
                raise PlanInvalid(
                    f"the arguments are not valid JSON ({invalid[0].get('error') or 'parse error'})"[:500]
                )
            raise PlanInvalid(_short_error(error) if error else "no plan in the answer")
        draft: DraftPlan = result["parsed"]
        if request.skill:
            draft = draft.model_copy(update={"skill": request.skill})
        if draft.skill not in self.skills:
            raise PlanInvalid(f"skill {draft.skill!r} does not exist; choose one of: {', '.join(self.skills.names())}")
        skill = self.skills.get(draft.skill)
        try:
            plan = self._build(draft, request, text)
        except ValidationError as exc:
            raise PlanInvalid(_short_error(exc)) from None
        if checker.plan_leaks(plan):
            raise PlanInvalid("the plan repeats the instructions or a secret; plan only the video")
        # a bad argument or a failing skill hook is answered as such, not hidden by a fallback
        refined = self.offline.refine(
            plan, request, text, parse_args(skill, request), parse_config(skill, request, self.skills)
        )
        if faithful:
            problems = self.unfaithful(refined, text)
            if problems:
                raise PlanUnfaithful("; ".join(problems), refined)
        return refined

    def unfaithful(self, plan: ShotPlan, text: str) -> list[str]:
        """What the plan leaves out of the request: content words no prompt keeps, and lengths the
        request gives single shots ("panel 2 lasts 5 seconds") that the plan does not."""
        problems = []
        missing = recall.missing_words(text, [shot.prompt for shot in plan.shots])
        if missing:
            problems.append(self.prompts["missing_words"].format(words=", ".join(missing[:30])))
        folded = reading.words.fold(text)
        for index, seconds in timing.read_timing(folded).shot_lengths(len(plan.shots)).items():
            if abs(plan.shots[index].duration_s - seconds) > 0.05:
                problems.append(self.prompts["shot_length"].format(shot=index + 1, seconds=seconds))
        return problems

    def _build(self, draft: DraftPlan, request: PlanRequest, text: str) -> ShotPlan:
        base_seed = request.seed
        if base_seed is None:
            base_seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "big") % 2**31
        shots = []
        for index, item in enumerate(draft.shots):
            image = None
            if item.image is not None:
                if not 1 <= item.image <= len(request.images):
                    raise PlanInvalid(
                        f"shot {index + 1} uses image {item.image}; there are {len(request.images)} image(s)"
                    )
                image = request.images[item.image - 1]
            shots.append(
                Shot(
                    index=index,
                    prompt=item.prompt,
                    negative_prompt=DEFAULT_NEGATIVE_PROMPT,
                    duration_s=item.duration_s,
                    mode=ShotMode.IMAGE_TO_VIDEO if image else ShotMode.TEXT_TO_VIDEO,
                    image=image,
                    camera=item.camera,
                    seed=(base_seed + 7919 * index) % 2**32,
                    caption=item.caption if draft.captions else None,
                )
            )
        planner = f"{self.prompts['version']}:{self.model_name}" if self.model_name else self.prompts["version"]
        return ShotPlan(
            skill=draft.skill,
            request=text,
            title=draft.title,
            platforms=list(request.platforms) or draft.platforms,
            shots=shots,
            total_duration_s=round(sum(shot.duration_s for shot in shots), 2),
            style=draft.style,
            captions=draft.captions,
            planner=planner[:80],
        )


def failure_reason(exc: BaseException) -> str:
    """A short, stable, secret-free reason: "timeout", "rate limited", ... (kept in ShotPlan.planner)."""
    names = " ".join(cls.__name__ for cls in type(exc).__mro__)
    for marker, reason in (
        ("Timeout", "timeout"),
        ("RateLimit", "rate limited"),
        ("Authentication", "authentication failed"),
        ("PermissionDenied", "authentication failed"),
        ("NotFound", "model not found"),
        ("Connection", "connection failed"),
    ):
        if marker in names:
            return reason
    return f"model error ({type(exc).__name__})"


def _raw_text(raw: object) -> str:
    """The model's previous answer as text, so the repair request can quote it."""
    if isinstance(raw, AIMessage):
        if raw.tool_calls:
            return json.dumps(raw.tool_calls[0].get("args", {}))[:4_000]
        invalid = getattr(raw, "invalid_tool_calls", None)
        if invalid:
            return str(invalid[0].get("args", ""))[:4_000]
        return str(raw.content)[:4_000]
    return ""


def _short_error(error: object) -> str:
    if isinstance(error, ValidationError):
        parts = [f"{'.'.join(map(str, e['loc'])) or 'plan'}: {e['msg']}" for e in error.errors()[:5]]
        return "; ".join(parts)
    return f"{type(error).__name__}: {error}"[:500]
