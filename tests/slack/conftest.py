"""Fixtures for the Slack scenarios: a fake Slack, a bot with workers, botkit's Slack endpoints
served by uvicorn on 127.0.0.1, and signed deliveries."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import socket
import threading
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from botkit.channels.slack.settings import SlackSettings
from botkit.settings import Settings
from tests.slack.fake_slack import FakeSlack

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")
os.environ["NO_PROXY"] = os.environ["NO_PROXY"] + ",127.0.0.1"


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    with FakeSlack() as slack:
        slack.add_workspace("T1", "acme")
        yield slack


@pytest.fixture
def bot_settings(tmp_path: Path) -> Settings:
    # tiny-wan renders text only: shots from uploaded panels go to the animatic (plans are checked)
    return Settings(
        data_dir=tmp_path / "data", engine="tiny-wan", task_engines={"i2v": "animatic"}, steps=1, job_stale_s=60
    )


class GatedEngine:
    """The tiny engine, holding each render after its last step until ``release()``: a test sees
    the job in the middle of rendering for as long as it needs, however busy the machine is."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self.gate = threading.Event()
        self.holding = threading.Event()

    def __getattr__(self, name: str) -> Any:  # name, native_fps, native_size, snapping rules ...
        return getattr(self.engine, name)

    def release(self) -> None:
        self.gate.set()

    def generate(self, request: Any, on_progress: Any = None) -> Any:
        def progress(step: int, total: int) -> None:
            if on_progress is not None:
                on_progress(step, total)  # the job's "rendering" event is written here
            if step == total:
                self.holding.set()
                if not self.gate.wait(120):
                    raise RuntimeError("the test never released the gated engine")

        return self.engine.generate(request, progress)


@pytest.fixture
def gated_engine(tiny_engine) -> GatedEngine:
    return GatedEngine(tiny_engine)


@pytest.fixture
def make_bot(bot_settings: Settings, request: pytest.FixtureRequest):
    """Bots on one data dir (a second call is the same service after a restart); the tiny engine
    is loaded only for bots that render (``engine``: another one, e.g. ``gated_engine``)."""
    from botkit.bot import Bot

    opened = []

    def make(workers: bool = False, engine: Any = None) -> Bot:
        if workers and engine is None:
            engine = request.getfixturevalue("tiny_engine")
        bot = Bot.open(bot_settings, engine=engine if workers else None)
        if workers:
            bot.start_workers()
        opened.append(bot)
        return bot

    yield make
    for bot in opened:
        bot.stop_workers()
        bot.db.dispose()


def slack_settings(fake: FakeSlack, **overrides: Any) -> SlackSettings:
    values: dict[str, Any] = {
        "bot_token": "xoxb-T1-token",
        "signing_secret": SECRET,
        "api_url": fake.api_url,
        "authorize_url": f"{fake.base}/oauth/v2/authorize",
        "update_every_s": 0.5,
        "min_update_gap_s": 0.2,
        "poll_s": 0.1,
        "preview_first": "never",  # scenarios of the direct flow; tests/slack/test_preview.py turn it on
    }
    values.update(overrides)
    return SlackSettings(**values)


