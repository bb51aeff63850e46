"""The property-tour skill: one smooth walkthrough shot per room, captioned with the room's name."""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import Field

from botkit.domain import Limits, Output, ShotMode, ShotPlan
from botkit.skills import PlanDefaults, ShotTemplate, Skill, SkillArgs, SkillConfig, SkillRequest

_SPLIT = r",|;|\band\b|\by\b|\bet\b|\bund\b|\n"


class TourArgs(SkillArgs):
    rooms: list[str] | None = Field(default=None, max_length=Limits.MAX_SHOTS, description="Rooms in visiting order.")


class AgencyConfig(SkillConfig):
    agency: str | None = Field(default=None, max_length=60, description="Shown on the last shot.")
    listing_text: bool = Field(default=True, description="Write a .txt listing description next to each video.")


def rooms_from(text: str) -> list[str]:
    """ "a tour of the flat: kitchen, living room and balcony" -> ["kitchen", "living room", "balcony"]."""
    if ":" not in text:
        return []
    listed = text.split(":", 1)[1]
    return [room.strip(" .") for room in re.split(_SPLIT, listed, flags=re.IGNORECASE) if room.strip(" .")][
        : Limits.MAX_SHOTS
    ]


class PropertyTourSkill(Skill):
    name = "property-tour"
    label = "Property tour"
    description = (
        "Real-estate walkthroughs: each room named becomes one smooth forward-moving shot with its name as caption."
    )
    version = "1"
    priority = 5  # before the built-ins: "a tour of the flat" must not become a marketing promo
    keywords = (
        r"\b(property|house|home|apartment|flat|condo) tour\b|\bwalk-?through\b|\breal estate\b|\blisting video\b",
        r"\bvisita virtual\b|\brecorrido por\b|\bvisite virtuelle\b|\bvisite de l'appartement\b",
        r"\bwohnungsbesichtigung\b|\brundgang\b|\bimmobilien\w*",
    )
    defaults = PlanDefaults(platforms=("youtube",), total_s=None, shot_s=3.0, shots=3, captions=True)
    template = ShotTemplate(
        version="1",
        style="bright natural light, wide-angle interior photography, tidy and spacious",
        shots=("{subject}, wide interior view, part {n}",),
        cameras=("smooth gimbal walk forward",),
    )
    Args = TourArgs
    Config = AgencyConfig

    def plan(self, draft: ShotPlan, request: SkillRequest, args: TourArgs, config: AgencyConfig) -> ShotPlan:
        rooms = args.rooms or rooms_from(request.text)
        shots = list(draft.shots)
        if rooms:
            seconds = self.defaults.shot_s if args.duration_s is None else args.duration_s / len(rooms)
            base = shots[0]
            shots = [
                base.model_copy(
                    update={
                        "index": i,
                        "prompt": f"the {room} of the property, wide interior view, inviting",
                        "duration_s": round(seconds, 2),
                        "seed": (base.seed + 7919 * i) % 2**32,
                        "caption": room.capitalize() if draft.captions else None,
                        "mode": ShotMode.IMAGE_TO_VIDEO if i < len(request.images) else ShotMode.TEXT_TO_VIDEO,
                        "image": request.images[i] if i < len(request.images) else None,
                    }
                )
                for i, room in enumerate(rooms)
            ]
        if config.agency and draft.captions:
            shots[-1] = shots[-1].model_copy(
                update={"caption": f"{shots[-1].caption or ''} · {config.agency}".strip(" ·")}
            )
        total = round(sum(shot.duration_s for shot in shots), 2)
        return draft.model_copy(update={"shots": shots, "total_duration_s": total})

    def post_process(self, plan: ShotPlan, outputs: list[Output], config: AgencyConfig) -> list[Output] | None:
        if not config.listing_text:
            return None
        rooms = ", ".join(shot.caption or f"shot {shot.index + 1}" for shot in plan.shots)
        for output in outputs:
            Path(output.path).with_suffix(".txt").write_text(
                f"{plan.title}\nRooms: {rooms}\n{output.duration_s:g} s, {output.width}x{output.height}\n",
                encoding="utf-8",
            )
        return outputs
