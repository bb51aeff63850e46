"""End to end through the real command line: request in, MP4 out, rows in SQL."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from botkit.post.probe import probe


def botkit(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "botkit", *args, "--data-dir", str(data_dir)]
    return subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)


def test_chat_json_end_to_end(tmp_path: Path) -> None:
    data = tmp_path / "data"
    out = tmp_path / "out"
    done = botkit(
        "chat",
        "Make a 3 second TikTok teaser for our new trail running shoes",
        "--platform",
        "tiktok",
        "--platform",
        "youtube",
        "--engine",
        "tiny-wan",
        "--seed",
        "7",
        "--out",
        str(out),
        "--json",
        data_dir=data,
    )
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    assert payload["plan"]["platforms"] == ["tiktok", "youtube"]
    assert payload["plan"]["shots"][0]["seed"] == 7
    sizes = {"tiktok": (1080, 1920), "youtube": (1920, 1080)}
    for output in payload["outputs"]:
        path = Path(output["path"])
        assert path.parent == out and Path(output["poster"]).is_file()
        info = probe(path)
        assert (info.width, info.height) == sizes[output["platform"]] == (output["width"], output["height"])
        assert (info.codec, info.pix_fmt, info.faststart) == ("h264", "yuv420p", True)
        assert abs(info.duration_s - 3.0) <= 1 / info.fps
        assert info.frames == 90 and output["duration_s"] == 3.0
    with sqlite3.connect(data / "botkit.db") as db:
        assert db.execute("select count(*) from conversations").fetchone() == (1,)
        assert db.execute("select state from render_jobs").fetchall() == [("succeeded",)]
        assert db.execute("select count(*) from assets where kind='video'").fetchone() == (2,)
        assert db.execute("select role from messages order by id").fetchall() == [
            ("user",),
            ("assistant",),
            ("assistant",),
        ]


def test_dry_run_prints_plan_and_renders_nothing(tmp_path: Path) -> None:
    done = botkit(
        "chat",
        "a training video: 1. open the box 2. plug it in",
        "--dry-run",
        "--engine",
        "tiny-wan",
        data_dir=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert "1. 4 s from text" in done.stdout and "open the box" in done.stdout
    assert not list(tmp_path.rglob("*.mp4"))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["chat", ""], "request is empty"),
        (["chat", "a 2 hour video"], "at most 60 s"),
        (["chat", "an ad", "--platform", "myspace"], "unknown platform 'myspace'"),
        (["chat", "an ad", "--image", "/nonexistent.png"], "not found"),
    ],
)
def test_bad_input_is_one_clear_line_and_nonzero(tmp_path: Path, args: list[str], message: str) -> None:
    done = botkit(*args, "--engine", "tiny-wan", data_dir=tmp_path)
    assert done.returncode == 2
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:") and message in lines[0], done.stderr
    assert not list(tmp_path.rglob("*.mp4")) and not list((tmp_path / "assets").rglob("*.png"))


def test_db_upgrade(tmp_path: Path) -> None:
    done = botkit("db", "upgrade", data_dir=tmp_path)
    assert done.returncode == 0, done.stderr
    from alembic.script import ScriptDirectory

    from botkit.store.migrate import script_location

    head = ScriptDirectory(str(script_location())).get_current_head()
    assert f"revision {head}" in done.stdout
