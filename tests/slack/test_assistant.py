"""The AI app over HTTP: an assistant thread from Slack's greeting to a rendered video, with the
status line, the title, the streamed reply (one task per shot) and feedback; the classic DM flow
next to it; a restart in the middle of a stream. Real slack-bolt and slack-sdk, the fake Slack."""

from __future__ import annotations

from botkit.channels.slack import blocks as ids
from botkit.channels.slack import messages
from botkit.provenance import GENERATED
from botkit.provenance.disclosure import ai_generated_line, assistant_intro
from botkit.store.feedback import FeedbackRepository
from botkit.testing.credentials import assert_verifies
from tests.slack.conftest import (
    assistant_context_changed,
    assistant_started,
    block_action,
    dm,
    find_action,
    slack_settings,
)

REQUEST = "a 1 second clip of a desk lamp for x"


def stream_of(fake_slack, channel: str, thread_ts: str):
    found = [m for m in fake_slack.thread(channel, thread_ts) if "streaming_state" in m]
    return found[0] if found else None


def started_thread(server, fake_slack, channel: str = "D1", **kwargs) -> str:
    """Open an assistant thread; returns its ts once the greeting and the prompts (or their refusal) came."""
    body = assistant_started("T1", channel, **kwargs)
    assert server.event(body).status_code == 200
    thread = body["event"]["assistant_thread"]["thread_ts"]
    fake_slack.wait_for(lambda: fake_slack.thread(channel, thread), what="greeting")
    fake_slack.wait_for(
        lambda: any(c.method.startswith("assistant.threads.setSuggestedPrompts") for c in fake_slack.calls),
        what="prompts",
    )
    return thread


