"""Preview first, as every channel reads it from a person's words: "approve" / "cancel" answer a
waiting preview; "preview first" or "no preview" in a request choose for that request."""

from __future__ import annotations

import re
from typing import Literal

PreviewMode = Literal["skill", "always", "never"]
"""A channel's default: by the skill (``Skill.preview_first``: storyboard, marketing), always, never."""

DECISIONS = ("approve", "cancel")

_WANT = re.compile(r"\b(?:preview (?:it )?first|with a preview|show me a preview first|animatic first)\b", re.I)
_SKIP = re.compile(
    r"\b(?:no preview|without (?:a )?preview|skip (?:the )?preview|render (?:it )?(?:directly|right away|now))\b", re.I
)


def decision_word(text: str) -> str | None:
    """``approve`` / ``cancel`` (any case, surrounding spaces or a final full stop), else None."""
    word = text.strip().rstrip(".!").strip().lower()
    return word if word in DECISIONS else None


def requested_preview(text: str) -> tuple[bool | None, str]:
    """What a request says about a preview (True, False, None: nothing) and the request without
    those words, so the planner never sees them."""
    choice: bool | None = None
    if _SKIP.search(text):
        choice, text = False, _SKIP.sub(" ", text)
    elif _WANT.search(text):
        choice, text = True, _WANT.sub(" ", text)
    if choice is not None:
        text = re.sub(r"\s+([,.;:!?])", r"\1", " ".join(text.split()))
        text = re.sub(r"([,;:])(?=[,.;:!?]|$)", "", text).strip(" ,;:")
    return choice, text


def preview_default(mode: PreviewMode, skill_default: bool) -> bool:
    return mode == "always" or (mode == "skill" and skill_default)
