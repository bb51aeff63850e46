"""End to end through the real command line: request in, MP4 out, rows in SQL."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from botkit.post.probe import probe
from botkit.provenance import GENERATED
from botkit.testing.credentials import assert_job_verifies, assert_outputs_verify


def botkit(*args: str, data_dir: Path | None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "botkit", *args, *(["--data-dir", str(data_dir)] if data_dir else [])]
    environment = {**os.environ, "COLUMNS": "80", **(env or {})}
    return subprocess.run(command, capture_output=True, text=True, timeout=300, check=False, env=environment)


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
    copied = [Path(o[key]) for o in payload["outputs"] for key in ("path", "poster")]
    assert_outputs_verify(copied, source_type=GENERATED, model="tiny-wan")  # the copies in --out verify too
    [job] = (data / "assets" / "conversations").glob("*/jobs/*")
    assert_job_verifies(job)
    assert payload["disclosure"] == "AI-generated video" and "an AI assistant" in payload["intro"]
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
    assert done.stdout.startswith("Hi! I'm botkit, an AI assistant.")  # a new conversation: the bot says it is an AI
    assert done.stdout.count("an AI assistant") == 1  # once
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


def cli(*args: str, data_dir: Path | None = None, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    """The same command line in this process (no interpreter start: a second per call saved)."""
    from typer.testing import CliRunner

    from botkit.channels.cli import app

    arguments = [*args, *(["--data-dir", str(data_dir)] if data_dir else [])]
    return CliRunner(env={"COLUMNS": "80", **(env or {})}).invoke(app, arguments)


def one_error(result, message: str) -> None:  # type: ignore[no-untyped-def]
    assert result.exit_code == 2, (result.stdout, result.stderr)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:") and message in lines[0], result.stderr


def test_the_cli_is_a_conversation(tmp_path: Path) -> None:
    """chat, then --conversation ID and --continue revise the plan (only changed shots render);
    history lists it all."""
    data = tmp_path / "data"
    first = cli("chat", "a 2 second promo for our lamp in 2 shots", "-p", "x", "--engine", "tiny-wan", "--json",
                data_dir=data)  # fmt: skip
    assert first.exit_code == 0, first.stderr
    started = json.loads(first.stdout)
    assert started["revision"] == 1 and started["rendered_again"] == [0, 1]
    prefix = started["conversation_id"][:6]

    vertical = cli("chat", "--conversation", prefix, "make it vertical too", "--engine", "tiny-wan", "--json",
                   data_dir=data)  # fmt: skip
    assert vertical.exit_code == 0, vertical.stderr
    revised = json.loads(vertical.stdout)
    assert revised["conversation_id"] == started["conversation_id"] and revised["revision"] == 2
    assert revised["rendered_again"] == [] and revised["plan"]["platforms"] == ["x", "tiktok"]
    assert sorted(o["platform"] for o in revised["outputs"]) == ["tiktok", "x"]
    assert revised["reply"].startswith("Done: 2 video(s)")

    swapped = cli("chat", "--continue", "swap shots 1 and 2, and shot 2 should pan left", "--engine", "tiny-wan",
                  data_dir=data)  # fmt: skip
    assert swapped.exit_code == 0, swapped.stderr
    lines = swapped.stdout.splitlines()
    assert lines[0].startswith("Revision 3 of " + started["conversation_id"][:8])
    assert "renders shot(s) 1 again; re-uses 1 clip(s)" in swapped.stdout  # old shot 2, now the first
    assert "Done: 2 video(s) for x, tiktok." in swapped.stdout
    assert (
        "AI-generated video (content credentials inside each file, signed with the botkit development" in swapped.stdout
    )
    assert 'botkit chat --continue "' in lines[-1]

    one_error(cli("chat", "--continue", "hmm, not sure", "--engine", "tiny-wan", data_dir=data), "I kept the plan")
    with sqlite3.connect(data / "botkit.db") as db:
        assert db.execute("select count(*) from shot_plans").fetchone() == (3,)  # nothing half-written
        assert db.execute("select count(*) from conversations").fetchone() == (1,)

    listed = cli("history", data_dir=data)
    assert listed.exit_code == 0, listed.stderr
    assert all(len(line) <= 80 for line in listed.stdout.splitlines()), listed.stdout
    row = next(line for line in listed.stdout.splitlines() if line.startswith(started["conversation_id"][:8]))
    assert row.split()[3:6] == ["cli", "3", "5"]  # channel, revisions, videos (1 + 2 + 2)
    shown = cli("history", prefix, data_dir=data)
    assert shown.exit_code == 0, shown.stderr
    assert "revision 2" in shown.stdout and '"make it vertical too"' in shown.stdout
    assert "Done: 2 video(s) for x, tiktok." in shown.stdout
    assert shown.stdout.count("video-tiktok.mp4") == 2
    as_json = json.loads(cli("history", prefix, "--json", data_dir=data).stdout)
    assert [r["revision"] for r in as_json["revisions"]] == [1, 2, 3]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["chat", "--continue", "make it vertical too"], "no conversation in"),
        (["chat", "--conversation", "abc123", "make it vertical too"], "no conversation 'abc123'"),
        (["chat", "--conversation", "x", "--continue", "hi"], "not both"),
        (["chat", "an ad", "--reframe", "sideways"], "choose from: auto, crop, blur-pad, follow"),
        (["history", "nope!"], "is not a conversation id"),
    ],
)
def test_conversation_errors_are_one_line(tmp_path: Path, args: list[str], message: str) -> None:
    one_error(cli(*args, data_dir=tmp_path), message)


def test_reframe_follow_and_the_fallback_note(tmp_path: Path) -> None:
    unreachable = {"BOTKIT_LLM_BASE_URL": "http://127.0.0.1:9/v1", "BOTKIT_LLM_MODEL": "m", "BOTKIT_LLM_MAX_RETRIES": "0",
                   "BOTKIT_LLM_TIMEOUT_S": "2"}  # fmt: skip
    done = cli("chat", "a 1 second clip of a red ball for TikTok", "--engine", "tiny-wan", "--reframe", "follow",
               data_dir=tmp_path, env=unreachable)  # fmt: skip
    assert done.exit_code == 0, done.stderr
    assert "note: the LLM planner was not used (connection failed); the offline planner made this plan." in done.stdout
    video = next(Path(line.split(": ", 1)[1]) for line in done.stdout.splitlines() if line.startswith("tiktok "))
    info = probe(video)
    assert (info.width, info.height) == (1080, 1920)


def test_models_list_fits_80_columns() -> None:
    from botkit.engine.registry import Registry

    done = cli("models", "list")
    assert done.exit_code == 0, done.stderr
    lines = done.stdout.splitlines()
    assert all(len(line) <= 80 for line in lines), [line for line in lines if len(line) > 80]
    names = {line.split()[0] for line in lines if line.strip()}
    assert set(Registry.default().names()) <= names  # every name whole, never cut
    wide = cli("models", "list", env={"COLUMNS": "160"})
    assert "source" in wide.stdout and "family" in wide.stdout
