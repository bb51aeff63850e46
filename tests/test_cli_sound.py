"""``botkit chat`` with a voice: --voice, --no-voice and --music through the real command line."""

from __future__ import annotations

import json
from pathlib import Path

from tests.test_cli import botkit

SOUND = {"BOTKIT_NARRATION": "true"}
HELMET = "How to put on a bike helmet in 6 seconds: 1. Put the helmet on 2. Fasten the chin strap"


def plan_of(done) -> dict:  # type: ignore[no-untyped-def]
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)["plan"]


def test_voice_and_music_flags_reach_the_plan(tmp_path: Path) -> None:
    plan = plan_of(botkit("chat", HELMET, "--dry-run", "--json", "--voice", "joe", "--music", "focus",
                          data_dir=tmp_path / "d", env=SOUND))  # fmt: skip
    assert plan["voice"] == "joe" and plan["music"] == "focus"
    assert [shot["narration"]["text"] for shot in plan["shots"]] == [
        "Step one. Put the helmet on.", "Step two. Fasten the chin strap."
    ]  # fmt: skip


def test_no_voice_and_no_music(tmp_path: Path) -> None:
    plan = plan_of(botkit("chat", HELMET, "--dry-run", "--json", "--no-voice", "--music", "none",
                          data_dir=tmp_path / "d", env=SOUND))  # fmt: skip
    assert all(shot["narration"] is None for shot in plan["shots"]) and plan["music"] is None


def test_an_unknown_voice_or_missing_music_is_a_clear_error(tmp_path: Path) -> None:
    done = botkit("chat", HELMET, "--dry-run", "--voice", "nobody", data_dir=tmp_path / "d", env=SOUND)
    assert done.returncode == 2 and "no voice 'nobody'" in done.stderr and "Traceback" not in done.stderr
    done = botkit(
        "chat", HELMET, "--dry-run", "--music", str(tmp_path / "gone.mp3"), data_dir=tmp_path / "d", env=SOUND
    )
    assert done.returncode == 2 and "gone.mp3 does not exist" in done.stderr
    done = botkit("chat", HELMET, "--dry-run", "--voice", "joe", "--no-voice", data_dir=tmp_path / "d", env=SOUND)
    assert done.returncode == 2 and "not both" in done.stderr


def test_a_narrated_render_prints_and_copies_its_subtitles(tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = botkit("chat", HELMET, "--engine", "tiny-wan", "--out", str(out), "--music", "none",
                  data_dir=tmp_path / "d", env=SOUND)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "subtitles:" in done.stdout and ".srt" in done.stdout
    assert sorted(p.suffix for p in out.iterdir()) == [".mp4", ".png", ".srt", ".vtt"]
    assert "Step one. Put the helmet on." in (out / "video-youtube.srt").read_text(encoding="utf-8")
