"""Library items a request names: "use our spring lookbook photos", "with our logo", "our music",
"the footage of the launch". Pure: text + the tenant's items -> what to place, and the phrases
that named nothing (the reply lists what the library holds instead of dropping them).

Names match words of an item's name, collection and tags (plural or not). "our ..." always
means the library; "my ..." does when its words match an item and no upload of that kind came
with the message (then "my photo" is the upload, placed by ``botkit.agent.media``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from botkit.domain.library import LibraryItem

NOUNS: dict[str, tuple[str, ...]] = {
    "logo": ("logo",),
    "font": ("font",),
    "music": ("music",),
    "photo": ("photo", "panel"),
    "footage": ("footage",),
}
_NOUN_WORDS = {
    "logo": r"logos?",
    "font": r"fonts?|typefaces?",
    "music": r"music|song|soundtrack|jingle|track",
    "photo": r"photos?|pictures?|pics?|images?|stills?|panels?|shots? of",
    "footage": r"footage|clips?|videos?|recordings?",
}
_NOUN = "|".join(f"(?P<{family}>{words})" for family, words in _NOUN_WORDS.items())
_QUALIFIER = r"((?:(?!(?:our|my|with|and|for|in|of|to|the|a|an|from|then|as|on|at)\b)[\w'-]+\s+){0,4}?)"
_OWNED = re.compile(
    rf"\b(our|my)\s+{_QUALIFIER}(?:{_NOUN})\b(?:\s+(?:of|from)\s+(?:the|our|my)\s+([\w'-]+(?:\s+[\w'-]+)?))?"
)
_OF_THE = re.compile(rf"\bthe\s+(?:{_NOUN})\s+(?:of|from)\s+(?:the|our)\s+([\w'-]+(?:\s+[\w'-]+)?)")
_LIBRARY = re.compile(r"\bfrom\s+(?:our|the|my)\s+(?:media\s+)?library\b")
_WEAK = re.compile(r"videos?|songs?|track|soundtrack|jingle|images?|stills?|shots? of|recordings?|pics?|typefaces?")
"""Nouns that also mean the video being made ("our video", "our track"): they take items only
when their words name one, and never make a "matches nothing" reply."""
_STOP = {"the", "a", "an", "of", "our", "my", "new", "own", "all", "some", "few", "best", "latest", "brand"}


def _stem(word: str) -> str:
    word = word.lower().strip("'")
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def _words(text: str) -> set[str]:
    return {_stem(w) for w in re.findall(r"[\w'-]+", text.lower()) if w not in _STOP and len(w) > 1}


def item_words(item: LibraryItem) -> set[str]:
    return _words(" ".join([item.name.replace("_", " ").replace("-", " "), item.collection or "", *item.tags]))


@dataclass
class LibraryPicks:
    """What the request takes from the library, in the order it named them."""

    media: list[LibraryItem] = field(default_factory=list)  # photos, panels and footage: placed as shots
    logo: LibraryItem | None = None
    music: LibraryItem | None = None
    font: LibraryItem | None = None
    missing: list[str] = field(default_factory=list)  # phrases that matched nothing
    phrases: list[str] = field(default_factory=list)  # the text that named items (kept out of the subject)

    @property
    def empty(self) -> bool:
        return not (self.media or self.logo or self.music or self.font or self.missing)


def _family(match: re.Match[str]) -> str:
    return next(family for family in _NOUN_WORDS if match.group(family))


def _best(items: list[LibraryItem], wanted: set[str]) -> list[LibraryItem]:
    """The items that match most of ``wanted`` (all of the family when nothing is wanted)."""
    if not wanted:
        return items
    scored = [(len(wanted & item_words(item)), item) for item in items]
    top = max((score for score, _ in scored), default=0)
    return [item for score, item in scored if score == top and score > 0]


def pick_library(text: str, items: list[LibraryItem], *, uploaded: set[str] | None = None) -> LibraryPicks:
    """The library items ``text`` names. ``uploaded``: the kinds of file that came with the message
    ("image", "video"): "my photo" then means the upload unless its words name an item."""
    uploaded = uploaded or set()
    folded = text.lower()
    picks = LibraryPicks()
    seen: set[str] = set()
    found: list[
        tuple[int, str, str, set[str], bool, str, bool]
    ] = []  # start, family, owner, words, plural, phrase, weak
    for match in _OWNED.finditer(folded):
        family = _family(match)
        noun = match.group(family)
        wanted = _words(match.group(2) or "") | _words(match.group(match.re.groups) or "")
        plural = noun.endswith("s") or family == "footage"
        weak = bool(_WEAK.fullmatch(noun))
        found.append((match.start(), family, match.group(1), wanted, plural, match.group(0), weak))
    for match in _OF_THE.finditer(folded):
        if any(start <= match.start() < start + len(phrase) for start, *_rest, phrase, _weak in found):
            continue
        family = _family(match)
        weak = bool(_WEAK.fullmatch(match.group(family)))
        found.append((match.start(), family, "the", _words(match.group(match.re.groups)), True, match.group(0), weak))
    from_library = bool(_LIBRARY.search(folded))
    for _start, family, owner, wanted, plural, phrase, weak in sorted(found, key=lambda entry: entry[0]):
        kinds = NOUNS[family]
        pool = [item for item in items if item.kind in kinds]
        upload_kind = {"photo": "image", "footage": "video"}.get(family)
        chosen = _best(pool, wanted)
        if weak and not (wanted and chosen):
            continue  # "our video": the one being made, unless its words name an item
        if not wanted and not chosen:
            continue  # "our logo" with none kept: the deployment's brand kit may have one
        if owner != "our" and not from_library:
            # "my photo" / "the clip of the launch": the library only when its words name an item
            # and no upload of that kind came with the message
            if not (wanted and chosen) or (upload_kind in uploaded and owner == "my"):
                if owner == "the" and wanted and upload_kind not in uploaded:
                    picks.missing.append(phrase.strip())
                continue
        if not chosen:
            picks.missing.append(phrase.strip())
            continue
        picks.phrases.append(phrase.strip())
        if family in ("photo", "footage"):
            for item in chosen if plural else chosen[-1:]:
                if item.id not in seen:
                    seen.add(item.id)
                    picks.media.append(item)
        elif family == "logo":
            picks.logo = chosen[-1]
        elif family == "music":
            picks.music = chosen[-1]
        else:
            picks.font = chosen[-1]
    return picks


def library_listing(items: list[LibraryItem], limit: int = 12) -> str:
    """What a library holds, for a reply: ``logo "acme" (abc123), photo "red bottle" in 'spring'``."""
    if not items:
        return "the library is empty (add files with `botkit library add`, the web API or 'add to library' in Slack)"
    shown = [f"{item.label()} (id {item.id[:8]})" for item in items[-limit:]]
    more = f" and {len(items) - limit} more" if len(items) > limit else ""
    return "the library holds: " + "; ".join(shown) + more


def without_phrases(text: str, phrases: list[str]) -> str:
    """``text`` with the phrases that named library items taken out ("use our logo" is not the subject)."""
    for phrase in phrases:
        text = re.sub(rf"(?:,\s*)?(?:\b(?:and|with|use|using)\s+)?{re.escape(phrase)}", "", text, flags=re.IGNORECASE)
    text = re.sub(r"\s+,", ",", re.sub(r"[ \t]{2,}", " ", text)).strip(" ,;")
    return text if re.search(r"[^\W_]", text) else ""
