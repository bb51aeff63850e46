"""The /video slash command, the per-workspace approve-before-render setting and its buttons."""

from __future__ import annotations

import threading
import time

from botkit.channels.slack import blocks as ids
from tests.slack.conftest import block_action, find_action, mention, slack_settings, slash


def test_video_command_with_a_skill_plans_in_a_new_thread(fake_slack, make_bot, serve):
    bot = make_bot()
    server, _ = serve(bot, slack_settings(fake_slack))
    started = time.monotonic()
    response = server.command(
        slash("T1", "C1", "training how to reset the router in 3 steps", fake_slack.response_url())
    )
    assert response.status_code == 200
    assert time.monotonic() - started < 3.0  # acknowledged before the planning

    root = fake_slack.wait_for(lambda: fake_slack.calls_to("chat.postMessage"), what="root message")[0]
    assert "asked for a video" in root.params["text"] and "thread_ts" not in root.params
    root_ts = next(m["ts"] for (c, _), m in fake_slack.messages.items() if c == "C1" and not m["thread_ts"])
    conversation_id = fake_slack.wait_for(lambda: bot.find_conversation(f"slack:T1:C1:{root_ts}"), what="plan")
    _, plan = bot.repo.latest_plan(conversation_id)
    assert plan.skill == "training"
    assert len(plan.shots) == 3
    assert "how to reset the router" in plan.request and not plan.request.startswith("training")
    fake_slack.wait_for(lambda: len(fake_slack.thread("C1", root_ts)) == 3, what="plan and status in the thread")


def test_video_command_help_and_unknown_channel(fake_slack, make_bot, serve):
    bot = make_bot()
    server, _ = serve(bot, slack_settings(fake_slack))
    response = server.command(slash("T1", "C1", "", fake_slack.response_url()))
    assert response.status_code == 200 and "/video storyboard" in response.text

    fake_slack.not_in_channel.add("C9")
    server.command(slash("T1", "C9", "a promo for our lamp", fake_slack.response_url()))
    reply = fake_slack.wait_for(lambda: fake_slack.responses, what="response_url reply")[0]
    assert "/invite" in reply["text"]
    assert bot.find_conversation("slack:T1:C9:") is None


def test_approve_before_render_per_workspace(fake_slack, make_bot, serve):
    fake_slack.add_workspace("T2", "globex")
    bot = make_bot()
    server, channel = serve(bot, slack_settings(fake_slack))
    response = server.command(slash("T1", "C1", "approve on", fake_slack.response_url()))
    assert "now *on*" in response.text
    assert channel.service.approval_required("T1") and not channel.service.approval_required("T2")

    body = mention("T1", "C1", "a 1 second clip of a lamp for x")
    thread = body["event"]["ts"]
    server.event(body)
    plan_message = fake_slack.wait_for(lambda: fake_slack.thread("C1", thread), what="plan")[0]
    approve = find_action(plan_message, ids.APPROVE)
    assert approve is not None
    conversation_id = bot.find_conversation(f"slack:T1:C1:{thread}")
    assert bot.jobs.events(conversation_id=conversation_id) == []  # nothing queued before approval

    # a double click approves once
    clicks = [
        threading.Thread(
            target=server.action, args=(block_action("T1", "C1", plan_message, ids.APPROVE, value=approve["value"]),)
        )
        for _ in range(2)
    ]
    for click in clicks:
        click.start()
    for click in clicks:
        click.join()
    fake_slack.wait_for(lambda: len(fake_slack.thread("C1", thread)) == 2, what="status message")
    jobs = {event.job_id for event in bot.jobs.events(conversation_id=conversation_id)}
    assert len(jobs) == 1
    plan_message = fake_slack.thread("C1", thread)[0]
    assert find_action(plan_message, ids.APPROVE) is None
    assert plan_message["blocks"][-1]["elements"][0]["text"] == "Approved by <@UALICE>."
    assert plan_message["blocks"][0]["type"] == "header"  # the plan itself is kept

    # Cancel on a plan that waits: nothing is queued
    second = mention("T1", "C2", "a promo for our lamp")
    server.event(second)
    waiting = fake_slack.wait_for(lambda: fake_slack.thread("C2", second["event"]["ts"]), what="plan")[0]
    cancel = find_action(waiting, ids.CANCEL)
    server.action(block_action("T1", "C2", waiting, ids.CANCEL, value=cancel["value"]))
    fake_slack.wait_for(lambda: fake_slack.thread("C2", second["event"]["ts"])[0]["edits"] == 1, what="edit")
    assert fake_slack.thread("C2", second["event"]["ts"])[0]["text"] == ":no_entry_sign: Cancelled."
    assert bot.jobs.events(conversation_id=bot.find_conversation(f"slack:T1:C2:{second['event']['ts']}")) == []

    server.command(slash("T1", "C1", "approve off", fake_slack.response_url()))
    assert not channel.service.approval_required("T1")
