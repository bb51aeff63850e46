"""Keyword tables the offline planner reads requests with: English, Spanish, French, German.

Patterns are matched on a lower-cased, accent-folded copy of the request (see ``fold``).
"""

from __future__ import annotations

from botkit.skills.text import fold

__all__ = ["fold"]


# Platforms named in the request. Order matters: more specific first ("youtube shorts" before "youtube").
PLATFORM_PATTERNS: list[tuple[str, str]] = [
    (r"\byoutube\s+shorts?\b|\bshorts?\s+(de\s+|auf\s+|en\s+|on\s+)?youtube\b|\bshorts\b", "shorts"),
    (r"\btik\s?tok\b", "tiktok"),
    (r"\b(instagram|insta|ig)\s+reels?\b|\breels?\b", "reels"),
    (r"\blinked\s?in\b", "linkedin"),
    (r"\btwitter\b|\bx\s+(post|video)\b|\bon\s+x\b|\bfor\s+x\b|\bpara\s+x\b|\bpour\s+x\b|\bfur\s+x\b", "x"),
    (r"\byoutube\b", "youtube"),
]
# "Instagram" alone means the feed, unless Reels or a 4:5 post was asked for
INSTAGRAM_PATTERN = r"\b(instagram|insta)(\s+(feed|post|posts))?\b"

# Aspect words -> the default platform of that aspect, used only when no named platform has it.
ASPECT_PATTERNS: list[tuple[str, str]] = [
    (r"\b4\s*[:x/]\s*5\b|\bportrait\b|\bretrato\b", "instagram-portrait"),
    (r"\bsquare\b|\b1\s*[:x/]\s*1\b|\bcuadrad[oa]\b|\bcarre\b|\bquadratisch\w*", "instagram-feed"),
    (r"\bvertical\w*\b|\b9\s*[:x/]\s*16\b|\bhochformat\w*", "tiktok"),
    (r"\blandscape\b|\bwidescreen\b|\b16\s*[:x/]\s*9\b|\bhorizontal\w*\b|\bquerformat\w*|\bpaysage\b", "youtube"),
]
ASPECTS: dict[str, str] = {
    "tiktok": "9:16",
    "reels": "9:16",
    "shorts": "9:16",
    "youtube": "16:9",
    "linkedin": "16:9",
    "x": "16:9",
    "instagram-feed": "1:1",
    "instagram-portrait": "4:5",
}

# a shot named by number: "shot 2", "panel 3", "plano 1", "vignette 2", "Einstellung 4"
SHOT_NOUN_PATTERN = (
    r"(?:shot|scene|clip|panel|step|plano|toma|escena|paso|vineta|plan|prise|etape|vignette|panneau"
    r"|einstellung|szene|schritt|bild)"
)

# "2 seconds each": a length per shot, not the total
EACH_PATTERN = (
    r"\s*(each|apiece|per (shot|panel|scene|step|image|clip|board)|cada (uno|una|panel|escena|imagen|plano|paso)|por (panel|escena|imagen|plano|paso|toma)"
    r"|chacun(e)?|par (plan|vignette|image|scene|etape|planche)|jeweils|pro (bild|szene|einstellung|schritt|panel))\b"
)

# unit word -> seconds
DURATION_UNITS: dict[str, float] = {
    **dict.fromkeys(
        [
            "s",
            "sec",
            "secs",
            "second",
            "seconds",
            "segundo",
            "segundos",
            "seg",
            "seconde",
            "secondes",
            "sekunde",
            "sekunden",
            "sek",
        ],
        1.0,
    ),
    **dict.fromkeys(["min", "mins", "minute", "minutes", "minuto", "minutos", "minuten"], 60.0),
    **dict.fromkeys(["hr", "hrs", "hour", "hours", "hora", "horas", "heure", "heures", "stunde", "stunden"], 3600.0),
}

