"""Preview first in Slack, over HTTP with the real slack-bolt and slack-sdk against the fake Slack:
an assistant thread from the greeting to an approved render; a preview cancelled, revised, an old
one approved (refused), the new one approved twice (one render); nothing pending."""

from __future__ import annotations

from pathlib import Path

from botkit.channels.slack import blocks as ids
from botkit.channels.slack import messages
from botkit.post.probe import probe
from tests.slack.conftest import block_action, dm, find_action, mention, message, slack_settings
from tests.slack.test_assistant import started_thread, stream_of


def jobs_of(bot, conversation_id: str):  # type: ignore[no-untyped-def]
    return bot.jobs.of_conversation(conversation_id)


def with_button(fake_slack, channel: str, thread: str, action_id: str, value: str | None = None):  # type: ignore[no-untyped-def]
    """The newest message of the thread carrying that button (with that value)."""
    for found in reversed(fake_slack.thread(channel, thread)):
        button = find_action(found, action_id)
        if button is not None and (value is None or button["value"] == value):
            return found
    return None


def said(fake_slack, channel: str, thread: str, text: str) -> bool:
    return any(text in (m.get("text") or "") for m in fake_slack.thread(channel, thread))


def test_assistant_thread_from_greeting_to_approved_render(fake_slack, make_bot, serve):
    bot = make_bot(workers=True)
    server, channel = serve(bot, slack_settings(fake_slack, preview_first="skill"))
    thread = started_thread(server, fake_slack)

    # marketing previews first (Skill.preview_first): a streamed animatic that ends with the buttons
    server.event(dm("T1", "D1", "marketing a 1 second promo for our desk lamp for x", thread_ts=thread))
    conversation_id = fake_slack.wait_for(lambda: bot.find_conversation(f"slack:T1:D1:{thread}"), what="plan")
    preview = fake_slack.wait_for(lambda: bot.pending_preview(conversation_id), what="preview job")
    stream = fake_slack.wait_for(
        lambda: (s := stream_of(fake_slack, "D1", thread)) and s["streaming_state"] == "completed" and s,
        timeout=90, what="preview stream")  # fmt: skip
    assert ":eyes: Preview ready (x 1280x720 1.0 s)" in stream["markdown"]
    assert find_action(stream, ids.PREVIEW_APPROVE)["value"] == preview.id
    assert find_action(stream, ids.PREVIEW_REVISE) and find_action(stream, ids.PREVIEW_CANCEL)
    assert find_action(stream, ids.FEEDBACK) is None  # feedback is for the real video
    assert [job.purpose for job in jobs_of(bot, conversation_id)] == ["preview"]  # no diffusion yet
    uploads = [u for u in fake_slack.uploads.values() if u.get("channel") == "D1"]
    assert len(uploads) == 2 and {u["thread_ts"] for u in uploads} == {thread}  # the animatic and its poster
    preview_video = next(u for u in uploads if u["filename"].endswith(".mp4"))

    # Approve: the render of that very revision starts in the same thread, streamed as today
    server.action(block_action("T1", "D1", {**stream, "type": "message"}, ids.PREVIEW_APPROVE, value=preview.id))
    render = fake_slack.wait_for(
        lambda: next((j for j in jobs_of(bot, conversation_id) if j.purpose == "render"), None), what="render job"
    )
    assert render.preview_id == preview.id and render.plan_id == preview.plan_id and render.engine == "tiny-wan"
    assert bot.jobs.status(preview.id).decision == "approved"

    def streams():  # type: ignore[no-untyped-def]
        return [m for m in fake_slack.thread("D1", thread) if "streaming_state" in m]

    fake_slack.wait_for(lambda: len(streams()) == 2 and streams()[-1]["streaming_state"] == "completed",
                        timeout=120, what="render stream")  # fmt: skip
    channel.service.watchers.join(render.id, timeout=30)
    streams = streams()
    assert ":white_check_mark: Done: x 1280x720" in streams[-1]["markdown"]
    assert find_action(streams[-1], ids.FEEDBACK) is not None
    outputs = bot.outputs(conversation_id, job_id=render.id)
    assert outputs[0].duration_s == bot.outputs(conversation_id, job_id=preview.id)[0].duration_s  # timing kept
    assert abs(probe(Path(outputs[0].path)).duration_s - 1.0) < 0.05
    assert preview_video["length"] > 0


