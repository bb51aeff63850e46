"""A Slack workspace's own settings: its brand kit and defaults, checked, and turned into the skill
configs the planner uses for that workspace (``SkillRegistry.scoped_configs``).

Stored as one JSON object in ``slack_workspaces.settings`` (``SlackRecords.workspace``). A brand kit
field reaches every installed skill whose ``Config`` declares a field of that name (the marketing
skill's ``BrandKit``: ``brand_name``, ``colours``, ``url``, ``cta``; the social skill's ``handle``;
every skill's ``default_platforms``), on top of the deployment's own config of that skill.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from botkit.domain.plan import PlatformId
from botkit.skills import SkillRegistry

BRAND_FIELDS = ("brand_name", "colours", "url", "cta", "handle", "default_platforms")


class WorkspaceSettings(BaseModel):
    """What a workspace sets in its App Home; every field optional (unset: the deployment's)."""

    model_config = ConfigDict(extra="ignore")  # the stored object may carry keys of other features

    approve_before_render: bool | None = Field(default=None, description="Render only after Approve.")
    brand_name: str | None = Field(default=None, max_length=80, description="Name on the end card.")
    colours: list[str] = Field(default_factory=list, max_length=4, description="#RRGGBB: background, then accent.")
    url: str | None = Field(default=None, max_length=120, description="Web address on the end card.")
    cta: str | None = Field(default=None, max_length=60, description='Call to action, e.g. "Shop now".')
    handle: str | None = Field(default=None, pattern=r"^@?[A-Za-z0-9_.]{1,30}$", description="Social account.")
    default_platforms: list[PlatformId] = Field(default_factory=list, description="When a request names none.")
    ai_badge: bool | None = Field(default=None, description='The on-screen "AI" badge on this workspace\'s videos.')

    @field_validator("colours")
    @classmethod
    def _hex(cls, value: list[str]) -> list[str]:
        bad = [colour for colour in value if not (len(colour) == 7 and colour[0] == "#" and _is_hex(colour[1:]))]
        if bad:
            raise ValueError(f"colours must look like #1A2B3C, got {', '.join(bad)}")
        return [colour.upper() for colour in value]

    def brand(self) -> dict[str, Any]:
        """The brand kit and defaults that are set (empty values left out)."""
        values = self.model_dump(include=set(BRAND_FIELDS))
        return {key: value for key, value in values.items() if value not in (None, "", [])}

    def skill_configs(self, skills: SkillRegistry) -> dict[str, dict[str, Any]]:
        """Per installed skill whose config declares any of the set fields: the deployment's config
        of that skill with this workspace's values on top."""
        brand = self.brand()
        configs: dict[str, dict[str, Any]] = {}
        for skill in skills:
            mine = {key: value for key, value in brand.items() if key in skill.Config.model_fields}
            if mine:
                configs[skill.name] = {**skills.config_for(skill.name).model_dump(), **mine}
        return configs


def _is_hex(text: str) -> bool:
    return all(char in "0123456789abcdefABCDEF" for char in text)
