"""Socket Mode: the same app over a WebSocket from a local Socket Mode server (no public URL)."""

from __future__ import annotations

import time

from botkit.channels.slack import blocks as ids
from botkit.channels.slack.app import socket_mode_handler
from tests.slack.conftest import block_action, find_action, mention, slack_settings, slash


def test_socket_mode_acks_plans_and_ignores_redeliveries(fake_slack, make_bot):
    sockets = fake_slack.start_socket_mode("xapp-1-test")
    bot = make_bot()
    channel, handler = socket_mode_handler(
        bot, slack_settings(fake_slack, signing_secret=None, app_token="xapp-1-test")
    )
    handler.connect()
    try:
        fake_slack.wait_for(lambda: sockets.connections, what="socket connection")
        body = mention("T1", "C1", "a 10 second TikTok teaser for our trail shoes")
        thread = body["event"]["ts"]
        sent = time.monotonic()
        envelope = sockets.push("events_api", body)
        fake_slack.wait_for(lambda: envelope in sockets.acks, timeout=3, what="ack within 3 s")
        assert time.monotonic() - sent < 3
        conversation_id = fake_slack.wait_for(lambda: bot.find_conversation(f"slack:T1:C1:{thread}"), what="plan")
        fake_slack.wait_for(lambda: len(fake_slack.thread("C1", thread)) == 2, what="plan and status")

        again = sockets.push("events_api", body, retry_attempt=1)
        fake_slack.wait_for(lambda: again in sockets.acks, timeout=3, what="ack of the redelivery")
        time.sleep(0.5)
        assert len({e.job_id for e in bot.jobs.events(conversation_id=conversation_id)}) == 1
        assert len(fake_slack.thread("C1", thread)) == 2

        command = sockets.push("slash_commands", slash("T1", "C1", "help", fake_slack.response_url()))
        ack = fake_slack.wait_for(lambda: sockets.acks.get(command), timeout=3, what="command ack")
        assert "/video" in ack["payload"]["text"]

        status = fake_slack.thread("C1", thread)[1]
        cancel = find_action(status, ids.CANCEL)
        click = sockets.push("interactive", block_action("T1", "C1", status, ids.CANCEL, value=cancel["value"]))
        fake_slack.wait_for(lambda: click in sockets.acks, timeout=3, what="button ack")
        fake_slack.wait_for(lambda: bot.jobs.status(cancel["value"]).state == "cancelled", what="cancelled")
        fake_slack.wait_for(lambda: fake_slack.thread("C1", thread)[1]["text"].endswith("Cancelled."), what="status")
    finally:
        handler.close()
        channel.close()


def test_socket_mode_serves_the_assistant_and_the_settings_modal(fake_slack, make_bot):
    from botkit.channels.slack import home
    from tests.slack.conftest import assistant_started, dm, picked, typed, view_submission

    sockets = fake_slack.start_socket_mode("xapp-1-test")
    bot = make_bot()
    channel, handler = socket_mode_handler(
        bot, slack_settings(fake_slack, signing_secret=None, app_token="xapp-1-test")
    )
    handler.connect()
    try:
        fake_slack.wait_for(lambda: sockets.connections, what="socket connection")
        started = assistant_started("T1", "D1")
        thread = started["event"]["assistant_thread"]["thread_ts"]
        sockets.push("events_api", started)
        fake_slack.wait_for(lambda: fake_slack.prompts.get(("D1", thread)), what="greeting and prompts")
        sockets.push("events_api", dm("T1", "D1", "a 1 second clip of a desk lamp for x", thread_ts=thread))
        stream = fake_slack.wait_for(
            lambda: [m for m in fake_slack.thread("D1", thread) if "streaming_state" in m], what="stream"
        )[0]
        assert stream["task_display_mode"] == "plan"

        # a modal submission with a bad value is answered in the envelope's ack
        values = {"colours": typed("red"), "platforms": picked("x"), "brand_name": typed("Lumo")}
        bad = sockets.push("interactive", view_submission("T1", home.SETTINGS, values))
        ack = fake_slack.wait_for(lambda: sockets.acks.get(bad), timeout=3, what="modal ack")
        assert ack["payload"]["response_action"] == "errors" and "colours" in ack["payload"]["errors"]
        values["colours"] = typed("#112233")
        good = sockets.push("interactive", view_submission("T1", home.SETTINGS, values))
        fake_slack.wait_for(lambda: good in sockets.acks, timeout=3, what="modal ack")
        fake_slack.wait_for(lambda: channel.service.records.workspace("T1").get("brand_name") == "Lumo", what="saved")
    finally:
        handler.close()
        channel.close()
