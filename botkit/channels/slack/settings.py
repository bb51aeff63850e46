"""Slack settings (``SLACK_`` environment variables), built once at the entry point."""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SCOPES = [
    "app_mentions:read",
    "assistant:write",
    "channels:history",
    "groups:history",
    "im:history",
    "mpim:history",
    "chat:write",
    "commands",
    "files:read",
    "files:write",
]


class SlackSettings(BaseSettings):
    """How botkit talks to Slack: one workspace (a bot token) or many (OAuth install)."""

    model_config = SettingsConfigDict(env_prefix="SLACK_", extra="ignore")

    bot_token: str | None = Field(default=None, description="xoxb- token of a single-workspace install.")
    signing_secret: str | None = Field(default=None, description="Verifies HTTP requests; mounts /slack/* when set.")
    app_token: str | None = Field(default=None, description="xapp- token with connections:write, for Socket Mode.")
    client_id: str | None = Field(default=None, description="With client_secret: multi-workspace OAuth install.")
    client_secret: str | None = None
    scopes: list[str] = Field(default_factory=lambda: list(DEFAULT_SCOPES))
    redirect_uri: str | None = Field(default=None, description="OAuth redirect URL, if not the app's default.")
    api_url: str = Field(default="https://slack.com/api/", description="Slack Web API base URL (tests: a fake).")
    authorize_url: str = Field(default="https://slack.com/oauth/v2/authorize", description="OAuth consent page.")
    approve_before_render: bool = Field(
        default=False, description="Default for workspaces without their own setting: render only after Approve."
    )
    preview_first: Literal["skill", "always", "never"] = Field(
        default="skill",
        description="Show an animatic for Approve / Revise / Cancel before the render: for skills that "
        "ask for it (storyboard, marketing), always, or never. A request's words choose too "
        '("preview first", "no preview").',
    )
    update_every_s: float = Field(default=3.0, gt=0, description="At most one progress chat.update this often.")
    min_update_gap_s: float = Field(default=1.0, ge=0, description="Least time between two status edits.")
    poll_s: float = Field(default=0.5, gt=0, description="How often a job watcher reads the job's event log.")
    max_file_bytes: int = Field(default=20 * 1024 * 1024, description="Largest image a thread may share.")
    max_event_bytes: int = Field(default=1024 * 1024, description="Largest delivery /slack/events reads.")
    stream_replies: Literal["assistant", "always", "never"] = Field(
        default="assistant",
        description="Where progress is a streamed message (plan, one task per shot): AI-app threads, "
        "every thread, or nowhere (a status message edited with chat.update).",
    )
    stream_max_age_s: float = Field(
        default=240.0,
        gt=0,
        description="A stream older than this hands over to a status message (Slack ends "
        "streams about five minutes after they start).",
    )
    bot_name: str = Field(default="botkit", max_length=80, description="How the bot names itself when it says hello.")
    delivery_lease_s: float = Field(
        default=30.0, gt=0, description="An event whose handler stopped renewing its claim this long is taken over."
    )

    @property
    def oauth(self) -> bool:
        """True when the app installs into many workspaces through OAuth."""
        return bool(self.client_id and self.client_secret)

    @property
    def http_enabled(self) -> bool:
        return bool(self.signing_secret)

    def api_base(self) -> str:
        return self.api_url if self.api_url.endswith("/") else self.api_url + "/"
