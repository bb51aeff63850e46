"""The widget's API takes a video clip like a photo: sniffed, probed by the turn, placed on a shot."""

from __future__ import annotations

import subprocess
from pathlib import Path

from botkit.post.ffmpeg import ffmpeg_exe

from .conftest import Live


def clip_bytes(tmp_path: Path) -> bytes:
    target = tmp_path / "clip.webm"
    subprocess.run([ffmpeg_exe(), "-v", "error", "-f", "lavfi", "-i", "testsrc2=s=160x120:r=10:d=1", "-c:v",
                    "libvpx-vp9", "-deadline", "realtime", "-b:v", "200k", str(target)], check=True)  # fmt: skip
    return target.read_bytes()


def test_a_video_upload_becomes_a_footage_shot(live: Live, tmp_path: Path) -> None:
    data = clip_bytes(tmp_path)
    with live.client() as client:
        made = client.post("/api/conversations", data={"text": "a 2 second ad for X, open with my clip"},
                           files=[("images", ("phone.webm", data, "video/webm"))], headers=live.headers())  # fmt: skip
        assert made.status_code == 201, made.text
        shots = made.json()["plan"]["shots"]
        assert shots[0]["kind"] == "footage" and shots[0]["footage"].endswith(".webm")
        assert shots[0]["duration_s"] <= 1.0  # the clip is 1 s long
        html = client.post("/api/conversations", data={"text": "an ad with my clip"},
                           files=[("images", ("clip.mp4", b"<!doctype html><html>hi</html>" * 5, "video/mp4"))],
                           headers=live.headers())  # fmt: skip
        assert html.status_code == 415 and "or a video: MP4, MOV, WebM or animated GIF" in html.json()["error"]
