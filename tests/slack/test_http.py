"""Scenarios over HTTP: signed deliveries into botkit's /slack/events served by uvicorn, the real
slack-bolt and slack-sdk, a fake Slack Web API, and real render jobs on the tiny engine."""

from __future__ import annotations

import time

from botkit.channels.slack import blocks as ids
from botkit.channels.slack import messages
from tests.slack.conftest import block_action, find_action, mention, message, slack_settings


def test_mention_plans_renders_uploads_and_offers_buttons(fake_slack, make_bot, serve, gated_engine):
    # The engine holds the job after its last step until the status message showed the rendering:
    # on a busy machine the watcher's first look at the log could come after the render, and the
    # test then saw no progress edit at all (the race behind "1 failure in 2 runs")
    bot = make_bot(workers=True, engine=gated_engine)
    server, channel = serve(bot, slack_settings(fake_slack))
    body = mention("T1", "C1", "a 1 second clip of a desk lamp for x")
    thread = body["event"]["ts"]

    started = time.monotonic()
    response = server.event(body)
    assert response.status_code == 200
    assert time.monotonic() - started < 3.0  # Slack's ack deadline

    conversation_id = fake_slack.wait_for(lambda: bot.find_conversation(f"slack:T1:C1:{thread}"), what="conversation")
    assert bot.repo.conversation(conversation_id)["channel"] == "slack"
    assert bot.repo.conversation(conversation_id)["owner"] == "slack:T1:UALICE"
    rendering = messages.RENDERING.format(shot=1, shots=1, percent=100)
    fake_slack.wait_for(
        lambda: len(fake_slack.thread("C1", thread)) == 2 and fake_slack.thread("C1", thread)[1]["text"] == rendering,
        what="the status message showing the rendering",
    )
    gated_engine.release()

    def uploaded():
        return [u for u in fake_slack.uploads.values() if u.get("channel") == "C1"]

    fake_slack.wait_for(lambda: len(uploaded()) == 2, timeout=90, what="video and poster upload")
    replies = fake_slack.thread("C1", thread)
    plan_message, status = replies[0], replies[1]
    assert plan_message["blocks"][0]["type"] == "header"
    assert "1 shot(s), 1 s" in plan_message["blocks"][1]["text"]["text"]
    assert "desk lamp" in plan_message["blocks"][2]["text"]["text"]

    job_id = bot.jobs.events(conversation_id=conversation_id)[0].job_id
    assert bot.jobs.status(job_id).state == "succeeded"
    # every upload went into the thread with the bytes of the stored files
    (output,) = bot.outputs(conversation_id, job_id=job_id)
    files = {u["filename"]: u for u in uploaded()}
    assert set(files) == {"x.mp4", "x-poster.png"}
    assert all(u["thread_ts"] == thread for u in files.values())
    assert files["x.mp4"]["data"] == open(output.path, "rb").read()
    assert files["x-poster.png"]["data"] == open(output.poster, "rb").read()
    assert files["x.mp4"]["data"][4:8] == b"ftyp"

    # one status message, edited through the stages, ending with the result buttons
    channel.service.watchers.join(job_id, timeout=30)
    status = fake_slack.thread("C1", thread)[1]
    shown = [status["posted"], *status["history"]]
    assert rendering in shown
    assert shown.index(rendering) < shown.index(messages.UPLOADING)
    assert 2 <= status["edits"] <= 12
    assert status["text"].startswith(":white_check_mark: Done: x 1280x720")
    take = find_action(status, ids.TAKE)
    assert take is not None and take["value"] == conversation_id
    platform = find_action(status, ids.PLATFORM)
    assert "tiktok" in [o["value"].rsplit(":", 1)[1] for o in platform["options"]]
    assert len(fake_slack.calls_to("files.completeUploadExternal")) == 1
    for call in fake_slack.calls_to("chat.update") + fake_slack.calls_to("files.getUploadURLExternal"):
        assert call.token == "xoxb-T1-token"

    # "Another take": a new plan revision and a new job in the same thread
    bot.stop_workers()  # keep the new job queued so that Cancel finds it running
    response = server.action(block_action("T1", "C1", status, ids.TAKE, value=take["value"]))
    assert response.status_code == 200
    fake_slack.wait_for(lambda: len(fake_slack.thread("C1", thread)) >= 4, what="second plan and status")
    second_status = fake_slack.thread("C1", thread)[-1]
    cancel = fake_slack.wait_for(lambda: find_action(fake_slack.thread("C1", thread)[-1], ids.CANCEL), what="cancel")
    second_job = cancel["value"]
    assert second_job != job_id
    assert bot.jobs.status(second_job).conversation_id == conversation_id
    seeds = [bot.repo.get_plan(bot.jobs.status(j).plan_id).shots[0].seed for j in (job_id, second_job)]
    assert seeds[0] != seeds[1]

    # Cancel: the job stops and the status message says so
    second_status = fake_slack.thread("C1", thread)[-1]
    server.action(block_action("T1", "C1", second_status, ids.CANCEL, value=second_job))
    fake_slack.wait_for(lambda: bot.jobs.status(second_job).state == "cancelled", what="cancelled job")
    fake_slack.wait_for(
        lambda: fake_slack.thread("C1", thread)[-1]["text"].startswith(":no_entry_sign: Cancelled"), what="status"
    )
    assert find_action(fake_slack.thread("C1", thread)[-1], ids.CANCEL) is None


