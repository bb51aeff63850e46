"""A video clip shared in Slack becomes a footage shot (probed by the turn like any upload)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from botkit.domain import ShotKind
from botkit.post.ffmpeg import ffmpeg_exe
from tests.slack.conftest import mention, slack_settings


def test_a_shared_clip_opens_the_video(fake_slack, make_bot, serve, tmp_path: Path):
    clip = tmp_path / "phone.mp4"
    subprocess.run([ffmpeg_exe(), "-v", "error", "-f", "lavfi", "-i", "testsrc2=s=160x120:r=10:d=2",
                    "-c:v", "libx264", "-pix_fmt", "yuv420p", str(clip)], check=True)  # fmt: skip
    bot = make_bot()
    server, _ = serve(bot, slack_settings(fake_slack))
    shared = fake_slack.add_file("phone.mp4", clip.read_bytes(), "video/mp4")
    body = mention("T1", "C1", "a promo for our new water bottle, open with my clip", files=[shared])
    server.event(body)
    thread = body["event"]["ts"]
    conversation_id = fake_slack.wait_for(lambda: bot.find_conversation(f"slack:T1:C1:{thread}"), what="plan")
    _, plan = bot.repo.latest_plan(conversation_id)
    assert plan.shots[0].kind is ShotKind.FOOTAGE and plan.shots[0].footage.endswith(".mp4")
    reply = fake_slack.wait_for(lambda: fake_slack.thread("C1", thread), what="reply")[0]
    assert "your clip from 0 s" in reply["blocks"][2]["text"]["text"]
