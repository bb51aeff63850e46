"""Slack and the media library: files shared with "add to library" are kept in that workspace's
library; requests there name them; buttons only act on their own workspace's jobs."""

from __future__ import annotations

from pathlib import Path

from botkit.channels.slack import blocks as ids
from botkit.channels.slack import messages
from botkit.channels.slack.library import library_request
from tests.library.conftest import Files
from tests.slack.conftest import block_action, find_action, message, slack_settings


def replies(fake_slack, channel: str, thread: str, needle: str):  # type: ignore[no-untyped-def]
    return fake_slack.wait_for(
        lambda: [m for m in fake_slack.thread(channel, thread) if needle in m["text"]], what=needle
    )


def test_files_shared_with_add_to_library_are_kept_per_workspace(fake_slack, make_bot, serve, tmp_path: Path):
    bot = make_bot()
    server, _ = serve(bot, slack_settings(fake_slack))
    made = Files(tmp_path / "files")
    shared = [fake_slack.add_file(path.name, path.read_bytes(), mime) for path, mime in (
        (made.photo("red.jpg"), "image/jpeg"), (made.photo("blue.jpg", (30, 60, 200)), "image/jpeg"),
        (made.font(), "application/octet-stream"))]  # fmt: skip
    body = message("T1", "D1", "add to library as spring lookbook", channel_type="im", files=shared)
    server.event(body)
    thread = body["event"]["ts"]
    reply = replies(fake_slack, "D1", thread, "media library")[0]
    assert reply["text"].startswith(":card_file_box: Added") and 'photo "red"' in reply["text"]
    items = bot.library.items("slack:T1")
    assert [(i.kind, i.name, i.collection) for i in items] == [
        ("photo", "red", "spring lookbook"), ("photo", "blue", "spring lookbook"), ("font", "Brand-Bold", "spring lookbook")
    ]  # fmt: skip
    assert bot.find_conversation(f"slack:T1:D1:{thread}") is None  # no video was planned
    # the same file again: one item, and the reply says so
    again = message("T1", "D1", "please add this to the library", channel_type="im",
                    files=[fake_slack.add_file("red.jpg", made.photo("red.jpg").read_bytes(), "image/jpeg")])  # fmt: skip
    server.event(again)
    assert messages.LIBRARY_ALREADY in replies(fake_slack, "D1", again["event"]["ts"], "media library")[0]["text"]
    assert len(bot.library.items("slack:T1")) == 3
    # a request in T1 uses them; the same words in T2 find nothing (and say so)
    ask = message("T1", "D1", "a 10 second promo for our bottle with our spring lookbook photos", channel_type="im")
    server.event(ask)
    conversation_id = fake_slack.wait_for(
        lambda: bot.find_conversation(f"slack:T1:D1:{ask['event']['ts']}"), what="plan"
    )
    images = [shot.image for shot in bot.repo.latest_plan(conversation_id)[1].shots if shot.image]
    assert sorted(images[:2]) == sorted(i.path for i in items[:2])
    other = message("T2", "D2", "a 10 second promo for our bottle with our spring lookbook photos", channel_type="im")
    server.event(other)
    refusal = replies(fake_slack, "D2", other["event"]["ts"], "library is empty")[0]
    assert refusal["text"].startswith(":warning:")
    assert bot.library.items("slack:T2") == []


def test_a_file_that_is_not_what_it_claims_is_refused_by_name(fake_slack, make_bot, serve, tmp_path: Path):
    bot = make_bot()
    server, _ = serve(bot, slack_settings(fake_slack))
    made = Files(tmp_path / "files")
    good = fake_slack.add_file("logo.png", made.logo().read_bytes())
    fake = fake_slack.add_file("brand.ttf", made.not_a_font().read_bytes(), "font/ttf")
    body = message("T1", "D1", "add to library", channel_type="im", files=[good, fake])
    server.event(body)
    refusal = replies(fake_slack, "D1", body["event"]["ts"], "brand.ttf")[0]["text"]
    assert refusal.startswith(":warning:") and "not a TrueType" in refusal and "added first" in refusal
    assert [i.kind for i in bot.library.items("slack:T1")] == ["logo"]


def test_add_to_library_in_other_languages() -> None:
    for text in ("añadir a la biblioteca", "ajouter à la bibliothèque", "zur Bibliothek hinzufügen",
                 "aggiungi alla libreria", "adicionar à biblioteca", "添加到素材库", "ライブラリに追加",
                 "라이브러리에 추가", "save these to our media library as Launch day"):  # fmt: skip
        assert library_request(text) is not None, text
    assert library_request("save these to our media library as Launch day").collection == "Launch day"
    assert library_request("a promo for our library app") is None


def test_buttons_refuse_a_job_of_another_workspace(fake_slack, make_bot, serve):
    bot = make_bot()
    server, _ = serve(bot, slack_settings(fake_slack, approve_before_render=True))
    body = message("T1", "D1", "a 3 second teaser for our trail shoes", channel_type="im")
    server.event(body)
    thread = body["event"]["ts"]
    plan = fake_slack.wait_for(
        lambda: next((m for m in fake_slack.thread("D1", thread) if find_action(m, ids.APPROVE)), None), what="plan"
    )
    value = find_action(plan, ids.APPROVE)["value"]
    conversation_id = value.split(":")[0]
    # the same button value clicked in another workspace: refused, nothing queued
    server.action(block_action("T2", "D1", {**plan, "thread_ts": thread}, ids.APPROVE, value=value))
    replies(fake_slack, "D1", thread, messages.NOT_THIS_WORKSPACE)
    assert bot.jobs.events(conversation_id=conversation_id) == []
    # approved in its own workspace, then a Cancel from elsewhere is refused and the job goes on
    server.action(block_action("T1", "D1", {**plan, "thread_ts": thread}, ids.APPROVE, value=value))
    status = fake_slack.wait_for(
        lambda: next(
            (m for m in fake_slack.thread("D1", thread) if m["ts"] != plan["ts"] and find_action(m, ids.CANCEL)), None
        ),
        what="status",
    )
    job_id = find_action(status, ids.CANCEL)["value"]
    before = len([m for m in fake_slack.thread("D1", thread) if messages.NOT_THIS_WORKSPACE in m["text"]])
    server.action(block_action("T2", "D1", {**status, "thread_ts": thread}, ids.CANCEL, value=job_id))
    fake_slack.wait_for(
        lambda: len([m for m in fake_slack.thread("D1", thread) if messages.NOT_THIS_WORKSPACE in m["text"]]) > before,
        what="second refusal",
    )
    assert not bot.jobs.status(job_id).cancel_requested
    # a plan waiting for approval cannot be dropped from elsewhere either
    server.action(block_action("T2", "D1", {**plan, "thread_ts": thread}, ids.CANCEL, value=value))
    bot.jobs.cancel(job_id)
