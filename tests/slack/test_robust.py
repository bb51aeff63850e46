"""/slack/events under hostile input: the signature is checked before the body is parsed, bodies
are capped, malformed deliveries get a short JSON 4xx (never a 500), and a delivery whose handler
died is taken over by Slack's retry and handled once."""

from __future__ import annotations

import json
import time
import urllib.parse

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from botkit.store.inbound import InboundRepository
from tests.slack.conftest import SECRET, Server, mention, slack_settings

MALFORMED = {
    "broken json": ("{not json", "application/json"),
    "a json array": ("[1, 2, 3]", "application/json"),
    "null event": (json.dumps({"type": "event_callback", "event_id": "Ev1", "event": None}), "application/json"),
    "no type": (json.dumps({"event": {"type": "app_mention"}}), "application/json"),
    "payload not json": ("payload=%7Bnope", "application/x-www-form-urlencoded"),
    "payload an array": ("payload=%5B1%5D", "application/x-www-form-urlencoded"),
    "form without payload": ("a=1&b=2", "application/x-www-form-urlencoded"),
    # found by the fuzz below: Bolt itself fails on a user id that is a number
    "numeric user": (
        json.dumps({"type": "event_callback", "event_id": "Ev2", "event": {"type": "message", "user": 5}}),
        "application/json",
    ),
}


@pytest.fixture
def slack_server(fake_slack, make_bot, serve) -> Server:
    server, _channel = serve(make_bot(), slack_settings(fake_slack, delivery_lease_s=1.0))
    return server


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_deliveries_get_a_short_json_4xx(slack_server: Server, fake_slack, name: str) -> None:
    body, content_type = MALFORMED[name]
    unsigned = slack_server.post(body, content_type, secret="wrong")
    signed = slack_server.post(body, content_type)
    assert unsigned.status_code == 401 and "signature" in unsigned.json()["error"]
    assert signed.status_code == 400, signed.text
    assert len(signed.json()["error"]) < 80
    assert fake_slack.calls_to("chat.postMessage") == []


def test_invalid_utf8_and_oversized_bodies(slack_server: Server) -> None:
    raw = b"\xff\xfe{\x80}"
    stamp = str(int(time.time()))
    import hashlib
    import hmac

    digest = hmac.new(SECRET.encode(), f"v0:{stamp}:".encode() + raw, hashlib.sha256).hexdigest()
    response = slack_server.http.post(
        "/slack/events",
        content=raw,
        headers={
            "Content-Type": "application/json",
            "X-Slack-Request-Timestamp": stamp,
            "X-Slack-Signature": f"v0={digest}",
        },
    )
    assert response.status_code == 400 and "UTF-8" in response.json()["error"]
    huge = json.dumps({"type": "event_callback", "pad": "x" * (2**20 + 10)})
    assert slack_server.post(huge, "application/json").status_code == 413
    assert slack_server.post(huge, "application/json", secret="wrong").status_code == 413  # before any parsing


bodies = st.one_of(
    st.binary(max_size=300).map(lambda b: b.decode("latin-1")),
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=20),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
        max_leaves=10,
    ).map(json.dumps),
    st.fixed_dictionaries(
        {
            "type": st.sampled_from(["event_callback", "url_verification", "block_actions", "x"]),
            "event_id": st.one_of(st.none(), st.text(max_size=12)),
            "team_id": st.one_of(st.none(), st.just("T1"), st.integers()),
            "event": st.one_of(
                st.none(),
                st.text(max_size=5),
                st.fixed_dictionaries(
                    {
                        "type": st.sampled_from(["app_mention", "message", 7]),
                        "channel": st.one_of(st.none(), st.just("C1")),
                    },
                    optional={"text": st.text(max_size=30), "ts": st.text(max_size=12), "user": st.integers()},
                ),
            ),
        }
    ).map(json.dumps),
    st.dictionaries(st.sampled_from(["payload", "command", "text", "x"]), st.text(max_size=40), max_size=3).map(
        urllib.parse.urlencode
    ),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    body=bodies,
    content_type=st.sampled_from(["application/json", "application/x-www-form-urlencoded", "text/plain", ""]),
    signed=st.booleans(),
)
def test_fuzzed_deliveries_never_500(slack_server: Server, body: str, content_type: str, signed: bool) -> None:
    response = slack_server.post(body, content_type, secret=SECRET if signed else "wrong")
    assert response.status_code < 500, (response.status_code, response.text[:200])
    if not signed:
        assert response.status_code == 401
    if response.status_code in (400, 401, 413):
        assert response.json()["error"]


def test_a_delivery_whose_handler_died_is_taken_over_by_the_retry(slack_server: Server, fake_slack, make_bot) -> None:
    bot = make_bot()
    body = mention("T1", "C1", "a promo for our lamp")
    thread = body["event"]["ts"]
    # a process claimed the delivery and was killed before it acknowledged
    dead = InboundRepository(bot.repo.sessions).claim(f"slack:{body['event_id']}", "slack", lease_s=1.0)
    assert dead.owned
    retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    assert slack_server.event(body, headers=retry).status_code == 409  # it might still be alive
    time.sleep(1.2)
    assert slack_server.event(body, headers={**retry, "X-Slack-Retry-Num": "2"}).status_code == 200
    conversation_id = fake_slack.wait_for(lambda: bot.find_conversation(f"slack:T1:C1:{thread}"), what="plan")
    fake_slack.wait_for(lambda: len(fake_slack.thread("C1", thread)) == 2, what="plan and status")
    assert slack_server.event(body, headers={**retry, "X-Slack-Retry-Num": "3"}).status_code == 200
    time.sleep(0.5)
    assert len(bot.jobs.of_conversation(conversation_id)) == 1
    assert len(fake_slack.thread("C1", thread)) == 2