NUMBER_WORDS: dict[str, int] = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "sixty": 60,
    "un": 1,
    "uno": 1,
    "una": 1,
    "dos": 2,
    "tres": 3,
    "cuatro": 4,
    "cinco": 5,
    "seis": 6,
    "siete": 7,
    "ocho": 8,
    "nueve": 9,
    "diez": 10,
    "quince": 15,
    "veinte": 20,
    "treinta": 30,
    "une": 1,
    "deux": 2,
    "trois": 3,
    "quatre": 4,
    "cinq": 5,
    "sept": 7,
    "huit": 8,
    "neuf": 9,
    "dix": 10,
    "quinze": 15,
    "vingt": 20,
    "trente": 30,
    "ein": 1,
    "eine": 1,
    "einen": 1,
    "zwei": 2,
    "drei": 3,
    "vier": 4,
    "funf": 5,
    "sechs": 6,
    "sieben": 7,
    "acht": 8,
    "neun": 9,
    "zehn": 10,
    "zwanzig": 20,
    "dreissig": 30,
}

# count nouns: "5 steps", "3 panels", "four shots"
COUNT_NOUNS: dict[str, str] = {
    **dict.fromkeys(["step", "steps", "paso", "pasos", "etape", "etapes", "schritt", "schritte", "schritten"], "steps"),
    **dict.fromkeys(
        [
            "panel",
            "panels",
            "panel",
            "paneles",
            "vignette",
            "vignettes",
            "panneau",
            "panneaux",
            "bild",
            "bilder",
            "frame",
            "frames",
        ],
        "panels",
    ),
    **dict.fromkeys(
        [
            "shot",
            "shots",
            "scene",
            "scenes",
            "escena",
            "escenas",
            "plan",
            "plans",
            "toma",
            "tomas",
            "szene",
            "szenen",
            "einstellung",
            "einstellungen",
            "clip",
            "clips",
        ],
        "shots",
    ),
}

CAPTION_PATTERN = (
    r"\bcaption\w*|\bsubtitle\w*|\bsubtitul\w*|\bsous[- ]titre\w*|\buntertitel\w*|\btext overlay\w*"
    r"|\bon[- ]screen text\b|\bleyenda\w*|\blegende\w*|\bbeschriftung\w*"
)
NO_CAPTION_PATTERN = r"\bno (captions?|subtitles?|text)\b|\bwithout (captions?|subtitles?|text)\b|\bsin subtitulos\b|\bsans sous-titres\b|\bohne untertitel\b"

CAMERA_PATTERNS: list[tuple[str, str]] = [
    (
        r"\bpush(es|ing)? in\b|\bzoom(s|ing)? in\b|\bdolly in\b|\bacercamiento\b|\bzoom avant\b|\bheranzoom\w*",
        "push in",
    ),
    (
        r"\bpull(s|ing)? (out|back)\b|\bzoom(s|ing)? out\b|\bdolly out\b|\balejamiento\b|\bzoom arriere\b|\bherauszoom\w*",
        "pull out",
    ),
    (
        r"\bpan(s|ning)? (to the )?left\b|\bpaneo a la izquierda\b|\bpanoramique (vers la |a )?gauche\b|\bschwenk nach links\b",
        "pan left",
    ),
    (
        r"\bpan(s|ning)? (to the )?right\b|\bpaneo a la derecha\b|\bpanoramique (vers la |a )?droite\b|\bschwenk nach rechts\b",
        "pan right",
    ),
    (r"\btilt(s|ing)? up\b", "tilt up"),
    (r"\btilt(s|ing)? down\b", "tilt down"),
    (r"\borbit\w*\b|\bcircl(e|ing) around\b", "orbit"),
    (r"\bstatic\b|\blocked[- ]off\b|\bstill camera\b|\bfija\b|\bfixe\b|\bstatisch\w*", "static"),
]

# words removed when the planner extracts the subject of the request
FILLER_PATTERN = (
    r"^(please\s+)?(can you\s+|could you\s+)?(make|create|generate|produce|render|build|give me|i need|i want|we need)\s+(me\s+|us\s+)?"
    r"|^(haz|hazme|crea|creame|genera|fais|faites|cree|creez|erstelle|erstellen sie|mach|mache)\s+"
)
