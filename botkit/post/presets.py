"""Platform presets: output size, frame rate and limits per platform id (data, not logic)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from botkit.domain import PLATFORM_IDS


class PlatformPreset(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    width: int
    height: int
    fps: int
    max_duration_s: float

    @property
    def aspect(self) -> float:
        return self.width / self.height


# Sizes and limits from the platforms' published specs (summarised in shared/research/post-and-quality.md).
PRESETS: dict[str, PlatformPreset] = {
    preset.id: preset
    for preset in [
        PlatformPreset(id="tiktok", name="TikTok", width=1080, height=1920, fps=30, max_duration_s=600),
        PlatformPreset(id="reels", name="Instagram Reels", width=1080, height=1920, fps=30, max_duration_s=900),
        PlatformPreset(id="shorts", name="YouTube Shorts", width=1080, height=1920, fps=30, max_duration_s=180),
        PlatformPreset(id="youtube", name="YouTube", width=1920, height=1080, fps=30, max_duration_s=43_200),
        PlatformPreset(
            id="instagram-feed", name="Instagram feed (1:1)", width=1080, height=1080, fps=30, max_duration_s=60
        ),
        PlatformPreset(
            id="instagram-portrait", name="Instagram feed (4:5)", width=1080, height=1350, fps=30, max_duration_s=60
        ),
        PlatformPreset(id="linkedin", name="LinkedIn", width=1920, height=1080, fps=30, max_duration_s=900),
        PlatformPreset(id="x", name="X", width=1280, height=720, fps=30, max_duration_s=140),
    ]
}
assert set(PRESETS) == set(PLATFORM_IDS), "every platform id needs a preset"


def preset_for(platform: str) -> PlatformPreset:
    try:
        return PRESETS[platform]
    except KeyError:
        raise ValueError(f"unknown platform {platform!r}; choose from: {', '.join(PRESETS)}") from None
