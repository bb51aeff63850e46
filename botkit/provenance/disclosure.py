"""The words that tell people AI was involved: an "AI-generated" line for replies, the widget and
video descriptions, and the bot's first message saying it is an AI assistant (EU AI Act Art. 50(1))."""

from __future__ import annotations

AI_GENERATED = {
    "en": "AI-generated video",
    "de": "KI-generiertes Video",
    "fr": "Vidéo générée par IA",
    "es": "Vídeo generado por IA",
    "it": "Video generato dall'IA",
}
ASSISTANT_INTRO = {
    "en": "Hi! I'm {name}, an AI assistant. I plan and render short videos with AI models; "
    "everything I make is AI-generated and marked as such.",
    "de": "Hallo! Ich bin {name}, ein KI-Assistent. Ich plane und erstelle kurze Videos mit KI-Modellen; "
    "alles, was ich erstelle, ist KI-generiert und als solches gekennzeichnet.",
    "fr": "Bonjour ! Je suis {name}, un assistant IA. Je planifie et génère de courtes vidéos avec des modèles "
    "d'IA ; tout ce que je crée est généré par IA et signalé comme tel.",
    "es": "¡Hola! Soy {name}, un asistente de IA. Planifico y genero vídeos cortos con modelos de IA; "
    "todo lo que creo está generado por IA y se indica como tal.",
    "it": "Ciao! Sono {name}, un assistente IA. Pianifico e genero brevi video con modelli di IA; "
    "tutto ciò che creo è generato dall'IA e segnalato come tale.",
}


def language(code: str | None) -> str:
    """The disclosure language for a locale like ``de-AT``; English when there is no translation."""
    base = (code or "en").replace("_", "-").split("-")[0].lower()
    return base if base in AI_GENERATED else "en"


def ai_generated_line(lang: str | None = "en") -> str:
    """The one line every reply, widget result and description carries: "AI-generated video"."""
    return AI_GENERATED[language(lang)]


def assistant_intro(name: str = "botkit", lang: str | None = "en") -> str:
    """The first message of a new conversation: the bot says it is an AI assistant."""
    return ASSISTANT_INTRO[language(lang)].format(name=name)


def with_disclosure(text: str, lang: str | None = "en", *, max_chars: int | None = None) -> str:
    """``text`` followed by the AI-generated line (once), shortened if needed so that, within
    ``max_chars``, the disclosure is never the part that is cut."""
    line = ai_generated_line(lang)
    text = text.strip()
    at = text.lower().find(line.lower())
    if at >= 0:
        if max_chars is None or len(text) <= max_chars:
            return text
        text = (text[:at] + text[at + len(line) :]).strip()  # put it back at the end, where it survives the cut
    suffix = f"\n\n{line}" if text else line
    if max_chars is not None and len(text) + len(suffix) > max_chars:
        room = max_chars - len(suffix)
        if room < 2:
            return line[:max_chars]
        text = text[: room - 1].rstrip() + "…"
    return text + suffix
