"""Keeps secrets out of replies: API keys and the system prompt never appear in a plan or an answer.

Secrets (keys) are caught as exact substrings; instructions (the system prompt) as any run of
``SHINGLE_WORDS`` consecutive words, so a partial or re-punctuated echo is caught too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from botkit.domain import ShotPlan

SHINGLE_WORDS = 7  # shorter runs are ordinary phrases ("plan, render and find videos"), not a leak


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


class Guard:
    def __init__(self, secrets: Iterable[str] = (), instructions: Iterable[str] = ()) -> None:
        self.secrets = [secret for secret in secrets if secret]
        self.shingles: set[tuple[str, ...]] = set()
        for text in instructions:
            tokens = _words(text)
            for start in range(max(0, len(tokens) - SHINGLE_WORDS + 1)):
                self.shingles.add(tuple(tokens[start : start + SHINGLE_WORDS]))

    def leaks(self, text: str) -> bool:
        if any(secret in text for secret in self.secrets):
            return True
        tokens = _words(text)
        return any(
            tuple(tokens[start : start + SHINGLE_WORDS]) in self.shingles
            for start in range(max(0, len(tokens) - SHINGLE_WORDS + 1))
        )

    def plan_leaks(self, plan: ShotPlan) -> bool:
        return self.leaks(plan_text(plan))


def plan_text(plan: ShotPlan) -> str:
    """Every string of a plan a user could be shown, except the request (the user's own words)."""
    parts = [plan.title, plan.style]
    for shot in plan.shots:
        parts += [shot.prompt, shot.negative_prompt, shot.caption or "", shot.camera or ""]
    return "\n".join(parts)
