"""The app manifests in the repo (HTTP mode and Socket Mode) ask for what the code needs, subscribe
to the events the listeners handle, and point at the mounted routes."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from botkit.channels.slack.settings import DEFAULT_SCOPES

FOLDER = Path(__file__).resolve().parents[2] / "slack"
DOCS = Path(__file__).resolve().parents[2] / "docs" / "slack.md"
EVENTS = {
    "app_mention",
    "app_home_opened",
    "assistant_thread_started",
    "assistant_thread_context_changed",
    "message.im",
    "message.channels",
}


@pytest.mark.parametrize("name", ["manifest.yaml", "manifest.socket.yaml"])
def test_manifest_matches_the_app(name: str):
    manifest = yaml.safe_load((FOLDER / name).read_text())
    socket = manifest["settings"]["socket_mode_enabled"]
    assert socket is (name == "manifest.socket.yaml")
    assert sorted(manifest["oauth_config"]["scopes"]["bot"]) == sorted(DEFAULT_SCOPES)
    assert {"assistant:write", "chat:write", "im:history"} <= set(DEFAULT_SCOPES)
    (command,) = manifest["features"]["slash_commands"]
    assert command["command"] == "/video"
    settings = manifest["settings"]
    if socket:  # no public URL anywhere
        assert "request_url" not in settings["event_subscriptions"] and "url" not in command
        assert "redirect_urls" not in manifest["oauth_config"]
    else:
        assert command["url"].endswith("/slack/events")
        assert manifest["oauth_config"]["redirect_urls"][0].endswith("/slack/oauth_redirect")
        assert settings["event_subscriptions"]["request_url"].endswith("/slack/events")
        assert settings["interactivity"]["request_url"].endswith("/slack/events")
    assert settings["interactivity"]["is_enabled"] is True
    events = set(settings["event_subscriptions"]["bot_events"])
    assert events >= EVENTS
    # every message.* event needs its *:history scope
    for event in {e for e in events if e.startswith("message.")}:
        assert event.replace("message.", "") + ":history" in DEFAULT_SCOPES
    features = manifest["features"]
    assert features["app_home"]["messages_tab_enabled"] is True  # DMs
    assert features["app_home"]["home_tab_enabled"] is True  # the settings and recent videos
    assert "AI-generated" in features["assistant_view"]["assistant_description"]


def test_the_docs_show_both_manifests():
    """docs/slack.md carries each manifest verbatim, so a copy from the page is the one tested here."""
    docs = DOCS.read_text()
    for name in ("manifest.yaml", "manifest.socket.yaml"):
        body = (FOLDER / name).read_text()
        settings = body[body.index("display_information:") :]
        assert settings.strip() in docs, f"docs/slack.md is missing the current {name}"
