"""What Slack refuses about the AI-app features never reaches the job: a refused stream falls back
to the classic plan and status messages, a refused status line or title is given up, a stream
Slack ended (or that got too old) hands over to a status message. The fake answers the errors."""

from __future__ import annotations

import pytest

from botkit.channels.slack import blocks as ids
from botkit.channels.slack import messages
from botkit.provenance.disclosure import assistant_intro
from tests.slack.conftest import assistant_started, dm, find_action, slack_settings
from tests.slack.test_assistant import REQUEST, started_thread, stream_of


def calls(fake_slack, method: str) -> list:
    return [c for c in fake_slack.calls if c.method.split(":")[0] == method]


@pytest.mark.parametrize("error", ["not_allowed_token_type", "invalid_arguments", "channel_type_not_supported"])
def test_a_workspace_without_the_ai_features_gets_the_classic_replies(fake_slack, make_bot, serve, error):
    """A free workspace (or an app without the agent feature): prompts, status, title and stream
    are all refused. The user still gets the hello, the plan, a status message and the video."""
    for method in (
        "assistant.threads.setSuggestedPrompts",
        "assistant.threads.setStatus",
        "assistant.threads.setTitle",
        "chat.startStream",
    ):
        fake_slack.errors[method] = error if method != "assistant.threads.setSuggestedPrompts" else "not_agent_app"
    bot = make_bot(workers=True)
    server, channel = serve(bot, slack_settings(fake_slack))
    thread = started_thread(server, fake_slack)
    assert fake_slack.thread("D1", thread)[0]["text"] == assistant_intro("botkit")

    server.event(dm("T1", "D1", REQUEST, thread_ts=thread))
    fake_slack.wait_for(lambda: len(fake_slack.uploads) == 2, timeout=90, what="video and poster")
    conversation_id = bot.find_conversation(f"slack:T1:D1:{thread}")
    job_id = bot.jobs.events(conversation_id=conversation_id)[0].job_id
    channel.service.watchers.join(job_id, timeout=30)
    assert bot.jobs.status(job_id).state == "succeeded"

    _greeting, plan, status = fake_slack.thread("D1", thread)
    assert plan["blocks"][0]["type"] == "header"  # the plan the stream would have shown
    assert status["text"].startswith(":white_check_mark: Done: x 1280x720")
    assert find_action(status, ids.TAKE) is not None
    assert all("streaming_state" not in m for m in fake_slack.thread("D1", thread))
    # one refused status line per turn and per job, then no more asking
    assert len(calls(fake_slack, "assistant.threads.setStatus")) == 2
    assert len(calls(fake_slack, "chat.startStream")) == 1
    assert channel.service.records.job(job_id).streaming is False


@pytest.mark.parametrize("refusal", ["ratelimited", "msg_too_long", "expired", "too_old"])
def test_a_stream_refused_midway_hands_over_to_a_status_message(fake_slack, make_bot, serve, refusal):
    bot = make_bot()  # no workers: the test writes the job's events itself
    settings = slack_settings(fake_slack, stream_max_age_s=0.05 if refusal == "too_old" else 240.0)
    server, channel = serve(bot, settings)
    thread = started_thread(server, fake_slack)
    server.event(dm("T1", "D1", REQUEST, thread_ts=thread))
    stream = fake_slack.wait_for(lambda: stream_of(fake_slack, "D1", thread), what="stream")
    conversation_id = bot.find_conversation(f"slack:T1:D1:{thread}")
    job_id = bot.jobs.events(conversation_id=conversation_id)[0].job_id
    fake_slack.wait_for(lambda: channel.service.records.job(job_id).stream_ts, what="stream stored")

    if refusal == "ratelimited":  # more 429s than the client retries
        fake_slack.rate_limited["chat.appendStream"] = 5
    elif refusal == "msg_too_long":
        fake_slack.errors["chat.appendStream"] = "msg_too_long"
    elif refusal == "expired":
        fake_slack.stream_lifetime_s = 0.0  # Slack already ended it
    bot.context.jobs.add_event(conversation_id, job_id, "rendering", {"shot": 0, "shots": 1, "step": 1, "steps": 1})

    def status_message():
        found = [m for m in fake_slack.thread("D1", thread)[1:] if "streaming_state" not in m]
        return found[0] if found else None

    rendering = messages.RENDERING.format(shot=1, shots=1, percent=100)
    # (too old: the hand-over may already have happened at "queued"; the status message then moves on)
    fake_slack.wait_for(lambda: (status_message() or {}).get("text") == rendering, timeout=30, what="status message")
    assert channel.service.records.job(job_id).streaming is False
    stream = stream_of(fake_slack, "D1", thread)
    if refusal == "expired":  # nothing to end: Slack did
        assert len(calls(fake_slack, "chat.stopStream")) == 0
    else:  # ended, pointing at the status message that follows
        assert stream["streaming_state"] == "completed"
        assert messages.STREAM_CONTINUED in stream["markdown"]

    # the job goes on and its outcome lands in the status message
    fake_slack.errors.pop("chat.appendStream", None)
    bot.jobs.cancel(job_id)
    fake_slack.wait_for(
        lambda: status_message()["text"] == messages.CANCELLED, timeout=30, what="cancelled in the status message"
    )
    assert bot.jobs.status(job_id).state == "cancelled"
    assert len(calls(fake_slack, "chat.startStream")) == 1


def test_refused_prompts_leave_the_thread_working(fake_slack, make_bot, serve):
    """Prompts refused with a bad thread: the greeting is there, the thread still works."""
    fake_slack.errors["assistant.threads.setSuggestedPrompts"] = "invalid_thread_ts"
    bot = make_bot()
    server, _ = serve(bot, slack_settings(fake_slack))
    body = assistant_started("T1", "D1", context_channel=None)  # no context: the app's own workspace
    server.event(body)
    thread = body["event"]["assistant_thread"]["thread_ts"]
    fake_slack.wait_for(lambda: fake_slack.thread("D1", thread), what="greeting")
    server.event(dm("T1", "D1", REQUEST, thread_ts=thread))
    stream = fake_slack.wait_for(lambda: stream_of(fake_slack, "D1", thread), what="stream")
    assert stream["recipient"] == ("T1", "UALICE")
    assert len(fake_slack.thread("D1", thread)) == 2
