"""App Home: the tab shows the workspace's brand kit and recent videos, a modal edits them (bad
values are answered in the modal, nothing stored), and the planner uses that brand kit for that
workspace only: in channels and in assistant threads, where the channel the user looks at decides."""

from __future__ import annotations

import json

from botkit.channels.slack import home
from tests.slack.conftest import (
    assistant_started,
    dm,
    home_action,
    home_opened,
    mention,
    picked,
    slack_settings,
    typed,
    view_submission,
)


def brand_values(**overrides) -> dict:
    values = {
        "brand_name": typed("Lumo"),
        "colours": typed("#ff6600 #222222"),
        "url": typed("lumo.example"),
        "cta": typed("Shop now"),
        "handle": typed("@lumo_lamps"),
        "platforms": picked("tiktok"),
        "approve": picked(kind="checkboxes"),
    }
    values.update(overrides)
    return values


def texts(view: dict) -> str:
    return json.dumps(view["blocks"])


def test_app_home_edits_reach_the_planner_of_that_workspace_only(fake_slack, make_bot, serve):
    bot = make_bot()
    server, channel = serve(bot, slack_settings(fake_slack))
    fake_slack.add_workspace("T2", "other")

    # the Home tab before anything is set
    assert server.event(home_opened("T1")).status_code == 200
    view = fake_slack.wait_for(lambda: fake_slack.views.get(("T1", "UALICE")), what="home tab")
    assert view["type"] == "home" and "AI assistant" in texts(view)
    assert "_not set_" in texts(view) and "No videos yet" in texts(view)
    server.event(home_opened("T1", tab="messages"))  # the Messages tab is not the Home tab

    # Edit opens the modal with the current values
    response = server.action(home_action("T1", home.EDIT, fake_slack.trigger()))
    assert response.status_code == 200
    (modal,) = fake_slack.wait_for(lambda: fake_slack.modals, what="modal")
    assert modal["callback_id"] == home.SETTINGS
    assert {b["block_id"] for b in modal["blocks"]} == set(home.INPUTS)

    # bad values are answered in the modal, block by block, and nothing is stored
    bad = view_submission(
        "T1", home.SETTINGS, brand_values(colours=typed("orange #12345G"), handle=typed("no spaces!"))
    )
    answer = server.action(bad)
    assert answer.status_code == 200
    assert answer.json()["response_action"] == "errors"
    errors = answer.json()["errors"]
    assert set(errors) == {"colours", "handle"}
    assert "#1A2B3C" in errors["colours"] and "orange" in errors["colours"]
    assert channel.service.records.workspace("T1") == {}

    # good values are stored and the Home tab shows them
    assert server.action(view_submission("T1", home.SETTINGS, brand_values())).status_code == 200
    fake_slack.wait_for(lambda: "Lumo" in texts(fake_slack.views[("T1", "UALICE")]), what="home tab with the brand")
    stored = channel.service.records.workspace("T1")
    assert stored["brand_name"] == "Lumo" and stored["colours"] == ["#FF6600", "#222222"]
    assert stored["default_platforms"] == ["tiktok"] and stored["approve_before_render"] is False

    # a promo in that workspace is planned with its brand kit; another workspace's is not
    ours = mention("T1", "C1", "a promo for our desk lamp with a call to action")
    theirs = mention("T2", "C2", "a promo for our desk lamp with a call to action")
    for body in (ours, theirs):
        server.event(body)
    plans = {}
    for team, body in (("T1", ours), ("T2", theirs)):
        key = f"slack:{team}:{body['event']['channel']}:{body['event']['ts']}"
        conversation_id = fake_slack.wait_for(lambda k=key: bot.find_conversation(k), what="plan")
        plans[team] = bot.repo.latest_plan(conversation_id)[1]
    assert plans["T1"].platforms == ["tiktok"]
    assert "#FF6600" in plans["T1"].style
    assert plans["T1"].end_card is not None and plans["T1"].end_card.name == "Lumo"
    assert plans["T1"].end_card.cta == "Shop now" and plans["T1"].end_card.url == "lumo.example"
    assert plans["T2"].platforms != ["tiktok"] and "#FF6600" not in plans["T2"].style
    assert plans["T2"].end_card is None or plans["T2"].end_card.name != "Lumo"
    # a follow-up is revised with the same brand kit (revisions run the skill's hook too)
    follow = mention("T1", "C1", "make it 6 seconds", thread_ts=ours["event"]["ts"])
    server.event(follow)
    conversation_id = bot.find_conversation(f"slack:T1:C1:{ours['event']['ts']}")
    fake_slack.wait_for(lambda: bot.repo.latest_revision_number(conversation_id) == 2, what="revision")
    assert bot.repo.latest_plan(conversation_id)[1].end_card.name == "Lumo"

    # the Home tab lists the workspace's videos (T2's are not there)
    server.event(home_opened("T1"))
    fake_slack.wait_for(lambda: "No videos yet" not in texts(fake_slack.views[("T1", "UALICE")]), what="recent")
    shown = texts(fake_slack.views[("T1", "UALICE")])
    assert plans["T1"].title in shown and "<#C1>" in shown and "<#C2>" not in shown

    # the trigger was used: a second open with it is refused by Slack and logged, not a 500
    assert server.action(home_action("T1", home.EDIT, "1.2.3")).status_code == 200


def test_the_assistant_uses_the_brand_kit_of_the_channel_the_user_looks_at(fake_slack, make_bot, serve):
    """Enterprise Grid: the assistant runs in the user's DM with the app, but the channel in view
    belongs to workspace T3, whose brand kit applies."""
    bot = make_bot()
    server, channel = serve(bot, slack_settings(fake_slack))
    channel.service.records.update_workspace("T3", brand_name="Nordlicht", default_platforms=["shorts"])
    started = assistant_started("T1", "D1", context_channel="C33", context_team="T3")
    server.event(started)
    thread = started["event"]["assistant_thread"]["thread_ts"]
    prompts = fake_slack.wait_for(lambda: fake_slack.prompts.get(("D1", thread)), what="prompts")
    assert all("Nordlicht" in p["message"] and "for shorts" in p["message"] for p in prompts["prompts"])
    server.event(dm("T1", "D1", "a promo for our lamp", thread_ts=thread))
    conversation_id = fake_slack.wait_for(lambda: bot.find_conversation(f"slack:T1:D1:{thread}"), what="plan")
    plan = bot.repo.latest_plan(conversation_id)[1]
    assert plan.platforms == ["shorts"]


def test_home_and_context_events_are_delivered_once(fake_slack, make_bot, serve):
    from botkit.store.inbound import InboundRepository

    bot = make_bot()
    server, _ = serve(bot, slack_settings(fake_slack))
    body = home_opened("T1")
    server.event(body)
    fake_slack.wait_for(lambda: fake_slack.views.get(("T1", "UALICE")), what="home tab")
    inbound = InboundRepository(bot.repo.sessions)
    fake_slack.wait_for(lambda: inbound.result("slack:" + body["event_id"]) is not None, what="delivery done")
    assert server.event(body, headers={"X-Slack-Retry-Num": "1"}).status_code == 200
    assert len(fake_slack.calls_to("views.publish")) == 1
