"""Follow-ups worth offering under a finished video, fitted to what it already is.

Each suggestion is a follow-up ``revise`` understands; a channel shows its label on a button and
sends its text (Slack sends the id, so a forged button can only pick one of these). A vertical video
gets no "Vertical version", a captioned one "Remove captions" instead of "Add captions".
"""

from __future__ import annotations

from pydantic import BaseModel

from botkit.agent.words import ASPECTS
from botkit.domain import ShotPlan


class Suggestion(BaseModel):
    id: str
    label: str
    text: str


SUGGESTIONS: dict[str, Suggestion] = {
    s.id: s
    for s in (
        Suggestion(id="take", label="Another take", text="another take"),
        Suggestion(id="vertical", label="Vertical version", text="vertical for TikTok too"),
        Suggestion(id="widescreen", label="Widescreen version", text="widescreen for YouTube too"),
        Suggestion(id="square", label="Square version", text="square for the Instagram feed too"),
        Suggestion(id="captions-on", label="Add captions", text="add captions"),
        Suggestion(id="captions-off", label="Remove captions", text="no captions"),
    )
}
_ASPECT_OF = {"vertical": "9:16", "widescreen": "16:9", "square": "1:1"}


def suggestions_for(plan: ShotPlan, limit: int = 4) -> list[Suggestion]:
    """Another take; the aspects the video is not made in yet (vertical first); captions on or off."""
    made = {ASPECTS[platform] for platform in plan.platforms}
    chosen = [SUGGESTIONS["take"]]
    chosen += [SUGGESTIONS[key] for key, aspect in _ASPECT_OF.items() if aspect not in made]
    captions = SUGGESTIONS["captions-off" if plan.captions else "captions-on"]
    return [*chosen[: limit - 1], captions]
