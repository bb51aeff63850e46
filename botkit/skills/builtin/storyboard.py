"""The storyboard skill: uploaded panels become image-to-video shots, in order, with per-panel timing and camera."""

from __future__ import annotations

import math
import re

from pydantic import Field

from botkit.domain import Limits, ShotPlan
from botkit.skills import PlanDefaults, Skill, SkillArgs, SkillRequest, fold

_PANEL = r"(?:panel|panneau|vignette|bild|paneles|vineta|tavola|pannello|vignetta|quadro|painel)"
_SECONDS = r"(\d+(?:[.,]\d+)?)\s*(?:s|sec|secs|seconds?|segundos?|secondes?|sekunden?|second[io])\b"
# camera words per panel clause: "panel 2 pans left", "vignette 3 : zoom avant"
_CAMERAS = (
    (r"push(es|ing)? in|zoom(s|ing)? in|dolly in|acercamiento|zoom avant|heranzoom\w*", "push in"),
    (r"pull(s|ing)? (out|back)|zoom(s|ing)? out|alejamiento|zoom arriere|herauszoom\w*", "pull out"),
    (
        r"pan(s|ning)? (to the )?left|paneo a la izquierda|panoramique (vers la |a )?gauche|schwenk nach links",
        "pan left",
    ),
    (
        r"pan(s|ning)? (to the )?right|paneo a la derecha|panoramique (vers la |a )?droite|schwenk nach rechts",
        "pan right",
    ),
    (r"tilt(s|ing)? up", "tilt up"),
    (r"tilt(s|ing)? down", "tilt down"),
    (r"static|locked[- ]off|fija|fixe|statisch\w*", "static"),
)


class StoryboardArgs(SkillArgs):
    panel_durations: list[float] | None = Field(
        default=None, max_length=Limits.MAX_SHOTS, description="Seconds per panel, in order."
    )


def panel_clauses(folded: str) -> dict[int, str]:
    """{2: "pans left for 4 s"} from "..., panel 2 pans left for 4 s, panel 3 ..."."""
    parts = re.split(rf"\b{_PANEL}\s+(\d{{1,2}})\b", folded)
    return {int(number): clause for number, clause in zip(parts[1::2], parts[2::2], strict=True)}


class StoryboardSkill(Skill):
    name = "storyboard"
    label = "Animatic"
    description = (
        "Animatics from storyboard panels: each uploaded panel becomes an image-to-video shot in order, "
        'camera moves come from the text ("slow push in", "pan left"), per-panel durations, cut together.'
    )
    priority = 10
    min_images = 2
    keywords = (
        r"\bstoryboard\w*|\banimatic\w*|\bpanels?\b|\banimate (these|this|my|the)\b",
        r"\bpaneles\b|\bvinetas?\b|\banima (estos|estas|este|esta|mis)\b",
        r"\bvignettes?\b|\bplanche\w*|\banime[rz]? (ces|ce|mes)\b",
        r"\banimiere\w*|\bbildtafel\w*|\bstoryboards?\b",
        r"\btavole\b|\bvignette\b|\banima (queste|questa|questi|le mie)\b",
        r"\bquadros\b|\bpaineis\b|\banime (estes|estas|esse|essa|os|as|meus|minhas)\b",
        r"分镜|分鏡|故事板",
        r"絵コンテ|ストーリーボード|コンテ|アニマティック|パネル|コマ",
        r"스토리보드|콘티|애니매틱|패널",
    )
    defaults = PlanDefaults(
        platforms=("youtube",), total_s=None, shot_s=3.0, shots=3, shot_per="image", narration="quoted"
    )
    preview_first = True  # storyboard artists approve an animatic before a render
    Args = StoryboardArgs

    def plan(self, draft: ShotPlan, request: SkillRequest, args: StoryboardArgs) -> ShotPlan:
        folded = fold(request.text)
        count = len(draft.shots)
        durations = [shot.duration_s for shot in draft.shots]
        cameras = [shot.camera for shot in draft.shots]
        for number, clause in panel_clauses(folded).items():
            if not 1 <= number <= count:
                continue
            seconds = re.search(_SECONDS, clause)
            if seconds:
                durations[number - 1] = float(seconds.group(1).replace(",", "."))
            for pattern, camera in _CAMERAS:
                if re.search(rf"\b(?:{pattern})\b", clause):
                    cameras[number - 1] = camera
                    break
        if args.panel_durations:
            durations[: len(args.panel_durations)] = args.panel_durations[:count]
        durations = [min(max(d, Limits.MIN_SHOT_S), Limits.MAX_SHOT_S) for d in durations]
        total = round(sum(durations), 2)
        if total > Limits.MAX_TOTAL_S:  # keep the proportions, fit the limit
            scale = Limits.MAX_TOTAL_S / total
            durations = [math.floor(d * scale * 10) / 10 for d in durations]
            total = round(sum(durations), 2)
        shots = [
            shot.model_copy(update={"duration_s": durations[i], "camera": cameras[i]})
            for i, shot in enumerate(draft.shots)
        ]
        return draft.model_copy(update={"shots": shots, "total_duration_s": total})
