"""``botkit chat --preview`` -> ``-c ID "a change"`` (previews again) -> ``-c ID approve`` (renders
the approved revision once) through the real command line, and its refusals."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from botkit.post.probe import probe
from tests.test_cli import cli, one_error


def job_rows(data: Path) -> list[tuple[str, str, str | None, str | None, str]]:
    with sqlite3.connect(data / "botkit.db") as db:
        return db.execute(
            "select purpose, engine, decision, preview_id, state from render_jobs order by created_at"
        ).fetchall()


def test_preview_revise_approve(tmp_path: Path) -> None:
    data = tmp_path / "data"
    first = cli("chat", "--preview", "a 2 second promo for our lamp in 2 shots", "--engine", "tiny-wan", "--json",
                data_dir=data)  # fmt: skip
    assert first.exit_code == 0, first.stderr
    made = json.loads(first.stdout)
    assert made["preview"] == {"preview_id": made["job_id"], "decision": None}
    assert job_rows(data) == [("preview", "animatic", None, None, "succeeded")]
    conversation = made["conversation_id"][:8]

    one_error(cli("chat", "approve", "--engine", "tiny-wan", data_dir=data), '"approve" is for a preview')

    revised = cli("chat", "-c", conversation, "make it 3 seconds", "--engine", "tiny-wan", data_dir=data)
    assert revised.exit_code == 0, revised.stderr
    assert f"botkit chat -c {conversation} approve" in revised.stdout  # a change previews again
    rows = job_rows(data)
    assert [row[:3] for row in rows] == [("preview", "animatic", "superseded"), ("preview", "animatic", None)]

    approved = cli("chat", "-c", conversation, "approve", "--engine", "tiny-wan", "--json", data_dir=data)
    assert approved.exit_code == 0, approved.stderr
    result = json.loads(approved.stdout)
    assert result["preview"]["decision"] == "approved" and result["preview"]["created"] is True
    rows = job_rows(data)
    preview_id = result["preview"]["preview_id"]
    assert rows[-1] == ("render", "tiny-wan", None, preview_id, "succeeded")
    assert rows[1][2] == "approved"
    video = probe(Path(result["outputs"][0]["path"]))
    assert abs(video.duration_s - 3.0) < 0.05  # the revised preview's timing, kept

    twice = cli("chat", "-c", conversation, "approve", "--engine", "tiny-wan", data_dir=data)
    assert twice.exit_code == 0 and "approved already" in twice.stdout and "nothing rendered again" in twice.stdout
    assert len(job_rows(data)) == 3  # no second render
    one_error(cli("chat", "-c", conversation, "cancel", "--engine", "tiny-wan", data_dir=data), "approved already")


def test_cancel_and_nothing_pending(tmp_path: Path) -> None:
    data = tmp_path / "data"
    plain = cli("chat", "a 1 second clip of a red ball", "--engine", "tiny-wan", "--dry-run", "--json", data_dir=data)
    conversation = json.loads(plain.stdout)["conversation_id"][:8]
    one_error(cli("chat", "-c", conversation, "approve", data_dir=data), "nothing waits for approval")

    cli("chat", "-c", conversation, "--preview", "make it 2 seconds", "--engine", "tiny-wan", data_dir=data)
    cancelled = cli("chat", "--continue", "cancel", "--engine", "tiny-wan", data_dir=data)
    assert cancelled.exit_code == 0 and "nothing was rendered" in cancelled.stdout, cancelled.stderr
    one_error(cli("chat", "--continue", "approve", "--engine", "tiny-wan", data_dir=data), "was cancelled")
    assert [row[0] for row in job_rows(data)] == ["preview"]
