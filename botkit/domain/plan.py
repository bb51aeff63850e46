"""The shot plan: what a planner produces and what every later stage consumes."""

from __future__ import annotations

import math
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

PlatformId = Literal[
    "tiktok",
    "reels",
    "shorts",
    "youtube",
    "instagram-feed",
    "instagram-portrait",
    "linkedin",
    "x",
]
PLATFORM_IDS: tuple[str, ...] = PlatformId.__args__  # type: ignore[attr-defined]

SkillName = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]{0,39}$")]


class Limits:
    """Hard limits of one plan. Errors quote these numbers to the user."""

    MAX_REQUEST_CHARS = 2_000
    MAX_PROMPT_CHARS = 1_000
    MAX_TOTAL_S = 60.0
    MIN_SHOT_S = 0.5
    MAX_SHOT_S = 20.0
    MAX_SHOTS = 12
    MAX_IMAGES = 12


class ShotMode(StrEnum):
    TEXT_TO_VIDEO = "t2v"
    IMAGE_TO_VIDEO = "i2v"


class ShotKind(StrEnum):
    """Where a shot's pixels come from: an engine (``generated``), the user's own clip
    (``footage``), or a photo or panel animated by camera words (``still``)."""

    GENERATED = "generated"
    FOOTAGE = "footage"
    STILL = "still"


TransitionKind = Literal[
    "cut", "crossfade", "dip-black", "dip-white", "wipe-left", "wipe-right", "wipe-up", "wipe-down",
    "slide-left", "slide-right", "slide-up", "slide-down",
]  # fmt: skip
"""How a shot gives way to the next (``botkit.media.transitions`` renders them with ffmpeg xfade)."""
Reframe = Literal["follow", "crop", "pad"]


DEFAULT_NEGATIVE_PROMPT = "blurry, low quality, distorted, watermark, text artifacts, flicker"


class Narration(BaseModel):
    """What a shot says aloud: the line, its language, and optionally a voice id for it alone."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=600)
    language: str = Field(default="en", pattern=r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$")
    voice: str | None = Field(default=None, max_length=80)

    @field_validator("text")
    @classmethod
    def _text_not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("narration text is blank")
        return value


class Shot(BaseModel):
    """One continuous camera shot, rendered by one engine call."""

    model_config = ConfigDict(extra="forbid")

    index: int = Field(ge=0, lt=Limits.MAX_SHOTS)
    prompt: str = Field(min_length=1, max_length=Limits.MAX_PROMPT_CHARS)
    negative_prompt: str = Field(default=DEFAULT_NEGATIVE_PROMPT, max_length=Limits.MAX_PROMPT_CHARS)
    duration_s: float = Field(ge=Limits.MIN_SHOT_S, le=Limits.MAX_SHOT_S)
    mode: ShotMode = ShotMode.TEXT_TO_VIDEO
    image: str | None = Field(default=None, description="Input image (path) for image-to-video.")
    camera: str | None = Field(default=None, max_length=80, description="Camera/motion words.")
    seed: int = Field(ge=0, lt=2**32)
    caption: str | None = Field(default=None, max_length=200)
    narration: Narration | None = Field(default=None, description="The line spoken over this shot.")
    # bring your own media (issue 17): the shot's source, and how it joins the shot before it
    kind: ShotKind = ShotKind.GENERATED
    footage: str | None = Field(default=None, description="The user's clip (a path in the asset store) for footage.")
    in_s: float = Field(default=0.0, ge=0, description="Footage: where the shot starts in the clip.")
    speed: float = Field(default=1.0, ge=0.25, le=4.0, description="Footage: 2 plays twice as fast.")
    reframe: Reframe = Field(default="follow", description="Footage: subject-following crop, centre crop or pad.")
    keep_audio: bool = Field(default=False, description="Footage: keep the clip's own sound.")
    fit: Literal["crop", "pad"] = Field(default="crop", description="Still: crop to the aspect, or pad (never squash).")
    transition: TransitionKind = Field(default="cut", description="Into this shot from the one before.")
    transition_s: float = Field(default=0.5, ge=0, le=3)

    @field_validator("prompt")
    @classmethod
    def _prompt_not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("prompt is blank")
        return value

    @model_validator(mode="after")
    def _image_matches_mode(self) -> Shot:
        if self.mode is ShotMode.IMAGE_TO_VIDEO and not self.image:
            raise ValueError(f"shot {self.index}: image-to-video needs an input image")
        if self.mode is ShotMode.TEXT_TO_VIDEO and self.image:
            raise ValueError(f"shot {self.index}: text-to-video takes no input image")
        if self.kind is ShotKind.FOOTAGE and (not self.footage or self.image):
            raise ValueError(f"shot {self.index}: a footage shot needs a clip (footage) and no image")
        if self.kind is not ShotKind.FOOTAGE and self.footage:
            raise ValueError(f"shot {self.index}: only a footage shot takes a clip")
        if self.kind is ShotKind.STILL and not self.image:
            raise ValueError(f"shot {self.index}: a still shot needs an image")
        return self


HexColour = Annotated[str, Field(pattern=r"^#[0-9a-fA-F]{6}$")]


class EndCard(BaseModel):
    """A crisp brand card drawn over the video's last seconds by post-processing (not generated):
    name, call to action, URL and logo on the brand's colours. Skills set it (the marketing skill
    from its brand kit)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=80)
    cta: str = Field(default="", max_length=80)
    url: str = Field(default="", max_length=120)
    logo: str | None = Field(default=None, description="Logo image: an absolute path or a path in the asset store.")
    background: HexColour = "#111827"
    foreground: HexColour = "#FFFFFF"
    accent: HexColour = "#F59E0B"


