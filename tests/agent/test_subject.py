"""The subject that goes into every shot prompt: production words out, accents kept, four languages."""

from __future__ import annotations

import pytest

from botkit.agent.subject import find_subject


@pytest.mark.parametrize(
    ("text", "subject"),
    [
        ("Make a 10 second TikTok teaser for our new trail running shoes", "our new trail running shoes"),
        ("product video for our ceramic desk lamp using these photos, 3 shots", "our ceramic desk lamp"),
        ("a 15 second YouTube Shorts video showing our latte art, with captions", "our latte art"),
        ("Haz un anuncio de 20 segundos para nuestras zapatillas de trail", "nuestras zapatillas de trail"),
        ("video para redes sociales de nuestro gimnasio, para Reels y Shorts", "nuestro gimnasio"),
        ("un Short YouTube de 20 secondes sur nos plantes d'intérieur", "nos plantes d'intérieur"),
        ("vidéo produit pour notre sac à dos à partir de ces 2 photos", "notre sac à dos"),
        ("Werbung für unsere Uhr mit diesem Foto, 10 Sekunden, quadratisch", "unsere Uhr"),
        ("ein TikTok Video von 10 Sekunden über unser Café", "unser Café"),
        ("Training video: how to reset the router: 1. Unplug it 2. Wait", "how to reset the router"),
        ("tutoriel vidéo de 20 secondes : comment nettoyer un écran en 4 étapes", "comment nettoyer un écran"),
        ("Schritt für Schritt Anleitung, 20 Sekunden, wie man einen Reifen wechselt", "wie man einen Reifen wechselt"),
        ("   ", ""),
        # a lead word is a whole word: the "o" ending "video"/"promo" is not Portuguese "o"
        ("a 1 second video for X of a red ball bouncing", "a red ball bouncing"),
        ("a 1 second promo for X of our desk lamp", "our desk lamp"),
    ],
)
def test_subject(text: str, subject: str) -> None:
    assert find_subject(text) == subject
