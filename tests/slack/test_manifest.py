"""The app manifest in the repo asks for what the code needs, and points at the mounted routes."""

from __future__ import annotations

from pathlib import Path

import yaml

from botkit.channels.slack.settings import DEFAULT_SCOPES

MANIFEST = Path(__file__).resolve().parents[2] / "slack" / "manifest.yaml"


def test_manifest_matches_the_app():
    manifest = yaml.safe_load(MANIFEST.read_text())
    assert sorted(manifest["oauth_config"]["scopes"]["bot"]) == sorted(DEFAULT_SCOPES)
    assert manifest["oauth_config"]["redirect_urls"][0].endswith("/slack/oauth_redirect")
    (command,) = manifest["features"]["slash_commands"]
    assert command["command"] == "/video" and command["url"].endswith("/slack/events")
    settings = manifest["settings"]
    assert settings["event_subscriptions"]["request_url"].endswith("/slack/events")
    assert settings["interactivity"]["request_url"].endswith("/slack/events")
    events = set(settings["event_subscriptions"]["bot_events"])
    assert {"app_mention", "message.im", "message.channels"} <= events
    # every message.* event needs its *:history scope
    for event in events - {"app_mention"}:
        assert event.replace("message.", "") + ":history" in DEFAULT_SCOPES
    assert manifest["features"]["app_home"]["messages_tab_enabled"] is True  # DMs
