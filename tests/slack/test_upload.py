"""Videos go to Slack streamed from disk: files_upload_v2's steps against the local Slack fake,
the bytes arriving whole, and a process that uploads a 64 MiB file grows by a few MiB, where
slack-sdk's own ``files_upload_v2`` reads the whole file into memory (the same measurement)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from slack_sdk import WebClient

from botkit.channels.slack.upload import upload_files

CHILD = """
import os, sys, threading, time
from slack_sdk import WebClient
from botkit.channels.slack.upload import upload_files
client = WebClient(token=sys.argv[1], base_url=sys.argv[2])

def rss():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

def upload(path):
    files = [{"file": path, "filename": "big.mp4", "title": "big"}]
    if sys.argv[4] == "botkit":
        upload_files(client, files, channel="C1")
    else:
        client.files_upload_v2(file_uploads=files, channel="C1")

upload(sys.argv[3] + ".small")  # imports and first connections before the measurement
before, peak, done = rss(), [0], threading.Event()

def sample():
    while not done.is_set():
        peak[0] = max(peak[0], rss())
        time.sleep(0.002)

sampler = threading.Thread(target=sample)
sampler.start()
upload(sys.argv[3])
done.set()
sampler.join()
print(max(peak[0], rss()) - before)
"""


def grown_by(fake_slack, path: Path, how: str) -> int:  # type: ignore[no-untyped-def]
    token = next(iter(fake_slack.workspaces))
    out = subprocess.run(
        [sys.executable, "-c", CHILD, token, fake_slack.api_url, str(path), how],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parents[2],
        env={**os.environ, "OMP_NUM_THREADS": "1"},
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return int(out.stdout.split()[-1])


def test_files_arrive_whole_in_the_thread(fake_slack, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    video, poster = tmp_path / "x.mp4", tmp_path / "x.png"
    video.write_bytes(os.urandom(3 << 20))
    poster.write_bytes(b"\x89PNG poster")
    client = WebClient(token=next(iter(fake_slack.workspaces)), base_url=fake_slack.api_url)
    files = [
        {"file": str(video), "filename": "x.mp4", "title": "x"},
        {"file": str(poster), "filename": "x-poster.png", "title": "poster"},
    ]
    upload_files(client, files, channel="C1", thread_ts="1700000000.000100", initial_comment="Here it is")
    uploads = sorted(fake_slack.uploads.values(), key=lambda u: u["filename"])
    assert [u["filename"] for u in uploads] == ["x-poster.png", "x.mp4"]
    assert uploads[1]["data"] == video.read_bytes() and uploads[0]["data"] == poster.read_bytes()
    assert {(u["channel"], u["thread_ts"], u["comment"], u["title"]) for u in uploads} == {
        ("C1", "1700000000.000100", "Here it is", "x"),
        ("C1", "1700000000.000100", "Here it is", "poster"),
    }


def test_a_big_video_is_streamed_not_read_into_memory(fake_slack, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    big = tmp_path / "big.mp4"
    with big.open("wb") as out:
        for _ in range(64):
            out.write(os.urandom(1 << 20))
    Path(f"{big}.small").write_bytes(b"warm-up")
    streamed = grown_by(fake_slack, big, "botkit")
    whole = grown_by(fake_slack, big, "slack-sdk")
    assert streamed < 12 << 20, f"grew by {streamed / 2**20:.1f} MiB"
    assert whole > 56 << 20, f"files_upload_v2 grew by {whole / 2**20:.1f} MiB"  # what the test would see if it read it
    assert len([u for u in fake_slack.uploads.values() if u["data"] is not None and len(u["data"]) == 64 << 20]) == 2
