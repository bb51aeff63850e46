"""Start-up and CLI faults are one line that says what is wrong and what to do, with exit status 2."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from botkit.channels.cli import app
from botkit.errors import StoreError
from botkit.store.db import open_db
from botkit.store.migrate import upgrade


def one_line_error(output: str) -> str:
    lines = [line for line in output.strip().splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), output
    assert "Traceback" not in output
    return lines[0]


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--seed", "-1"], "--seed must be a whole number from 0 to 4294967295"),
        (["--seed", "18446744073709551616"], "--seed must be"),
        (["-p", "tiktok", "-p", "tiktok"], "--platform tiktok is given more than once"),
        (["--engine", "nope"], "unknown engine 'nope'; available: "),
    ],
)
def test_cli_refuses_bad_flags_in_one_line(tmp_path: Path, args: list[str], says: str) -> None:
    result = CliRunner().invoke(app, ["chat", "a promo for our lamp", "--data-dir", str(tmp_path / "d"), *args])
    assert result.exit_code == 2
    assert says in one_line_error(result.output)
    assert not (tmp_path / "d" / "assets").exists()  # nothing rendered, no job made


def test_an_unknown_engine_makes_no_job(tmp_path: Path) -> None:
    CliRunner().invoke(app, ["chat", "a promo", "--data-dir", str(tmp_path / "d"), "--engine", "nope"])
    db = tmp_path / "d" / "botkit.db"
    if db.exists():
        from sqlalchemy import text

        with open_db(f"sqlite:///{db}").connect() as connection:
            assert connection.execute(text("select count(*) from render_jobs")).scalar() == 0


def test_a_request_of_zero_width_characters_is_refused(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["chat", "\u200b\u200d\u2060", "--dry-run", "--data-dir", str(tmp_path)])
    assert result.exit_code == 2 and "empty" in one_line_error(result.output)


def test_a_data_dir_that_is_a_file(tmp_path: Path) -> None:
    afile = tmp_path / "afile"
    afile.write_text("x")
    for data_dir in (afile, afile / "sub"):
        result = CliRunner().invoke(app, ["chat", "a promo", "--dry-run", "--data-dir", str(data_dir)])
        assert result.exit_code == 2 and "not a folder" in one_line_error(result.output)


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_an_unwritable_data_dir(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o555)
    with pytest.raises(StoreError, match=r"[Pp]ermission denied"):
        open_db(f"sqlite:///{locked / 'd' / 'botkit.db'}")


def test_database_urls_and_servers_that_do_not_work() -> None:
    with pytest.raises(StoreError, match="is not a URL"):
        open_db("notaurl")
    with pytest.raises(StoreError, match="cannot be used"):
        open_db("foo://bar")
    with pytest.raises(StoreError, match=r"cannot open the database .*127\.0\.0\.1:1"):
        upgrade(open_db("postgresql://postgres@127.0.0.1:1/x?connect_timeout=2"))


def run_cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "botkit", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=120,
        check=False,
    )


def test_start_up_faults_from_the_environment_are_one_line(tmp_path: Path) -> None:
    down = run_cli("db", "upgrade", env={"BOTKIT_DATABASE_URL": "postgresql://postgres@127.0.0.1:1/x"})
    assert down.returncode == 2 and "Connection refused" in one_line_error(down.stderr)
    proxies = run_cli("db", "upgrade", "--data-dir", str(tmp_path), env={"BOTKIT_TRUSTED_PROXIES": "10.0.0.0/8,bogus"})
    assert proxies.returncode == 2 and "'bogus'" in one_line_error(proxies.stderr)
