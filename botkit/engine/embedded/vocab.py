"""The embedded model's closed vocabulary: palette, shapes, motions, captions, and the
deterministic mapping from free shot text onto it.

The model was trained only on captions built by :func:`caption`; :func:`map_prompt` turns any
shot description into such a caption so the engine never asks the model for something unseen.

Mapping rules (first match wins, case-insensitive, word-bounded):

* colours: palette words and synonyms (``crimson`` -> red, ``navy`` -> blue, ...) and hex codes
  (``#1DB954`` -> nearest palette colour in RGB). The first colour word is the object's colour;
  a colour followed by ``background``/``sky``/``backdrop`` (or after ``on a``/``against``) is
  the background. Missing colours are chosen by hash of the prompt, object != background.
* motion: ``left``/``right``/``up``/``down`` phrases (``pan left``, ``moving right``, ``to the
  left``, ``rise``, ``fall``, ``tilt up``) from the prompt and the camera words. A camera pan moves
  the view, so the subject drifts the other way on screen (``pan left`` -> object moves right);
  ``push in``/``zoom in``/``pull out`` are not trained and map to the hash default.
* shape: nouns through :data:`NOUN_SHAPES` (``ball``/``sun`` -> circle, ``box``/``phone`` ->
  square, ``mountain``/``tree`` -> triangle, ...); unknown prompts get a shape by hash.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

PALETTE: dict[str, tuple[int, int, int]] = {
    "red": (220, 40, 40),
    "orange": (245, 140, 20),
    "yellow": (240, 220, 40),
    "green": (40, 170, 60),
    "blue": (40, 80, 220),
    "purple": (140, 50, 180),
    "white": (240, 240, 240),
    "black": (20, 20, 20),
}
COLOURS: tuple[str, ...] = tuple(PALETTE)
SHAPES: tuple[str, ...] = ("circle", "square", "triangle")
DIRECTIONS: tuple[str, ...] = ("left", "right", "up", "down")
OPPOSITE: dict[str, str] = {"left": "right", "right": "left", "up": "down", "down": "up"}

COLOUR_SYNONYMS: dict[str, str] = {
    "crimson": "red",
    "scarlet": "red",
    "maroon": "red",
    "ruby": "red",
    "cherry": "red",
    "amber": "orange",
    "tangerine": "orange",
    "coral": "orange",
    "peach": "orange",
    "gold": "yellow",
    "golden": "yellow",
    "lemon": "yellow",
    "mustard": "yellow",
    "lime": "green",
    "olive": "green",
    "emerald": "green",
    "teal": "green",
    "mint": "green",
    "navy": "blue",
    "cyan": "blue",
    "azure": "blue",
    "cobalt": "blue",
    "turquoise": "blue",
    "violet": "purple",
    "magenta": "purple",
    "lavender": "purple",
    "pink": "purple",
    "indigo": "purple",
    "lilac": "purple",
    "grey": "white",
    "gray": "white",
    "silver": "white",
    "cream": "white",
    "ivory": "white",
    "dark": "black",
    "night": "black",
    "charcoal": "black",
    "ebony": "black",
}

NOUN_SHAPES: dict[str, str] = {
    # round things
    "ball": "circle",
    "sun": "circle",
    "moon": "circle",
    "planet": "circle",
    "coin": "circle",
    "wheel": "circle",
    "orb": "circle",
    "bubble": "circle",
    "face": "circle",
    "head": "circle",
    "clock": "circle",
    "donut": "circle",
    "pizza": "circle",
    "cookie": "circle",
    "eye": "circle",
    "logo": "circle",
    "dot": "circle",
    "circle": "circle",
    "planet's": "circle",
    # boxy things
    "box": "square",
    "phone": "square",
    "screen": "square",
    "card": "square",
    "book": "square",
    "building": "square",
    "house": "square",
    "car": "square",
    "truck": "square",
    "bus": "square",
    "window": "square",
    "door": "square",
    "gift": "square",
    "package": "square",
    "square": "square",
    "laptop": "square",
    "product": "square",
    "bottle": "square",
    "can": "square",
    "sign": "square",
    # pointy things
    "mountain": "triangle",
    "tree": "triangle",
    "rocket": "triangle",
    "arrow": "triangle",
    "tent": "triangle",
    "pyramid": "triangle",
    "sail": "triangle",
    "boat": "triangle",
    "bird": "triangle",
    "plane": "triangle",
    "slice": "triangle",
    "triangle": "triangle",
    "roof": "triangle",
    "peak": "triangle",
    "flame": "triangle",
    "fire": "triangle",
}

# Object motion on screen. Camera pans/tilts move the view, so the subject drifts the other way.
_MOTION_PATTERNS: tuple[tuple[str, str], ...] = (
    (r"\b(pan|pans|panning|track|tracking|truck|trucks|trucking)\s+(to\s+the\s+)?left\b", "right"),
    (r"\b(pan|pans|panning|track|tracking|truck|trucks|trucking)\s+(to\s+the\s+)?right\b", "left"),
    (r"\b(tilt|tilts|tilting|crane|cranes|pedestal)\s+up\b", "down"),
    (r"\b(tilt|tilts|tilting|crane|cranes|pedestal)\s+down\b", "up"),
    (r"\b(left|leftward|leftwards|westward)\b", "left"),
    (r"\b(right|rightward|rightwards|eastward)\b", "right"),
    (r"\b(up|upward|upwards|rise|rises|rising|ascend|ascends|ascending|climb|climbs|lift|launch|launches)\b", "up"),
    (
        r"\b(down|downward|downwards|fall|falls|falling|drop|drops|dropping|sink|sinks|sinking|descend|descends)\b",
        "down",
    ),
)
_HEX = re.compile(r"#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})\b")
_BACKGROUND_AFTER = re.compile(r"^\s*(background|backdrop|sky|wall|backgrounds)\b")
_BACKGROUND_BEFORE = re.compile(r"\b(on|against|over)\s+(a|an|the)?\s*$")


@dataclass(frozen=True)
class Attributes:
    """One point of the toy world's caption space."""

    colour: str
    background: str
    shape: str
    direction: str

    def as_dict(self) -> dict[str, str]:
        return {"colour": self.colour, "background": self.background, "shape": self.shape, "direction": self.direction}