def test_preview_cancelled_then_revised_and_approved_once(fake_slack, make_bot, serve):
    bot = make_bot(workers=True)
    server, _ = serve(bot, slack_settings(fake_slack, preview_first="skill"))
    first = mention("T1", "C1", "a 1 second promo for our desk lamp for x")
    server.event(first)
    thread = first["event"]["ts"]
    conversation_id = fake_slack.wait_for(lambda: bot.find_conversation(f"slack:T1:C1:{thread}"), what="plan")
    one = fake_slack.wait_for(lambda: with_button(fake_slack, "C1", thread, ids.PREVIEW_CANCEL), what="preview 1")
    first_id = find_action(one, ids.PREVIEW_CANCEL)["value"]

    # rejected: Cancel drops it, nothing renders
    server.action(block_action("T1", "C1", one, ids.PREVIEW_CANCEL, value=first_id))
    fake_slack.wait_for(lambda: bot.jobs.status(first_id).decision == "cancelled", what="cancelled")
    edited = fake_slack.wait_for(
        lambda: next((m for m in fake_slack.thread("C1", thread) if m["ts"] == one["ts"] and
                      find_action(m, ids.PREVIEW_APPROVE) is None), None), what="buttons replaced")  # fmt: skip
    assert "nothing was rendered" in edited["text"]

    # revised: a reply in the thread (no mention) previews the new revision
    server.event(message("T1", "C1", "make it 2 seconds", thread_ts=thread))
    two = fake_slack.wait_for(
        lambda: (m := with_button(fake_slack, "C1", thread, ids.PREVIEW_APPROVE)) and
        find_action(m, ids.PREVIEW_APPROVE)["value"] != first_id and m, what="preview 2")  # fmt: skip
    second_id = find_action(two, ids.PREVIEW_APPROVE)["value"]
    assert bot.repo.plan_revision(bot.jobs.status(second_id).plan_id) == 2
    assert "2.0 s" in two["text"]

    # the old preview cannot be approved any more: a clear reply, no render
    server.action(block_action("T1", "C1", one, ids.PREVIEW_APPROVE, value=first_id))
    fake_slack.wait_for(lambda: said(fake_slack, "C1", thread, "was cancelled"), what="old preview refused")
    assert all(job.purpose == "preview" for job in jobs_of(bot, conversation_id))

    # approve twice (a double click): one render, and a reply that says so
    server.action(block_action("T1", "C1", two, ids.PREVIEW_APPROVE, value=second_id))
    server.action(block_action("T1", "C1", two, ids.PREVIEW_APPROVE, value=second_id))
    fake_slack.wait_for(lambda: said(fake_slack, "C1", thread, "approved already"), what="second approval answered")
    renders = [job for job in jobs_of(bot, conversation_id) if job.purpose == "render"]
    assert len(renders) == 1 and renders[0].preview_id == second_id
    fake_slack.wait_for(lambda: bot.outputs(conversation_id, job_id=renders[0].id), timeout=120, what="render")
    assert bot.outputs(conversation_id, job_id=renders[0].id)[0].duration_s == 2.0

    # a forged or foreign button value is refused in words
    server.action(block_action("T1", "C1", two, ids.PREVIEW_APPROVE, value="f" * 32))
    fake_slack.wait_for(lambda: said(fake_slack, "C1", thread, "waits for a decision"), what="unknown preview")


def test_old_revision_after_newer_edit_and_nothing_pending(fake_slack, make_bot, serve):
    bot = make_bot(workers=True)
    server, _ = serve(bot, slack_settings(fake_slack, preview_first="skill"))
    first = mention("T1", "C1", "a 1 second promo for our desk lamp for x")
    server.event(first)
    thread = first["event"]["ts"]
    one = fake_slack.wait_for(lambda: with_button(fake_slack, "C1", thread, ids.PREVIEW_APPROVE), what="preview 1")
    first_id = find_action(one, ids.PREVIEW_APPROVE)["value"]
    server.event(mention("T1", "C1", "make it 2 seconds", thread_ts=thread))
    fake_slack.wait_for(
        lambda: (m := with_button(fake_slack, "C1", thread, ids.PREVIEW_APPROVE)) and
        find_action(m, ids.PREVIEW_APPROVE)["value"] != first_id, what="preview 2")  # fmt: skip
    server.action(block_action("T1", "C1", one, ids.PREVIEW_APPROVE, value=first_id))
    fake_slack.wait_for(lambda: said(fake_slack, "C1", thread, "revision 1 of the plan"), what="stale refused")
    conversation_id = bot.find_conversation(f"slack:T1:C1:{thread}")
    assert all(job.purpose == "preview" for job in jobs_of(bot, conversation_id))

    # typed "approve" in the thread approves the newest preview
    server.event(mention("T1", "C1", "approve", thread_ts=thread))
    fake_slack.wait_for(
        lambda: any(job.purpose == "render" for job in jobs_of(bot, conversation_id)), what="render from typed approve"
    )

    # a thread without any preview: "approve" says nothing waits
    plain = mention("T1", "C2", "a 1 second clip of a red ball for x, no preview")
    server.event(plain)
    other = fake_slack.wait_for(lambda: bot.find_conversation(f"slack:T1:C2:{plain['event']['ts']}"), what="plan")
    assert fake_slack.wait_for(lambda: jobs_of(bot, other), what="direct render")[0].purpose == "render"
    server.event(mention("T1", "C2", "approve", thread_ts=plain["event"]["ts"]))
    fake_slack.wait_for(
        lambda: said(fake_slack, "C2", plain["event"]["ts"], "nothing waits for approval"), what="nothing pending"
    )
    assert messages.PREVIEW_REVISE  # the Revise button's answer exists (its scenario: the cancel test)
