"""Words that ask to keep shared files in the workspace's media library ("add to library"), in
the planner's ten languages, with an optional collection ("... as spring lookbook")."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_ADD = re.compile(
    r"(?:\b(?:add|save|put|keep|store)\b(?:\s+(?:this|these|it|them|the files?))?\s+(?:to|in|into)\s+(?:the\s+|our\s+|my\s+)?(?:media\s+)?library\b"
    r"|\ba[nñ]adir\s+a\s+la\s+biblioteca\b|\bguardar\s+en\s+la\s+biblioteca\b"  # es
    r"|\bajouter\s+(?:a|à)\s+la\s+(?:bibliotheque|mediatheque)\b"  # fr (accents folded)
    r"|\bzur\s+(?:bibliothek|mediathek)\s+hinzufugen\b|\bin\s+die\s+(?:bibliothek|mediathek)\b"  # de
    r"|\baggiungi\s+alla\s+(?:libreria|biblioteca)\b"  # it
    r"|\badicionar\s+(?:a|à)\s+biblioteca\b"  # pt
    r"|添加到(?:素材)?库|加入(?:素材)?库|新增到(?:素材)?庫|加入(?:素材)?庫"  # zh
    r"|ライブラリに(?:追加|保存)"  # ja
    r"|라이브러리에\s*(?:추가|저장))",  # ko
    re.IGNORECASE,
)
_COLLECTION = re.compile(r"\b(?:as|in|collection|called|named)\s+[\"'“]?([^\"'”.!?\n]{1,120})", re.IGNORECASE)


@dataclass(frozen=True)
class LibraryRequest:
    collection: str | None = None


def _fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def library_request(text: str) -> LibraryRequest | None:
    """A ``LibraryRequest`` when the words ask to add the shared files to the library, else None."""
    folded = _fold(text)  # accents folded for the Latin scripts; CJK and Hangul are matched as written
    found = _ADD.search(folded)
    if found is None:
        folded = text
        found = _ADD.search(text)
    if found is None:
        return None
    rest = folded[found.end() :]
    collection = _COLLECTION.search(rest)
    name = collection.group(1).strip() if collection else ""
    return LibraryRequest(collection=name[:120] or None)