class Server:
    """uvicorn serving a FastAPI app with botkit's Slack endpoints, in a thread."""

    def __init__(self, fastapi_app: Any) -> None:
        import uvicorn

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        config = uvicorn.Config(fastapi_app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        self.http = httpx.Client(base_url=f"http://127.0.0.1:{self.port}", timeout=30, trust_env=False)

    def post(
        self,
        body: str,
        content_type: str,
        *,
        timestamp: int | None = None,
        secret: str = SECRET,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        stamp = str(timestamp if timestamp is not None else int(time.time()))
        digest = hmac.new(secret.encode(), f"v0:{stamp}:{body}".encode(), hashlib.sha256).hexdigest()
        sent = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": stamp,
            "X-Slack-Signature": f"v0={digest}",
            **(headers or {}),
        }
        return self.http.post("/slack/events", content=body.encode(), headers=sent)

    def event(self, body: dict[str, Any], **kwargs: Any) -> httpx.Response:
        return self.post(json.dumps(body), "application/json", **kwargs)

    def command(self, fields: dict[str, str], **kwargs: Any) -> httpx.Response:
        return self.post(urllib.parse.urlencode(fields), "application/x-www-form-urlencoded", **kwargs)

    def action(self, payload: dict[str, Any], **kwargs: Any) -> httpx.Response:
        body = urllib.parse.urlencode({"payload": json.dumps(payload)})
        return self.post(body, "application/x-www-form-urlencoded", **kwargs)

    def close(self) -> None:
        self.http.close()
        self.server.should_exit = True
        self.thread.join(10)


@pytest.fixture
def serve() -> Iterator[Any]:
    """``serve(bot, slack_settings) -> (Server, SlackChannel)``: a fresh FastAPI app per call."""
    from fastapi import FastAPI

    from botkit.channels.slack.app import mount

    started: list[tuple[Server, Any]] = []

    def start(bot: Any, settings: SlackSettings) -> tuple[Server, Any]:
        app = FastAPI()
        channel = mount(app, bot, settings)
        server = Server(app)
        started.append((server, channel))
        return server, channel

    yield start
    for server, channel in started:
        server.close()
        if channel is not None:
            channel.close()


# -- payloads as Slack sends them ---------------------------------------------------------------

_counter = iter(range(1, 1_000_000))


def new_ts() -> str:
    return f"{1690000000 + next(_counter)}.000200"


def event_callback(team: str, event: dict[str, Any], event_id: str | None = None) -> dict[str, Any]:
    return {
        "token": "legacy-verification-token",
        "team_id": team,
        "api_app_id": "A0BOTKIT",
        "event": event,
        "type": "event_callback",
        "event_id": event_id or f"Ev{next(_counter):08d}",
        "event_time": int(time.time()),
        "authorizations": [{"team_id": team, "user_id": "UBOT", "is_bot": True, "is_enterprise_install": False}],
        "is_ext_shared_channel": False,
    }


def mention(
    team: str,
    channel: str,
    text: str,
    *,
    ts: str | None = None,
    thread_ts: str | None = None,
    files: list | None = None,
) -> dict[str, Any]:
    event: dict[str, Any] = {
        "type": "app_mention",
        "user": "UALICE",
        "text": f"<@UBOT> {text}",
        "ts": ts or new_ts(),
        "channel": channel,
        "event_ts": ts or new_ts(),
    }
    if thread_ts:
        event["thread_ts"] = thread_ts
    if files:
        event["files"] = files
    return event_callback(team, event)


def message(
    team: str,
    channel: str,
    text: str,
    *,
    thread_ts: str | None = None,
    channel_type: str = "channel",
    files: list | None = None,
) -> dict[str, Any]:
    ts = new_ts()
    event: dict[str, Any] = {
        "type": "message",
        "user": "UALICE",
        "text": text,
        "ts": ts,
        "channel": channel,
        "event_ts": ts,
        "channel_type": channel_type,
    }
    if thread_ts:
        event["thread_ts"] = thread_ts
    if files:
        event["subtype"] = "file_share"
        event["files"] = files
    return event_callback(team, event)


def slash(team: str, channel: str, text: str, response_url: str) -> dict[str, str]:
    return {
        "token": "legacy-verification-token",
        "team_id": team,
        "team_domain": "acme",
        "channel_id": channel,
        "channel_name": "general",
        "user_id": "UALICE",
        "user_name": "alice",
        "command": "/video",
        "text": text,
        "api_app_id": "A0BOTKIT",
        "response_url": response_url,
        "trigger_id": f"{next(_counter)}.trigger",
    }


def block_action(
    team: str,
    channel: str,
    message: dict[str, Any],
    action_id: str,
    *,
    value: str | None = None,
    selected: str | None = None,
) -> dict[str, Any]:
    action: dict[str, Any] = {"action_id": action_id, "block_id": "b", "action_ts": f"{time.time():.6f}"}
    if selected is not None:
        action.update(
            type="static_select", selected_option={"text": {"type": "plain_text", "text": selected}, "value": selected}
        )
    else:
        action.update(type="button", value=value)
    return {
        "type": "block_actions",
        "team": {"id": team, "domain": "acme"},
        "user": {"id": "UALICE", "team_id": team},
        "api_app_id": "A0BOTKIT",
        "token": "legacy-verification-token",
        "container": {
            "type": "message",
            "message_ts": message["ts"],
            "channel_id": channel,
            "is_ephemeral": False,
            "thread_ts": message.get("thread_ts"),
        },
        "trigger_id": f"{next(_counter)}.trigger",
        "channel": {"id": channel, "name": "general"},
        "message": {**message, "type": "message"},
        "response_url": "http://127.0.0.1:9/unused",
        "actions": [action],
    }


def find_action(message: dict[str, Any], action_id: str) -> dict[str, Any] | None:
    for block in message.get("blocks") or []:
        for element in block.get("elements") or []:
            if element.get("action_id") == action_id:
                return element
    return None


# -- the AI app: assistant threads, App Home, modals -------------------------------------------


def assistant_started(
    team: str,
    channel: str,
    *,
    user: str = "UALICE",
    context_channel: str | None = "C1",
    context_team: str | None = None,
) -> dict[str, Any]:
    """``assistant_thread_started``: Slack opened a new assistant thread (its root is Slack's own)."""
    context: dict[str, Any] = {}
    if context_channel:
        context = {"channel_id": context_channel, "team_id": context_team or team, "enterprise_id": None}
    thread_ts = new_ts()
    event = {
        "type": "assistant_thread_started",
        "assistant_thread": {"user_id": user, "context": context, "channel_id": channel, "thread_ts": thread_ts},
        "event_ts": new_ts(),
    }
    return event_callback(team, event)


def assistant_context_changed(team: str, channel: str, thread_ts: str, context_channel: str, **kwargs: Any) -> dict:
    body = assistant_started(team, channel, context_channel=context_channel, **kwargs)
    body["event"]["type"] = "assistant_thread_context_changed"
    body["event"]["assistant_thread"]["thread_ts"] = thread_ts
    return body


def dm(team: str, channel: str, text: str, *, thread_ts: str | None = None) -> dict[str, Any]:
    """A ``message.im`` from Alice (in an assistant thread when ``thread_ts`` is its thread)."""
    return message(team, channel, text, thread_ts=thread_ts, channel_type="im")


def home_opened(team: str, user: str = "UALICE", tab: str = "home") -> dict[str, Any]:
    event = {"type": "app_home_opened", "user": user, "channel": "DHOME", "tab": tab, "event_ts": new_ts()}
    return event_callback(team, event)


def home_action(team: str, action_id: str, trigger_id: str, user: str = "UALICE") -> dict[str, Any]:
    """A button in the Home tab: no channel, no message, a view and a trigger."""
    return {
        "type": "block_actions",
        "team": {"id": team, "domain": "acme"},
        "user": {"id": user, "team_id": team},
        "api_app_id": "A0BOTKIT",
        "token": "legacy-verification-token",
        "container": {"type": "view", "view_id": "VHOME"},
        "trigger_id": trigger_id,
        "view": {"id": "VHOME", "type": "home", "team_id": team, "blocks": []},
        "actions": [
            {"action_id": action_id, "block_id": "b", "type": "button", "value": "edit", "action_ts": f"{time.time()}"}
        ],
    }


def view_submission(team: str, callback_id: str, values: dict[str, Any], user: str = "UALICE") -> dict[str, Any]:
    return {
        "type": "view_submission",
        "team": {"id": team, "domain": "acme"},
        "user": {"id": user, "team_id": team},
        "api_app_id": "A0BOTKIT",
        "token": "legacy-verification-token",
        "trigger_id": f"{next(_counter)}.trigger",
        "view": {
            "id": "VMODAL",
            "team_id": team,
            "type": "modal",
            "callback_id": callback_id,
            "state": {"values": values},
            "hash": "1.2",
            "private_metadata": "",
        },
    }


def typed(text: str | None) -> dict[str, Any]:
    """A plain text input's state in a view submission."""
    return {"value": {"type": "plain_text_input", "value": text}}


def picked(*values: str, kind: str = "multi_static_select") -> dict[str, Any]:
    options = [{"text": {"type": "plain_text", "text": v}, "value": v} for v in values]
    return {"value": {"type": kind, "selected_options": options}}
