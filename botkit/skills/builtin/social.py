"""The social skill: platform-native short clips with a hook in the first seconds and captions."""

from __future__ import annotations

import math

from pydantic import Field

from botkit.domain import Limits, ShotPlan
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
        r"\bsocial\b|\breel\b|\bsocial network\b|\bshorts?\s+(?:de|do|di|auf|en|on|su|sur)\s+youtube\b",
        r"\bredes sociais\b",
        r"抖音|快手|小红书|小紅書|社交媒体|社交媒體|社群|短视频|短視頻",
        r"\bsns\b|インスタ|リール|ショート動画|バズ",
        r"소셜|인스타|릴스|쇼츠|틱톡",
    )
    defaults = PlanDefaults(
        platforms=("tiktok",),
        total_s=10.0,
        shot_s=3.5,
        shots=3,
        captions=True,
        hook_s=2.0,
        narration="hook",
        music="focus",
    )
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

    def revise(self, plan: ShotPlan) -> ShotPlan | None:
        """Keep the hook: after a length change the first shot is still the 2 s hook when it fits."""
        hook = self.defaults.hook_s or 2.0
        shots = list(plan.shots)
        rest = plan.total_duration_s - hook
        if len(shots) < 2 or shots[0].duration_s == hook or rest < Limits.MIN_SHOT_S * (len(shots) - 1):
            return None
        old_rest = sum(shot.duration_s for shot in shots[1:])
        durations = [math.floor(shot.duration_s / old_rest * rest * 10) / 10 for shot in shots[1:]]
        durations[-1] = round(rest - sum(durations[:-1]), 2)
        if min(durations) < Limits.MIN_SHOT_S or max(durations) > Limits.MAX_SHOT_S:
            return None
        shots = [shots[0].model_copy(update={"duration_s": hook})] + [
            shot.model_copy(update={"duration_s": d}) for shot, d in zip(shots[1:], durations, strict=True)
        ]
        return plan.model_copy(update={"shots": shots})
