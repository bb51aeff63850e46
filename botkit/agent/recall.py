"""Which of a request's content words reach the shot prompts: what the fidelity set scores and
what the LLM planner asks the model to repair. Kept apart from ``content`` (the word lists) and
``reading`` (which uses them), so neither imports the other back."""

from __future__ import annotations

import re
from functools import lru_cache

from botkit.agent import content, reading, words


@lru_cache(maxsize=256)
def content_words(text: str) -> tuple[str, ...]:
    """The content words of a request: "a detective walks through the rain at night with a
    flashlight, 10 s for TikTok" -> (detective, walks, rain, night, flashlight). Shot markers
    ("panel 2", "第二格") and lengths said of one shot are not content; what is said of it is."""
    read = reading.read(text)
    pieces = [read.description, *(note.content for note in read.notes.values())]
    # "comment réinitialiser la box: ...": the how-to marker opening a segment is not content
    pieces = [
        re.sub(words.HOW_TO_PATTERN, "", part.strip()) for piece in pieces for part in re.split(r"[:：\n]", piece)
    ]
    return tuple(content.words_of("\n".join(piece for piece in pieces if piece), read.language))


def missing_words(text: str, prompts: list[str]) -> list[str]:
    """The request's content words that none of ``prompts`` keeps, in the user's spelling."""
    joined = words.fold(" \n ".join(prompts))
    return [word for word in content_words(text) if not content.is_kept(word, joined)]