def test_assistant_thread_from_greeting_to_rendered_video(fake_slack, make_bot, serve, tmp_path):
    bot = make_bot(workers=True)
    server, channel = serve(bot, slack_settings(fake_slack))
    thread = started_thread(server, fake_slack)

    # the greeting says it is an AI assistant (EU AI Act Art. 50(1)) and offers prompts from the skills
    (greeting,) = fake_slack.thread("D1", thread)
    assert greeting["text"] == assistant_intro("botkit")
    prompts = fake_slack.prompts[("D1", thread)]
    assert prompts["title"] == messages.PROMPTS_TITLE
    assert 1 <= len(prompts["prompts"]) <= 4
    assert prompts["prompts"][0]["message"].startswith("marketing a 15 second promo for youtube")  # the default
    skills = {skill.name: skill for skill in bot.planner.skills}
    for prompt in prompts["prompts"]:
        skill = skills[prompt["message"].split()[0]]  # each prompt names an installed skill first
        assert prompt["title"] == skill.label
    assert {p["message"].split()[0] for p in prompts["prompts"]} <= set(skills)

    # the user asks; the status line says it plans, the thread gets the plan's title
    server.event(dm("T1", "D1", REQUEST, thread_ts=thread))
    conversation_id = fake_slack.wait_for(lambda: bot.find_conversation(f"slack:T1:D1:{thread}"), what="plan")
    _, plan = bot.repo.latest_plan(conversation_id)
    assert fake_slack.statuses[0] == {"channel": "D1", "thread_ts": thread, "status": messages.STATUS_PLANNING}
    fake_slack.wait_for(lambda: fake_slack.titles.get(("D1", thread)) == plan.title, what="thread title")

    # progress is one streamed message: the plan, then one task per shot and one for encoding
    stream = fake_slack.wait_for(lambda: stream_of(fake_slack, "D1", thread), what="stream")
    assert stream["task_display_mode"] == "plan" and stream["stream_mode"] == "chunks"
    assert stream["recipient"] == ("T1", "UALICE")
    assert stream["plan_title"] == plan.title
    assert plan.title in stream["markdown"]

    def uploaded():
        return [u for u in fake_slack.uploads.values() if u.get("channel") == "D1"]

    fake_slack.wait_for(lambda: len(uploaded()) == 2, timeout=90, what="video and poster")
    job_id = bot.jobs.events(conversation_id=conversation_id)[0].job_id
    channel.service.watchers.join(job_id, timeout=30)
    stream = stream_of(fake_slack, "D1", thread)
    assert stream["streaming_state"] == "completed"
    assert set(stream["tasks"]) == {"shot-1", "post"}
    assert all(task["status"] == "complete" for task in stream["tasks"].values())
    assert stream["tasks"]["shot-1"]["history"][0] == "pending"
    assert stream["tasks"]["shot-1"]["title"].startswith("Shot 1: ")
    # the result line carries the AI-generated disclosure; the buttons and feedback end the message
    assert ":white_check_mark: Done: x 1280x720" in stream["markdown"]
    assert ai_generated_line() in stream["markdown"]
    assert [b["type"] for b in stream["blocks"]] == ["section", "actions", "context_actions"]
    assert {u["thread_ts"] for u in uploaded()} == {thread}
    assert ai_generated_line() in next(u["comment"] for u in uploaded() if u.get("comment"))
    # no classic plan or status message: greeting and stream only
    assert len(fake_slack.thread("D1", thread)) == 2
    statuses = [s["status"] for s in fake_slack.statuses]
    assert (
        messages.STATUS_RENDERING.format(shot=1, shots=1) in statuses
        or messages.STATUS_POST.format(platforms="x") in statuses
    )
    assert statuses[-1] == ""  # cleared at the end

    # feedback is stored with the job; a second click by the same person replaces the first
    stopped = {**stream, "type": "message"}
    feedback = FeedbackRepository(bot.repo.sessions)
    server.action(block_action("T1", "D1", stopped, ids.FEEDBACK, value=f"positive:{job_id}"))
    fake_slack.wait_for(lambda: feedback.counts(job_id).positive == 1, what="feedback")
    server.action(block_action("T1", "D1", stopped, ids.FEEDBACK, value=f"negative:{job_id}"))
    fake_slack.wait_for(lambda: feedback.counts(job_id).negative == 1, what="changed feedback")
    assert feedback.counts(job_id).positive == 0
    assert feedback.of(job_id, "slack:T1:UALICE") == "negative"

    # what was uploaded to Slack carries content credentials; the button shows them in the thread
    video = next(u for u in uploaded() if u["filename"].endswith(".mp4"))
    (tmp_path / video["filename"]).write_bytes(video["data"])
    assert_verifies(tmp_path / video["filename"], source_type=GENERATED, model="tiny-wan")
    poster = next(u for u in uploaded() if u["filename"].endswith(".png"))
    (tmp_path / poster["filename"]).write_bytes(poster["data"])
    assert_verifies(tmp_path / poster["filename"])
    [button] = [e for b in stream["blocks"] if b["type"] == "actions" for e in b["elements"]
                if e.get("action_id") == ids.CREDENTIALS]  # fmt: skip
    assert button["value"] == job_id
    before = len(fake_slack.thread("D1", thread))
    server.action(block_action("T1", "D1", stopped, ids.CREDENTIALS, value=job_id))
    reply = fake_slack.wait_for(
        lambda: fake_slack.thread("D1", thread)[before:] and fake_slack.thread("D1", thread)[-1], what="credentials"
    )
    assert reply["text"].startswith(messages.CREDENTIALS_HEADER)
    assert "*x*: Signed by botkit development signer" in reply["text"] and "content intact" in reply["text"]
    # another workspace cannot read this job's credentials, not even that it exists
    fake_slack.add_workspace("T2", "other")
    server.action(block_action("T2", "D1", stopped, ids.CREDENTIALS, value=job_id))
    refused = fake_slack.wait_for(
        lambda: fake_slack.thread("D1", thread)[-1]["text"] == messages.CREDENTIALS_NONE or None, what="refusal"
    )
    assert refused


def test_a_prompt_from_the_list_plans_with_its_skill_and_context_changes_are_kept(fake_slack, make_bot, serve):
    bot = make_bot()
    server, channel = serve(bot, slack_settings(fake_slack))
    thread = started_thread(server, fake_slack, context_channel="C1")
    prompt = fake_slack.prompts[("D1", thread)]["prompts"][-1]
    assert server.event(assistant_context_changed("T1", "D1", thread, "C7")).status_code == 200
    fake_slack.wait_for(
        lambda: channel.service.records.thread("D1", thread).context.get("channel_id") == "C7", what="new context"
    )
    server.event(dm("T1", "D1", prompt["message"], thread_ts=thread))
    conversation_id = fake_slack.wait_for(lambda: bot.find_conversation(f"slack:T1:D1:{thread}"), what="plan")
    _, plan = bot.repo.latest_plan(conversation_id)
    assert plan.skill == prompt["message"].split()[0]
    assert channel.service.records.thread("D1", thread).user == "UALICE"


