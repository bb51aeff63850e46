"""The training skill: step-by-step instructions become one shot per step with numbered captions, 16:9."""

from __future__ import annotations

import math

from pydantic import Field

from botkit.domain import Limits, Shot, ShotPlan
from botkit.skills import PlanDefaults, Skill, SkillArgs


class TrainingArgs(SkillArgs):
    steps: list[str] | None = Field(
        default=None, min_length=1, max_length=Limits.MAX_SHOTS, description="The instructions, one per shot."
    )


class TrainingSkill(Skill):
    name = "training"
    label = "How-to"
    description = (
        "Training and how-to videos: step-by-step instructions become one shot per step with numbered "
        "captions, steady camera, 16:9."
    )
    priority = 20
    keywords = (
        r"\btraining\b|\btutorial\w*|\bhow[- ]to\b|\bonboarding\b|\bstep[- ]by[- ]step\b|\binstructions?\b|\bsteps\b",
        r"\bformacion\b|\bcapacitacion\b|\bpaso a paso\b|\bpasos\b|\bcomo (hacer|usar|instalar|cambiar)\b",
        r"\btutoriel\w*|\bformation\b|\betape par etape\b|\betapes\b|\bcomment (faire|utiliser|installer|changer)\b",
        r"\bschulung\w*|\banleitung\w*|\bschritt fur schritt\b|\bschritte\b|\beinarbeitung\b|\bwie man\b",
        r"\bformazione\b|\bpasso dopo passo\b|\bpassaggi\b|\bcome (fare|usare|installare|cambiare|preparare|montare|pulire)\b",
        r"\btreinamento\b|\bpasso a passo\b|\bpassos\b|\bcomo (fazer|usar|instalar|trocar|preparar|montar|limpar|dobrar)\b",
        r"教程|教學|教学|培训|培訓|步骤|步驟|如何|怎么|怎麼|怎样|怎樣|第一步|分[一二三四五六七八九十\d]+步",
        r"チュートリアル|研修|手順|やり方|入れ方|使い方|作り方|ステップ|方法",
        r"튜토리얼|교육|방법|단계|하는 법|사용법|끓이는 법|만드는 법",
    )
    defaults = PlanDefaults(
        platforms=("youtube",),
        total_s=None,
        shot_s=4.0,
        shots=3,
        captions=True,
        shot_per="step",
        caption_style="numbered",
        narration="steps",
        music="calm",
    )
    Args = TrainingArgs

    def plan(self, draft: ShotPlan, args: TrainingArgs) -> ShotPlan | None:
        if not args.steps:
            return None  # the planner already made one shot per step found in the text
        total = args.duration_s or self.defaults.shot_s * len(args.steps)
        if total / len(args.steps) < Limits.MIN_SHOT_S or total > Limits.MAX_TOTAL_S:
            raise ValueError(f"{len(args.steps)} steps do not fit in {total:g} s")
        seconds = math.floor(total / len(args.steps) * 10) / 10
        durations = [seconds] * len(args.steps)
        durations[-1] = round(total - seconds * (len(args.steps) - 1), 2)
        base = draft.shots[0]
        shots = [
            Shot(
                index=i,
                prompt=f"step {i + 1}: {step}"[: Limits.MAX_PROMPT_CHARS],
                negative_prompt=base.negative_prompt,
                duration_s=durations[i],
                camera=base.camera,
                seed=(base.seed + 7919 * i) % 2**32,
                caption=f"{i + 1}. {step}"[:200] if draft.captions else None,
            )
            for i, step in enumerate(args.steps)
        ]
        return draft.model_copy(update={"shots": shots, "total_duration_s": round(sum(durations), 2)})