class ShotPlan(BaseModel):
    """A whole video: ordered shots, target platforms and presentation choices."""

    model_config = ConfigDict(extra="forbid")

    skill: SkillName
    request: str = Field(max_length=Limits.MAX_REQUEST_CHARS)
    title: str = Field(min_length=1, max_length=120)
    platforms: list[PlatformId] = Field(min_length=1, max_length=len(PLATFORM_IDS))
    shots: list[Shot] = Field(min_length=1, max_length=Limits.MAX_SHOTS)
    total_duration_s: float = Field(gt=0, le=Limits.MAX_TOTAL_S)
    style: str = Field(default="", max_length=200)
    captions: bool = False
    end_card: EndCard | None = None
    planner: str = Field(default="offline/1", max_length=80)
    notes: list[str] = Field(
        default_factory=list,
        max_length=8,
        description="What the planner could not do as asked, for the reply (e.g. no web address is configured).",
    )
    voice: str | None = Field(
        default=None, max_length=80, description="Voice id for every line; None: the language's default."
    )
    voice_rate: float = Field(default=1.0, ge=0.5, le=2.0, description="Speaking rate: below 1 slower, above 1 faster.")
    music: str | None = Field(
        default=None, max_length=1000, description="A built-in bed (calm, upbeat, ...) or a music file; None: no music."
    )

    font: str | None = Field(
        default=None,
        max_length=1000,
        description="The captions' and end card's font (a path in the asset store, e.g. a brand kit's); None: built in.",
    )

    @property
    def narrated(self) -> bool:
        return any(shot.narration is not None for shot in self.shots)

    ai_badge: bool | None = Field(
        default=None,
        description="The on-screen 'AI' corner badge, as the site or workspace set it; None: the skill's "
        "config, else the deployment's BOTKIT_AI_BADGE.",
    )

    @field_validator("platforms")
    @classmethod
    def _unique_platforms(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError(f"platforms repeat: {value}")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> ShotPlan:
        indices = [shot.index for shot in self.shots]
        if indices != list(range(len(self.shots))):
            raise ValueError(f"shot indices must be 0..{len(self.shots) - 1} in order, got {indices}")
        total = sum(shot.duration_s for shot in self.shots)
        if not math.isclose(total, self.total_duration_s, abs_tol=0.01):
            raise ValueError(
                f"total_duration_s {self.total_duration_s} differs from the sum of shot durations {total:.2f}"
            )
        return self

    def summary(self) -> str:
        """A few human lines: what a chat channel replies with before rendering."""
        lines = [
            f"{self.title}: {len(self.shots)} shot(s), {self.total_duration_s:g} s, "
            f"for {', '.join(self.platforms)}" + (" with captions" if self.captions else "")
        ]
        for shot in self.shots:
            how = "from image" if shot.mode is ShotMode.IMAGE_TO_VIDEO else "from text"
            if shot.kind is ShotKind.FOOTAGE:
                how = f"your clip from {shot.in_s:g} s" + (f" at {shot.speed:g}x" if shot.speed != 1 else "")
            elif shot.kind is ShotKind.STILL:
                how = "your photo"
            camera = f", {shot.camera}" if shot.camera and shot.kind is not ShotKind.FOOTAGE else ""
            into = f" ({shot.transition} {shot.transition_s:g} s in)" if shot.index and shot.transition != "cut" else ""
            lines.append(f"  {shot.index + 1}. {shot.duration_s:g} s {how}{camera}{into}: {shot.prompt}")
            if shot.narration is not None:
                lines.append(f'     says: "{shot.narration.text}"')
        if self.narrated:
            voice = self.voice or "default voice"
            pace = "" if self.voice_rate == 1 else f", rate {self.voice_rate:g}"
            lines.append(f"  narrated ({voice}{pace})" + (f", music: {self.music}" if self.music else ""))
        elif self.music:
            lines.append(f"  music: {self.music}")
        if self.end_card is not None:
            cta = f": {self.end_card.cta}" if self.end_card.cta else ""
            lines.append(f"  ends on a {self.end_card.name} card{cta}")
        lines += [f"  note: {note}" for note in self.notes]
        return "\n".join(lines)
