"""Text helpers skills share with the planners: accent folding for multilingual keyword matching."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Lower-case and strip accents: "Vidéo Größe" -> "video grosse". Keywords match this form."""
    text = text.lower().replace("ß", "ss")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
