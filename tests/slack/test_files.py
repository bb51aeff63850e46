"""Images shared in Slack become storyboard panels or product shots; downloads need the bot token."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from botkit.channels.slack.files import SlackFileError, download
from tests.slack.conftest import mention, message, slack_settings


def png(colour: tuple[int, int, int], size: tuple[int, int] = (64, 48)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    return buffer.getvalue()


def test_dm_with_panels_becomes_a_storyboard(fake_slack, make_bot, serve):
    bot = make_bot()
    server, _ = serve(bot, slack_settings(fake_slack))
    files = [fake_slack.add_file(f"panel{i}.png", png((40 * i, 90, 200))) for i in range(1, 4)]
    body = message("T1", "D1", "animate these, slow push in", channel_type="im", files=files)
    server.event(body)
    thread = body["event"]["ts"]
    conversation_id = fake_slack.wait_for(lambda: bot.find_conversation(f"slack:T1:D1:{thread}"), what="plan")
    _, plan = bot.repo.latest_plan(conversation_id)
    assert plan.skill == "storyboard"
    assert [shot.mode.value for shot in plan.shots] == ["i2v", "i2v", "i2v"]
    # each file was fetched once, with the workspace's bot token
    assert sorted(token for _, token in fake_slack.downloads) == ["xoxb-T1-token"] * 3
    attachments = bot.repo.messages(conversation_id)[0]["attachments"]
    assert attachments, "the panels are stored with the message"
    plan_reply = fake_slack.wait_for(lambda: fake_slack.thread("D1", thread), what="reply")[0]
    assert plan_reply["blocks"][2]["text"]["text"].count("from image") == 3


def test_one_image_in_a_mention_is_a_product_shot_and_a_pdf_is_refused(fake_slack, make_bot, serve):
    bot = make_bot()
    server, _ = serve(bot, slack_settings(fake_slack))
    photo = fake_slack.add_file("bottle.png", png((200, 30, 30), (80, 120)))
    body = mention("T1", "C1", "a promo for our new water bottle", files=[photo])
    server.event(body)
    thread = body["event"]["ts"]
    conversation_id = fake_slack.wait_for(lambda: bot.find_conversation(f"slack:T1:C1:{thread}"), what="plan")
    _, plan = bot.repo.latest_plan(conversation_id)
    assert plan.skill == "marketing"
    assert plan.shots[0].mode.value == "i2v"

    # a PDF shared into the same thread: a short refusal naming the file, the plan stays
    pdf = fake_slack.add_file("brief.pdf", b"%PDF-1.4 ...", "application/pdf")
    server.event(message("T1", "C1", "", thread_ts=thread, files=[pdf]))
    refusal = fake_slack.wait_for(
        lambda: [m for m in fake_slack.thread("C1", thread) if "brief.pdf" in m["text"]], what="refusal"
    )[0]
    assert refusal["text"].startswith(":warning:") and "PNG, JPEG or WebP" in refusal["text"]
    assert bot.repo.latest_plan(conversation_id)[1] == plan


def test_download_without_a_valid_token_is_refused_not_saved(fake_slack, tmp_path: Path):
    file = fake_slack.add_file("panel.png", png((1, 2, 3)))
    with pytest.raises(SlackFileError, match="text/html"):
        download(file, "xoxb-wrong", tmp_path / "a", max_bytes=1 << 20)
    assert not (tmp_path / "a").exists()
    saved = download(file, "xoxb-T1-token", tmp_path / "b", max_bytes=1 << 20)
    assert saved.read_bytes() == png((1, 2, 3))
    with pytest.raises(SlackFileError, match="larger than"):
        download(file, "xoxb-T1-token", tmp_path / "c", max_bytes=10)
