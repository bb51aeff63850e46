"""The social skill: platform-native short clips with a hook in the first seconds and captions."""

from __future__ import annotations

from pydantic import Field

from botkit.domain import ShotPlan
from botkit.skills import PlanDefaults, Skill, SkillArgs, SkillConfig, SkillRequest


class SocialArgs(SkillArgs):
    hook: str | None = Field(default=None, max_length=80, description="The line on screen in the first seconds.")


class SocialConfig(SkillConfig):
    handle: str | None = Field(
        default=None, pattern=r"^@?[A-Za-z0-9_.]{1,30}$", description="Account shown at the end."
    )


class SocialSkill(Skill):
    name = "social"
    label = "Social clip"
    description = (
        "Platform-native short clips for TikTok, Instagram Reels, YouTube Shorts and feed posts: a hook "
        "in the first two seconds, captions on by default, several platforms from one request."
    )
    priority = 30
    keywords = (
        r"\btik\s?tok\b|\breels?\b|\bshorts\b|\bshort youtube\b|\bsocial\b|\bviral\b|\bhook\b",
        r"\b(instagram|insta) (post|posts|stor(y|ies)|feed)\b",
        r"\bredes sociales\b|\bredes\b|\bgancho\b",
        r"\breseaux sociaux\b|\baccroche\b",
        r"\bsoziale\w*|\bsocial media\b",
    )
    defaults = PlanDefaults(platforms=("tiktok",), total_s=10.0, shot_s=3.5, shots=3, captions=True, hook_s=2.0)
    Args = SocialArgs
    Config = SocialConfig

    def plan(self, draft: ShotPlan, request: SkillRequest, args: SocialArgs, config: SocialConfig) -> ShotPlan:
        shots = list(draft.shots)
        first = shots[0]
        shots[0] = first.model_copy(
            update={
                "prompt": f"{first.prompt}, attention-grabbing first moment"[:1000],
                "caption": (args.hook or first.caption) if draft.captions else None,
            }
        )
        if config.handle and draft.captions and len(shots) >= 2:
            handle = config.handle if config.handle.startswith("@") else f"@{config.handle}"
            shots[-1] = shots[-1].model_copy(update={"caption": f"follow {handle}"})
        return draft.model_copy(update={"shots": shots})
