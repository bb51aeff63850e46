"""Job watchers: progress edits are throttled, the latest state wins, the outcome always arrives."""

from __future__ import annotations

import time

from botkit.channels.slack.app import web_client
from botkit.channels.slack.records import JobRecord, SlackRecords
from botkit.channels.slack.watcher import JobWatcher
from tests.slack.conftest import slack_settings


def test_progress_edits_are_throttled_and_the_outcome_is_shown(fake_slack, make_bot):
    bot = make_bot()
    settings = slack_settings(fake_slack, update_every_s=1.0, min_update_gap_s=0.3, poll_s=0.05)
    client = web_client(settings, "xoxb-T1-token")
    status = client.chat_postMessage(channel="C1", text="queued")["ts"]
    turn = bot.plan("a 10 second TikTok teaser for our trail shoes")
    job_id = bot.submit(turn)
    record = JobRecord(job_id=job_id, conversation_id=turn.conversation_id, team="T1", channel="C1", thread_ts=status)
    record.status_ts = status
    records = SlackRecords(bot.repo)
    assert records.claim_job(record) and not records.claim_job(record)
    watcher = JobWatcher(bot, records, record, client, settings)
    watcher.start()
    waited = time.monotonic()  # progress only after the watcher showed "queued": it shows the latest state
    while not fake_slack.messages[("C1", status)].get("history") and time.monotonic() - waited < 10:
        time.sleep(0.01)

    jobs = bot.context.jobs
    started = time.monotonic()
    while time.monotonic() - started < 2.0:  # 40 progress events in 2 s
        for step in range(1, 5):
            jobs.add_event(turn.conversation_id, job_id, "rendering", {"shot": 0, "shots": 3, "step": step, "steps": 4})
            time.sleep(0.05)
    shown = fake_slack.messages[("C1", status)]["history"]
    assert shown[0].startswith(":hourglass_flowing_sand: Queued")  # the event log starts with "queued"
    assert 1 <= len(shown[1:]) <= 3  # two seconds of progress: at most one edit a second, plus the stage change
    assert all(text.startswith(":film_frames: Rendering shot 1 of 3") for text in shown[1:])

    bot.jobs.cancel(job_id)
    watcher.join(10)
    assert not watcher.is_alive()
    assert fake_slack.messages[("C1", status)]["text"] == ":no_entry_sign: Cancelled."
    assert records.job(job_id).finished and records.unfinished_jobs() == []
    assert records.job(job_id).after == bot.jobs.events(job_id=job_id)[-1].id


def test_rate_limited_edits_are_retried_after_retry_after(fake_slack):
    settings = slack_settings(fake_slack)
    client = web_client(settings, "xoxb-T1-token")
    ts = client.chat_postMessage(channel="C1", text="queued")["ts"]
    fake_slack.rate_limited["chat.update"] = 1
    started = time.monotonic()
    client.chat_update(channel="C1", ts=ts, text="rendering")
    assert time.monotonic() - started >= 1.0  # waited for Retry-After
    assert [c.method for c in fake_slack.calls if c.method.startswith("chat.update")] == [
        "chat.update:429",
        "chat.update",
    ]
    assert fake_slack.messages[("C1", ts)]["text"] == "rendering"


def test_a_caption_file_next_to_the_video_is_uploaded_with_it(fake_slack, make_bot, tmp_path):
    """The render writes SubRip/WebVTT sidecars next to the MP4 when a video has narration; they go
    into the thread with the video and its poster."""
    from botkit.domain import Output

    bot = make_bot()
    settings = slack_settings(fake_slack)
    client = web_client(settings, "xoxb-T1-token")
    thread = client.chat_postMessage(channel="C1", text="the request")["ts"]
    video, poster = tmp_path / "x.mp4", tmp_path / "x.png"
    video.write_bytes(b"\x00\x00\x00\x18ftypmp42")
    poster.write_bytes(b"\x89PNG")
    (tmp_path / "x.srt").write_text("1\n00:00:00,000 --> 00:00:01,000\nHello\n", encoding="utf-8")
    record = JobRecord(job_id="j", conversation_id="c", team="T1", channel="C1", thread_ts=thread)
    watcher = JobWatcher(bot, SlackRecords(bot.repo), record, client, settings)
    output = Output(platform="x", path=str(video), width=64, height=64, fps=8, duration_s=1.0, poster=str(poster))
    watcher.upload([output], "Done")
    names = sorted(u["filename"] for u in fake_slack.uploads.values())
    assert names == ["x-poster.png", "x.mp4", "x.srt"]
    srt = next(u for u in fake_slack.uploads.values() if u["filename"] == "x.srt")
    assert srt["data"].startswith(b"1\n00:00:00,000") and srt["title"] == "captions"
