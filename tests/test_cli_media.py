"""Bring your own media from the command line: a clip by --media (or --image), the edit by --export."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import zipfile
from pathlib import Path

from botkit.post.ffmpeg import ffmpeg_exe
from tests.test_cli import botkit


def test_chat_with_my_clip_and_an_otio_export(tmp_path: Path) -> None:
    clip = tmp_path / "walk.mov"
    subprocess.run([ffmpeg_exe(), "-v", "error", "-f", "lavfi", "-i", "testsrc2=s=320x240:r=25:d=3",
                    "-c:v", "libx264", "-pix_fmt", "yuv420p", str(clip)], check=True)  # fmt: skip
    done = botkit("chat", "a 4 second teaser for our shoes in 2 shots, open with my clip, cross-fade 0.4 s",
                  "--media", str(clip), "--platform", "reels", "--engine", "tiny-wan", "--export", "otio",
                  "--json", data_dir=tmp_path / "data")  # fmt: skip
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    shots = payload["plan"]["shots"]
    assert [s["kind"] for s in shots] == ["footage", "generated"] and shots[1]["transition"] == "crossfade"
    assert shots[1]["transition_s"] == 0.4
    [timeline] = payload["timelines"]
    assert timeline.endswith("timeline.otio") and Path(timeline).is_file()
    assert json.loads(Path(timeline).read_text())["OTIO_SCHEMA"].startswith("Timeline")


def test_a_zip_named_mp4_is_refused_by_the_cli_with_nothing_stored(tmp_path: Path) -> None:
    fake = tmp_path / "clip.mp4"
    with zipfile.ZipFile(fake, "w") as archive:
        archive.writestr("x.txt", "hello" * 50)
    data = tmp_path / "data"
    done = botkit(
        "chat", "an ad with my clip", "--media", str(fake), "--engine", "tiny-wan", "--dry-run", data_dir=data
    )
    assert done.returncode == 2
    assert "clip.mp4" in done.stderr and "ZIP" in done.stderr and "MP4, MOV, WebM or animated GIF" in done.stderr
    with sqlite3.connect(data / "botkit.db") as db:
        assert db.execute("select count(*) from conversations").fetchone() == (0,)
    assert not [p for p in (data / "assets").rglob("*") if p.is_file()] if (data / "assets").exists() else True


def test_an_unknown_export_format_is_refused(tmp_path: Path) -> None:
    done = botkit("chat", "an ad", "--export", "edl", "--engine", "tiny-wan", "--dry-run", data_dir=tmp_path / "d")
    assert done.returncode == 2 and "unknown timeline format 'edl'; choose from: otio, fcpxml, fcp7" in done.stderr
