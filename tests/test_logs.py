"""``BOTKIT_LOG_FORMAT=json``: one JSON object per record, ``extra=`` fields included."""

from __future__ import annotations

import io
import json
import logging
import subprocess
import sys

import pytest

from botkit.channels.logs import JsonFormatter, configure


def test_json_records_carry_the_extra_fields_and_the_traceback() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    log = logging.getLogger("botkit.test.logs")
    log.addHandler(handler)
    log.propagate = False
    try:
        log.warning("job %s failed", "j1", extra={"job_id": "j1", "shot": 2, "path": object()})
        try:
            raise RuntimeError("boom")
        except RuntimeError:
            log.exception("render crashed", extra={"job_id": "j2"})
    finally:
        log.removeHandler(handler)
    first, second = (json.loads(line) for line in stream.getvalue().splitlines())
    assert first["message"] == "job j1 failed" and first["level"] == "WARNING" and first["logger"] == "botkit.test.logs"
    assert first["job_id"] == "j1" and first["shot"] == 2 and first["path"].startswith("<object")
    assert "args" not in first and "exception" not in first and first["time"].endswith("+00:00")
    assert second["job_id"] == "j2" and "RuntimeError: boom" in second["exception"]


def test_configure_picks_the_format_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        monkeypatch.setenv("BOTKIT_LOG_FORMAT", "json")
        configure(logging.INFO)
        assert isinstance(root.handlers[-1].formatter, JsonFormatter)
        monkeypatch.setenv("BOTKIT_LOG_FORMAT", "text")
        configure(logging.INFO)
        assert not isinstance(root.handlers[-1].formatter, JsonFormatter)
        monkeypatch.setenv("BOTKIT_LOG_FORMAT", "xml")
        with pytest.raises(ValueError, match="'text' or 'json'"):
            configure(logging.INFO)
    finally:
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])


def test_the_cli_refuses_an_unknown_log_format() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "botkit", "--help"],
        env={"BOTKIT_LOG_FORMAT": "xml", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2 and "BOTKIT_LOG_FORMAT" in done.stderr
