"""Keeps secrets out of replies: the API key and the system prompt never appear in a plan."""

from __future__ import annotations

import re
from collections.abc import Iterable

from botkit.domain import ShotPlan

MIN_FRAGMENT_CHARS = 24  # shorter overlaps with the system prompt are ordinary words, not a leak


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def secret_fragments(secrets: Iterable[str]) -> list[str]:
    """What must never be echoed: each secret whole, and every sentence or line of a long one."""
    fragments: list[str] = []
    for secret in secrets:
        if not secret:
            continue
        fragments.append(_normalise(secret))
        for piece in re.split(r"[\n.:!?]", secret):
            piece = _normalise(piece)
            if len(piece) >= MIN_FRAGMENT_CHARS:
                fragments.append(piece)
    return [f for f in dict.fromkeys(fragments) if f]


def leaked(text: str, fragments: list[str]) -> bool:
    folded = _normalise(text)
    return any(fragment in folded for fragment in fragments)


def plan_text(plan: ShotPlan) -> str:
    """Every string a user could be shown from a plan."""
    parts = [plan.title, plan.style, plan.summary()]
    for shot in plan.shots:
        parts += [shot.prompt, shot.negative_prompt, shot.caption or "", shot.camera or ""]
    return "\n".join(parts)


def plan_leaks(plan: ShotPlan, fragments: list[str]) -> bool:
    return leaked(plan_text(plan), fragments)
