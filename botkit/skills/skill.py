"""The Skill API: what a kind of video bot declares (name, description, schemas, defaults, hooks)."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from botkit.domain import Limits, PlatformId, TransitionKind

API_VERSION = 1
"""Version of this SDK. A skill states the version it was written for in ``Skill.api_version``;
one from a newer SDK is refused at load with a message saying which botkit it needs."""

NAME_PATTERN = r"^[a-z][a-z0-9_-]{0,39}$"


class SkillArgs(BaseModel):
    """Structured arguments of a request. Its JSON schema drives LLM tool calls and chat forms.

    Subclass it to add a skill's own fields; every field is optional: what is left out comes from
    the request text and the skill's defaults.
    """

    model_config = ConfigDict(extra="forbid")

    subject: str | None = Field(default=None, max_length=200, description="What the video is about.")
    duration_s: float | None = Field(
        default=None, gt=0, le=Limits.MAX_TOTAL_S, description="Total length of the video in seconds."
    )
    platforms: list[PlatformId] | None = Field(default=None, description="Where the video will be posted.")
    shots: int | None = Field(default=None, ge=1, le=Limits.MAX_SHOTS, description="Number of shots.")
    captions: bool | None = Field(default=None, description="Burn in captions.")
    camera: str | None = Field(default=None, max_length=80, description='Camera move, e.g. "slow push in".')


class SkillConfig(BaseModel):
    """Per workspace / site settings of a skill (brand kit, default platforms ...). Subclass it."""

    model_config = ConfigDict(extra="forbid")

    default_platforms: list[PlatformId] | None = Field(
        default=None, description="Platforms used when a request names none."
    )
    ai_badge: bool | None = Field(
        default=None, description="The on-screen 'AI' corner badge on this skill's videos; None: the deployment's."
    )


class SkillRequest(BaseModel):
    """A request as a skill's hooks see it: already checked and cleaned by the host."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str
    images: tuple[str, ...] = ()
    platforms: tuple[str, ...] = ()
    seed: int | None = None


class PlanDefaults(BaseModel):
    """What a planner uses when the request does not say."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    platforms: tuple[PlatformId, ...] = ("youtube",)
    total_s: float | None = Field(default=15.0, gt=0, le=Limits.MAX_TOTAL_S, description="None: shot_s x shots.")
    shot_s: float = Field(default=4.0, ge=Limits.MIN_SHOT_S, le=Limits.MAX_SHOT_S)
    shots: int = Field(default=3, ge=1, le=Limits.MAX_SHOTS)
    captions: bool = False
    hook_s: float | None = Field(default=None, ge=Limits.MIN_SHOT_S, le=Limits.MAX_SHOT_S, description="First shot.")
    shot_per: Literal["duration", "image", "step"] = Field(
        default="duration", description="How the shot count is chosen: by length, one per image, one per step."
    )
    caption_style: Literal["title", "numbered"] = "title"
    narration: Literal["steps", "voiceover", "hook", "quoted"] | None = Field(
        default=None,
        description="What the offline planner narrates: each step read aloud, a voice-over ending on the call to "
        "action, a hook line, or only the lines the user quotes; None: silent.",
    )
    music: str | None = Field(default=None, description="Built-in music bed of a narrated plan (None: none).")
    transition: TransitionKind = Field(default="cut", description="Between shots unless the request names one.")
    transition_s: float = Field(default=0.5, ge=0, le=3)


class ShotTemplate(BaseModel):
    """Prompt patterns for a skill's shots. ``{subject}``, ``{step}`` and ``{n}`` are filled in."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: str = Field(default="1", max_length=20)
    style: str = Field(default="", max_length=200)
    shots: tuple[str, ...] = Field(default=("{subject}, shot {n}",), min_length=1)
    cameras: tuple[str, ...] = Field(default=("static",), min_length=1)


class Skill:
    """Base class of every skill. Subclass it, set the class attributes, implement any hooks
    from ``botkit.skills.hookspec`` as methods, and register the class under the ``botkit.skills``
    entry-point group."""

    name: ClassVar[str]
    description: ClassVar[str]
    """One or two sentences; what routers (the LLM agent, a human picking from a list) read."""
    label: ClassVar[str | None] = None
    """What the skill makes, for plan titles ("Promo", "How-to"); default: the name."""
    version: ClassVar[str] = "1"
    api_version: ClassVar[int] = API_VERSION
    keywords: ClassVar[tuple[str, ...]] = ()
    """Regular expressions matched on the lower-cased, accent-folded request; any hit routes to this skill."""
    priority: ClassVar[int] = 100
    """Routing order: lower first. Built-ins use 10-40 so that specific skills can go before them."""
    min_images: ClassVar[int | None] = None
    """Chosen for a request carrying at least this many images when no keyword matched."""
    defaults: ClassVar[PlanDefaults] = PlanDefaults()
    preview_first: ClassVar[bool] = False
    """Show an animatic of the plan for approval before the diffusion render, where the channel
    decides by skill (Slack, the web widget); a request can still say otherwise."""
    template: ClassVar[ShotTemplate | None] = None
    """Shot prompts; ``None`` uses the planner's versioned template for this skill's name."""
    Args: ClassVar[type[SkillArgs]] = SkillArgs
    Config: ClassVar[type[SkillConfig]] = SkillConfig

    def parse_args(self, data: dict[str, Any] | SkillArgs | None) -> SkillArgs:
        if isinstance(data, self.Args):
            return data
        return self.Args.model_validate(data or {})

    def parse_config(self, data: dict[str, Any] | SkillConfig | None) -> SkillConfig:
        if isinstance(data, self.Config):
            return data
        return self.Config.model_validate(data or {})

    def describe(self) -> dict[str, Any]:
        """Name, description and JSON schemas: what ``botkit skills list`` and tool builders show."""
        return {
            "name": self.name,
            "version": self.version,
            "description": self.description,
            "args_schema": self.Args.model_json_schema(),
            "config_schema": self.Config.model_json_schema(),
        }

    def __repr__(self) -> str:
        return f"<Skill {self.name} v{self.version}>"
