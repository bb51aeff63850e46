"""``botkit slack`` (the registered command of the real CLI): refuses HTTP mode with a pointer to
``botkit serve``; names missing settings."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from botkit.channels.cli import app


def run(args: list[str], env: dict[str, str]):
    return CliRunner().invoke(app, ["slack", *args], env=env)


def test_without_socket_points_to_serve(tmp_path):
    result = run(["--data-dir", str(tmp_path)], {})
    assert result.exit_code == 2
    assert "botkit serve" in result.output and "--socket" in result.output


def test_socket_mode_names_the_missing_token(tmp_path):
    env = {"SLACK_BOT_TOKEN": "", "SLACK_APP_TOKEN": "", "SLACK_CLIENT_ID": "", "SLACK_CLIENT_SECRET": ""}
    result = run(["--socket", "--data-dir", str(tmp_path), "--engine", "tiny-wan"], env)
    assert result.exit_code == 2
    assert "SLACK_APP_TOKEN" in result.output


def test_a_bad_bot_token_is_named(fake_slack, tmp_path):
    from botkit.bot import Bot
    from botkit.channels.slack.app import SlackSetupError, build_app
    from botkit.settings import Settings
    from tests.slack.conftest import slack_settings

    bot = Bot.open(Settings(data_dir=tmp_path, engine="tiny-wan"))
    with pytest.raises(SlackSetupError, match=r"SLACK_BOT_TOKEN could not be verified.*invalid_auth"):
        build_app(bot, slack_settings(fake_slack, bot_token="xoxb-revoked"))
    assert build_app(bot, slack_settings(fake_slack)).client.token == "xoxb-T1-token"
