"""Property-based fuzzing of every request schema (hypothesis): whatever arrives, no 500s."""

from __future__ import annotations

from urllib.parse import quote

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from botkit.domain.plan import PLATFORM_IDS

from .conftest import Live

FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=2100)
short = st.text(st.characters(blacklist_categories=("Cs",)), max_size=80)
header_values = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=60).map(str.strip)
numbers = st.one_of(st.integers(min_value=-(2**70), max_value=2**70).map(str), short)
ids = st.one_of(st.just("0" * 32), short.filter(lambda s: s not in ("", ".", "..")))


def ok(response: httpx.Response) -> None:
    assert response.status_code < 500, (response.status_code, response.text[:300])
    if response.status_code >= 400:
        assert response.json()["error"]  # every refusal says why


@FUZZ
@given(
    text=texts,
    platforms=st.lists(st.one_of(st.sampled_from(PLATFORM_IDS), short), max_size=4),
    skill=st.one_of(st.none(), st.sampled_from(["marketing", "social", "storyboard", "training"]), short),
    seed=st.one_of(st.none(), numbers),
    key=st.one_of(st.none(), header_values),
    follow_up=st.booleans(),
)
def test_messages_never_500(live: Live, text, platforms, skill, seed, key, follow_up) -> None:  # type: ignore[no-untyped-def]
    data: dict = {"text": text, "platforms": platforms}
    if skill is not None:
        data["skill"] = skill
    if seed is not None:
        data["seed"] = seed
    headers = live.headers(**({"Idempotency-Key": key} if key is not None else {}))
    with live.client() as client:
        response = client.post("/api/conversations", data=data, headers=headers)
        ok(response)
        if follow_up and response.status_code == 201:
            cid = response.json()["conversation_id"]
            ok(client.post(f"/api/conversations/{cid}/messages", data=data, headers=live.headers()))


@FUZZ
@given(
    conversation_id=ids,
    job_id=ids,
    asset_id=ids,
    last_event_id=header_values,
    query=st.dictionaries(short, short, max_size=3),
)
def test_reads_never_500(live_http: Live, conversation_id, job_id, asset_id, last_event_id, query) -> None:  # type: ignore[no-untyped-def]
    live = live_http  # the event stream needs a real server (a TestClient waits for the whole body)
    cid, jid, aid = (quote(value, safe="") for value in (conversation_id, job_id, asset_id))
    with live.client() as client:
        ok(client.get(f"/api/conversations/{cid}", headers=live.headers()))
        ok(client.post(f"/api/jobs/{jid}/cancel", headers=live.headers()))
        ok(client.get(f"/api/assets/{aid}", params=query))
        ok(client.post(f"/api/conversations/{cid}/messages", data={"text": "another take"}, headers=live.headers()))
        with client.stream(
            "GET",
            f"/api/conversations/{cid}/events",
            params=query,
            headers=live.headers(**{"Last-Event-ID": last_event_id}),
        ) as response:
            assert response.status_code < 500


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | short,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(short, inner, max_size=3),
    max_leaves=8,
)


@FUZZ
@given(body=st.one_of(json_values, st.fixed_dictionaries({"site_key": json_values})), token=header_values)
def test_tokens_and_auth_never_500(live: Live, body, token) -> None:  # type: ignore[no-untyped-def]
    with live.client() as client:
        ok(client.post("/api/tokens/guest", json=body))
        ok(
            client.post(
                "/api/conversations", data={"text": "a teaser"}, headers={"Authorization": f"Bearer {token}".strip()}
            )
        )
        ok(client.get("/api/conversations/x", headers={"Authorization": token}))