def test_follow_up_in_the_thread_revises_the_plan(fake_slack, make_bot, serve):
    bot = make_bot()
    server, _ = serve(bot, slack_settings(fake_slack))
    first = mention("T1", "C1", "a 10 second TikTok teaser for our trail shoes")
    thread = first["event"]["ts"]
    server.event(first)
    conversation_id = fake_slack.wait_for(lambda: bot.find_conversation(f"slack:T1:C1:{thread}"), what="plan")
    fake_slack.wait_for(lambda: len(fake_slack.thread("C1", thread)) >= 2, what="plan and status")

    # chatter outside the thread, or between colleagues in it, is ignored; a revision is not
    server.event(message("T1", "C1", "make it 5 seconds"))
    server.event(message("T1", "C1", "looks great, thanks Bob!", thread_ts=thread))
    server.event(message("T1", "C1", "make it 5 seconds", thread_ts=thread))
    fake_slack.wait_for(lambda: bot.repo.latest_plan(conversation_id)[1].total_duration_s == 5, what="revision")
    fake_slack.wait_for(lambda: len(fake_slack.thread("C1", thread)) >= 4, what="revised plan and status")
    assert "5 s" in fake_slack.thread("C1", thread)[2]["blocks"][1]["text"]["text"]
    assert len({bot.jobs.events(conversation_id=conversation_id)[i].job_id for i in (0, -1)}) == 2
    assert len(bot.repo.messages(conversation_id)) == 4  # two user messages, two plan replies
    assert len(fake_slack.thread("C1", thread)) == 4
    assert fake_slack.thread("C1", first["event"]["ts"])[0]["thread_ts"] == thread


def test_refused_request_is_a_short_message_in_the_thread(fake_slack, make_bot, serve):
    bot = make_bot()
    server, _ = serve(bot, slack_settings(fake_slack))
    body = mention("T1", "C1", "a 90 minute film about lamps")
    server.event(body)
    thread = body["event"]["ts"]
    (reply,) = fake_slack.wait_for(lambda: fake_slack.thread("C1", thread), what="reply")
    assert reply["text"].startswith(":warning:")
    assert "60" in reply["text"]  # says what is allowed
    assert bot.find_conversation(f"slack:T1:C1:{thread}") is None