def caption(attrs: Attributes) -> str:
    """The exact training caption for a set of attributes."""
    return f"a {attrs.colour} {attrs.shape} moving {attrs.direction} on a {attrs.background} background"


def all_attributes() -> list[Attributes]:
    """Every caption point (object != background), in a fixed order."""
    return [Attributes(c, b, s, d) for b in COLOURS for c in COLOURS if c != b for s in SHAPES for d in DIRECTIONS]


def all_captions() -> list[str]:
    """Every training caption plus the empty caption (index 0, used for guidance)."""
    return [""] + [caption(a) for a in all_attributes()]


def nearest_colour(rgb: tuple[float, float, float]) -> str:
    """The palette name closest to an RGB triple (Euclidean in RGB)."""
    return min(COLOURS, key=lambda n: sum((float(a) - b) ** 2 for a, b in zip(rgb, PALETTE[n], strict=True)))


def hex_to_rgb(code: str) -> tuple[int, int, int]:
    code = code.lstrip("#")
    if len(code) == 3:
        code = "".join(ch * 2 for ch in code)
    return int(code[0:2], 16), int(code[2:4], 16), int(code[4:6], 16)


def _hash_index(text: str, salt: str, n: int) -> int:
    digest = hashlib.sha256(f"{salt}:{text}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % n


def _colour_mentions(text: str) -> list[tuple[int, int, str]]:
    """(start, end, palette colour) for every colour word or hex code, in order."""
    found: list[tuple[int, int, str]] = []
    words = {**{c: c for c in COLOURS}, **COLOUR_SYNONYMS}
    for m in re.finditer(r"[a-z']+", text):
        if m.group(0) in words:
            found.append((m.start(), m.end(), words[m.group(0)]))
    for m in _HEX.finditer(text):
        found.append((m.start(), m.end(), nearest_colour(hex_to_rgb(m.group(1)))))
    return sorted(found)


def map_direction(text: str) -> str | None:
    """The on-screen object motion a text asks for, or None."""
    lowered = text.lower()
    best: tuple[int, str] | None = None
    for pattern, direction in _MOTION_PATTERNS:
        m = re.search(pattern, lowered)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), direction)
    return best[1] if best else None


def map_shape(text: str) -> str | None:
    for word in re.findall(r"[a-z']+", text.lower()):
        stem = word[:-1] if word.endswith("s") and word[:-1] in NOUN_SHAPES else word
        if stem in NOUN_SHAPES:
            return NOUN_SHAPES[stem]
    return None


def map_prompt(prompt: str, camera: str | None = None) -> Attributes:
    """Map free shot text (and camera words) onto the vocabulary, deterministically."""
    text = prompt.lower()
    key = f"{text}|{(camera or '').lower()}"
    colour: str | None = None
    background: str | None = None
    for start, end, name in _colour_mentions(text):
        if background is None and (_BACKGROUND_AFTER.match(text[end:]) or _BACKGROUND_BEFORE.search(text[:start])):
            background = name
        elif colour is None:
            colour = name
    if colour is None:
        colour = COLOURS[_hash_index(key, "colour", len(COLOURS))]
    if background is None or background == colour:
        others = [c for c in COLOURS if c != colour]
        background = others[_hash_index(key, "background", len(others))]
    direction = map_direction(text)
    if direction is None and camera:
        direction = map_direction(camera)
    if direction is None:
        direction = DIRECTIONS[_hash_index(key, "direction", len(DIRECTIONS))]
    shape = map_shape(text) or SHAPES[_hash_index(key, "shape", len(SHAPES))]
    return Attributes(colour=colour, background=background, shape=shape, direction=direction)