def test_dm_threads_outside_the_assistant_stay_classic(fake_slack, make_bot, serve):
    """A workspace without the AI-app feature: a DM, then a reply in its thread (which Bolt's
    Assistant middleware sees first) revise the plan the classic way, without status or stream."""
    bot = make_bot()
    server, _ = serve(bot, slack_settings(fake_slack))
    first = dm("T1", "D2", "a 10 second TikTok teaser for our trail shoes")
    server.event(first)
    thread = first["event"]["ts"]
    conversation_id = fake_slack.wait_for(lambda: bot.find_conversation(f"slack:T1:D2:{thread}"), what="plan")
    fake_slack.wait_for(lambda: len(fake_slack.thread("D2", thread)) == 2, what="plan and status")
    server.event(dm("T1", "D2", "make it 5 seconds", thread_ts=thread))
    fake_slack.wait_for(lambda: bot.repo.latest_plan(conversation_id)[1].total_duration_s == 5, what="revision")
    fake_slack.wait_for(lambda: len(fake_slack.thread("D2", thread)) == 4, what="revised plan and status")
    assert fake_slack.statuses == [] and fake_slack.titles == {}
    assert all("streaming_state" not in m for m in fake_slack.thread("D2", thread))
    assert fake_slack.thread("D2", thread)[0]["blocks"][0]["type"] == "header"  # the classic plan message
    # a new conversation's first message says the bot is an AI assistant; the revision's does not
    first_reply, _, revised, _ = fake_slack.thread("D2", thread)
    assert first_reply["text"].startswith(assistant_intro("botkit"))
    assert first_reply["blocks"][-1] == {
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": assistant_intro("botkit")}],
    }
    assert assistant_intro("botkit") not in revised["text"]


def test_a_restart_goes_on_with_the_same_stream(fake_slack, make_bot, serve):
    bot = make_bot()  # no workers: the job waits while the process restarts
    server, channel = serve(bot, slack_settings(fake_slack))
    thread = started_thread(server, fake_slack)
    server.event(dm("T1", "D1", REQUEST, thread_ts=thread))
    stream = fake_slack.wait_for(lambda: stream_of(fake_slack, "D1", thread), what="stream")
    conversation_id = bot.find_conversation(f"slack:T1:D1:{thread}")
    job_id = bot.jobs.events(conversation_id=conversation_id)[0].job_id
    fake_slack.wait_for(lambda: channel.service.records.job(job_id).stream_ts == stream["ts"], what="stored stream")
    channel.close()
    server.close()

    bot = make_bot(workers=True)
    _, channel = serve(bot, slack_settings(fake_slack))
    fake_slack.wait_for(lambda: len(fake_slack.uploads) == 2, timeout=90, what="uploads after the restart")
    channel.service.watchers.join(job_id, timeout=30)
    again = stream_of(fake_slack, "D1", thread)
    assert again["ts"] == stream["ts"] and again["streaming_state"] == "completed"
    assert len(fake_slack.calls_to("chat.startStream")) == 1
    assert len(fake_slack.thread("D1", thread)) == 2  # greeting and the one stream
    assert channel.service.records.job(job_id).finished


def test_a_workspace_that_approves_first_gets_the_plan_with_approve_in_the_assistant(fake_slack, make_bot, serve):
    """The go-ahead seam (where "preview first" will plug in): the plan waits with its button,
    then the render reports in a status message under it, with the thread's status line."""
    bot = make_bot()
    server, _ = serve(bot, slack_settings(fake_slack, approve_before_render=True))
    thread = started_thread(server, fake_slack)
    server.event(dm("T1", "D1", REQUEST, thread_ts=thread))
    plan = fake_slack.wait_for(
        lambda: next((m for m in fake_slack.thread("D1", thread) if find_action(m, ids.APPROVE)), None), what="plan"
    )
    assert stream_of(fake_slack, "D1", thread) is None
    conversation_id = bot.find_conversation(f"slack:T1:D1:{thread}")
    assert bot.jobs.events(conversation_id=conversation_id) == []  # nothing renders before Approve
    approve = find_action(plan, ids.APPROVE)
    server.action(block_action("T1", "D1", {**plan, "thread_ts": thread}, ids.APPROVE, value=approve["value"]))
    status = fake_slack.wait_for(  # the plan message has a Cancel button too until Approve took it off
        lambda: next(
            (m for m in fake_slack.thread("D1", thread) if m["ts"] != plan["ts"] and find_action(m, ids.CANCEL)), None
        ),
        what="status",
    )
    assert status["text"].startswith(":hourglass_flowing_sand: Queued")
    fake_slack.wait_for(
        lambda: any(s["status"] == messages.STATUS_QUEUED for s in fake_slack.statuses), what="status line"
    )
    bot.jobs.cancel(find_action(status, ids.CANCEL)["value"])
    fake_slack.wait_for(lambda: fake_slack.statuses[-1]["status"] == "", what="status line cleared")
