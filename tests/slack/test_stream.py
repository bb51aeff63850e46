"""The streamed reply against the fake Slack: which task chunks each job event sends (only the
changed ones), Slack's limits kept, and the age after which the watcher hands over."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from botkit.agent import OfflinePlanner, PlanRequest
from botkit.channels.slack.app import web_client
from botkit.channels.slack.records import JobRecord
from botkit.channels.slack.stream import TASK_CHARS, StreamedReply
from botkit.domain.jobs import JobEvent
from tests.slack.conftest import slack_settings


def event(kind: str, **data) -> JobEvent:
    return JobEvent(id=1, conversation_id="c", job_id="j", kind=kind, data=data, created_at=datetime.now(UTC))


def reply(fake_slack, channel: str = "C1", user: str | None = "UALICE") -> StreamedReply:
    plan = OfflinePlanner().plan(PlanRequest(text="a 12 second promo for our lamp in 3 shots " + "glowing " * 60))
    client = web_client(slack_settings(fake_slack), "xoxb-T1-token")
    thread = client.chat_postMessage(channel=channel, text="the request")["ts"]
    record = JobRecord(job_id="j", conversation_id="c", team="T1", channel=channel, thread_ts=thread, user=user)
    return StreamedReply(client, record, plan, max_age_s=240)


def test_each_event_sends_only_the_tasks_that_changed(fake_slack):
    stream = reply(fake_slack)
    ts = stream.start()
    message = fake_slack.messages[("C1", ts)]
    shots = len(stream.plan.shots)
    assert shots == 3
    assert list(message["tasks"]) == ["shot-1", "shot-2", "shot-3", "post"]
    assert {t["status"] for t in message["tasks"].values()} == {"pending"}
    assert all(len(t["title"]) <= TASK_CHARS for t in message["tasks"].values())  # a long prompt is cut

    assert stream.progress(event("started")) is False  # nothing changed: no call
    assert stream.progress(event("rendering", shot=0, shots=3, step=1, steps=4))
    assert stream.progress(event("rendering", shot=0, shots=3, step=2, steps=4)) is False
    assert stream.progress(event("rendering", shot=2, shots=3, step=1, steps=4))
    last = fake_slack.calls_to("chat.appendStream")[-1].params["chunks"]
    assert {(c["id"], c["status"]) for c in last} == {
        ("shot-1", "complete"),
        ("shot-2", "complete"),
        ("shot-3", "in_progress"),
    }
    assert stream.progress(event("post"))
    stream.stop(event("done"), "Done.", [{"type": "section", "text": {"type": "mrkdwn", "text": "Done."}}])
    message = fake_slack.messages[("C1", ts)]
    assert message["streaming_state"] == "completed"
    assert [t["status"] for t in message["tasks"].values()] == ["complete"] * 4
    assert message["tasks"]["shot-2"]["history"] == ["pending", "complete"]  # rendered between two looks
    assert message["markdown"].endswith("Done.")


def test_a_failure_marks_the_running_task(fake_slack):
    stream = reply(fake_slack)
    ts = stream.start()
    stream.progress(event("rendering", shot=1, shots=3, step=1, steps=4))
    stream.stop(event("failed", error="boom"), "Rendering failed: boom", [])
    tasks = fake_slack.messages[("C1", ts)]["tasks"]
    assert [tasks[t]["status"] for t in ("shot-1", "shot-2", "shot-3", "post")] == [
        "complete",
        "error",
        "pending",
        "pending",
    ]


def test_a_channel_stream_names_its_recipient_and_ages(fake_slack):
    stream = reply(fake_slack, user=None)
    try:
        stream.start()
    except Exception as exc:  # Slack wants the recipient outside a DM
        assert "missing_recipient_user_id" in str(exc)
    else:
        raise AssertionError("a channel stream without a recipient was accepted")
    stream = reply(fake_slack)
    stream.start()
    assert not stream.expired()
    stream.max_age_s = 0.01
    time.sleep(0.05)
    assert stream.expired()