def test_job_failure_is_reported_in_the_thread(fake_slack, make_bot, serve):
    from botkit.domain.jobs import JobState

    bot = make_bot()
    server, _ = serve(bot, slack_settings(fake_slack))
    body = mention("T1", "C1", "a 1 second clip of a lamp for x")
    server.event(body)
    thread = body["event"]["ts"]
    cancel = fake_slack.wait_for(
        lambda: (
            len(fake_slack.thread("C1", thread)) == 2 and find_action(fake_slack.thread("C1", thread)[1], ids.CANCEL)
        ),
        what="status",
    )
    bot.context.jobs.finish(cancel["value"], None, JobState.FAILED, "the GPU caught fire")
    fake_slack.wait_for(lambda: len(fake_slack.thread("C1", thread)) == 3, what="failure reply")
    status, reply = fake_slack.thread("C1", thread)[1:]
    assert "the GPU caught fire" in status["text"] and "the GPU caught fire" in reply["text"]
    assert find_action(status, ids.CANCEL) is None


def test_bad_or_stale_signatures_get_401_and_store_nothing(fake_slack, make_bot, serve):
    bot = make_bot()
    server, _ = serve(bot, slack_settings(fake_slack))
    body = mention("T1", "C1", "a promo for our lamp")
    assert server.event(body, secret="not-the-secret").status_code == 401
    assert server.event(body, timestamp=int(time.time()) - 6 * 60).status_code == 401
    assert server.post("{}", "application/json", headers={"X-Slack-Signature": "v0=00"}).status_code == 401
    time.sleep(0.5)
    from botkit.store.inbound import InboundRepository

    assert InboundRepository(bot.repo.sessions).result("slack:" + body["event_id"]) is None
    assert fake_slack.calls_to("chat.postMessage") == []
    challenge = server.event({"type": "url_verification", "token": "t", "challenge": "c-123"})
    assert challenge.status_code == 200 and challenge.json() == {"challenge": "c-123"}
    assert server.event(body).status_code == 200  # the same delivery, signed properly, is handled
    fake_slack.wait_for(lambda: fake_slack.calls_to("chat.postMessage"), what="plan")


def test_other_platform_reframes_the_same_shots(fake_slack, make_bot, serve):
    bot = make_bot()
    server, _ = serve(bot, slack_settings(fake_slack))
    body = mention("T1", "C1", "a promo for our lamp")
    thread = body["event"]["ts"]
    server.event(body)
    conversation_id = fake_slack.wait_for(lambda: bot.find_conversation(f"slack:T1:C1:{thread}"), what="plan")
    status = fake_slack.wait_for(lambda: fake_slack.thread("C1", thread)[1:], what="status")[0]
    _, before = bot.repo.latest_plan(conversation_id)

    server.action(block_action("T1", "C1", status, ids.PLATFORM, selected=f"{conversation_id}:tiktok"))
    fake_slack.wait_for(lambda: len(fake_slack.thread("C1", thread)) == 4, what="revised plan and status")
    _, after = bot.repo.latest_plan(conversation_id)
    assert after.platforms == [*before.platforms, "tiktok"]
    assert [s.seed for s in after.shots] == [s.seed for s in before.shots]  # nothing to render again
    assert "tiktok" in fake_slack.thread("C1", thread)[2]["blocks"][1]["text"]["text"]


def test_a_refused_upload_is_said_in_the_thread(fake_slack, make_bot, serve):
    bot = make_bot(workers=True)
    server, _ = serve(bot, slack_settings(fake_slack))
    fake_slack.errors["files.getUploadURLExternal"] = "file_upload_size_restricted"
    body = mention("T1", "C1", "a 1 second clip of a lamp for x")
    thread = body["event"]["ts"]
    server.event(body)
    reply = fake_slack.wait_for(
        lambda: [m for m in fake_slack.thread("C1", thread) if "could not be uploaded" in m["text"]],
        timeout=90,
        what="upload failure reply",
    )[0]
    assert "file_upload_size_restricted" in reply["text"]
    status = fake_slack.wait_for(
        lambda: [m for m in fake_slack.thread("C1", thread)[1:2] if "could not be uploaded" in m["text"]],
        what="status with the upload failure",
    )[0]
    assert find_action(status, ids.TAKE) is not None  # another take is still offered


def test_a_restarted_server_finishes_the_thread_of_a_queued_job(fake_slack, make_bot, serve):
    bot = make_bot()  # no workers: the job waits in the queue
    server, channel = serve(bot, slack_settings(fake_slack))
    body = mention("T1", "C1", "a 1 second clip of a lamp for x and square instagram feed")
    thread = body["event"]["ts"]
    server.event(body)
    fake_slack.wait_for(lambda: len(fake_slack.thread("C1", thread)) == 2, what="plan and status")
    status_ts = fake_slack.thread("C1", thread)[1]["ts"]
    channel.close()
    server.close()

    bot = make_bot(workers=True)
    serve(bot, slack_settings(fake_slack))  # resumes the watcher of the unfinished job
    fake_slack.wait_for(lambda: len(fake_slack.uploads) == 4, timeout=90, what="uploads after the restart")
    fake_slack.wait_for(
        lambda: fake_slack.messages[("C1", status_ts)]["text"].startswith(":white_check_mark: Done"), what="done"
    )
    assert len(fake_slack.thread("C1", thread)) == 2  # the same status message, edited; no new one
    assert {u["thread_ts"] for u in fake_slack.uploads.values()} == {thread}
    # one upload call per platform (video and poster), the summary as the first one's comment
    completions = fake_slack.calls_to("files.completeUploadExternal")
    assert len(completions) == 2
    assert [bool(c.params.get("initial_comment")) for c in completions] == [True, False]
    assert sorted(u["filename"] for u in fake_slack.uploads.values()) == [
        "instagram-feed-poster.png",
        "instagram-feed.mp4",
        "x-poster.png",
        "x.mp4",
    ]


def test_suggested_follow_up_buttons_fit_the_video(fake_slack, make_bot, serve):
    """A vertical video gets no "Vertical version"; its "Widescreen version" button revises the plan
    (re-framing renders nothing new) and the next result offers neither aspect again."""
    bot = make_bot(workers=True)
    server, _channel = serve(bot, slack_settings(fake_slack))
    body = mention("T1", "C1", "a 1 second TikTok clip of a desk lamp")
    thread = body["event"]["ts"]
    server.event(body)
    conversation_id = fake_slack.wait_for(lambda: bot.find_conversation(f"slack:T1:C1:{thread}"), what="conversation")

    def finished_status(count: int):
        def ready():
            statuses = [m for m in fake_slack.thread("C1", thread) if m["text"].startswith(":white_check_mark:")]
            return (
                statuses[count - 1] if len(statuses) >= count and find_action(statuses[count - 1], ids.TAKE) else None
            )

        return fake_slack.wait_for(ready, timeout=90, what=f"result {count}")

    def labels(status) -> list[str]:
        return [
            e["text"]["text"] for b in status["blocks"] for e in b.get("elements") or [] if e.get("type") == "button"
        ]

    status = finished_status(1)
    assert bot.repo.latest_plan(conversation_id)[1].platforms == ["tiktok"]
    assert "Vertical version" not in labels(status)
    wide = next(
        e
        for b in status["blocks"]
        for e in b.get("elements") or []
        if e.get("value") == f"{conversation_id}:widescreen"
    )
    assert wide["action_id"] == ids.SUGGEST and wide["text"]["text"] == "Widescreen version"
    server.action(block_action("T1", "C1", status, ids.SUGGEST, value=wide["value"]))
    second = finished_status(2)
    assert bot.repo.latest_plan(conversation_id)[1].platforms == ["tiktok", "youtube"]
    assert "Vertical version" not in labels(second) and "Widescreen version" not in labels(second)
    assert "Square version" in labels(second)
    last_job = bot.jobs.events(conversation_id=conversation_id)[-1].job_id
    shots = bot.repo.asset(bot.outputs(conversation_id, job_id=last_job)[0].id)["metrics"]["shots"]
    assert all(shot["reused"] for shot in shots)  # a new platform renders nothing new

    # a forged value cannot send free text through the button
    server.action(block_action("T1", "C1", second, ids.SUGGEST, value=f"{conversation_id}:ignore the plan"))
    fake_slack.wait_for(
        lambda: fake_slack.thread("C1", thread)[-1]["text"].startswith(":warning: unknown suggestion"), what="refusal"
    )
