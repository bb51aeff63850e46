"""The real command line: ``botkit credentials init|show`` and ``botkit verify`` at 80 columns."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from botkit.provenance import check, sign
from botkit.settings import Settings

from .conftest import flip_mdat_byte


def botkit(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "botkit", *args, "--data-dir", str(data_dir)]
    env = {**os.environ, "COLUMNS": "80"}
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False, env=env)


def _fits(text: str) -> bool:
    return all(len(line) <= 80 for line in text.splitlines())


def test_init_then_show(tmp_path: Path) -> None:
    data = tmp_path / "data"
    done = botkit("credentials", "init", "--days", "90", data_dir=data)
    assert done.returncode == 0, done.stderr
    assert "development signing chain in" in done.stdout and "untrusted" in done.stdout
    assert (data / "credentials" / "dev-chain.pem").exists() and _fits(done.stdout)
    again = botkit("credentials", "init", data_dir=data)
    assert again.returncode == 2 and "use --force to replace it" in " ".join(again.stderr.split())
    shown = botkit("credentials", "show", data_dir=data)
    assert shown.returncode == 0, shown.stderr
    assert "signer ready (required)" in shown.stdout and "development chain, es256" in shown.stdout
    assert _fits(shown.stdout) and "WARNING" not in shown.stderr
    assert botkit("credentials", "show", data_dir=tmp_path / "empty").returncode == 2


def test_verify_signed_tampered_and_unsigned(outputs, provenance, tmp_path: Path) -> None:
    data = tmp_path / "data"
    signer = check(Settings(data_dir=data))
    video, poster, preview = outputs["mp4"], outputs["png"], outputs["webp"]
    sign(video, provenance, signer)
    sign(poster, provenance, signer)
    done = botkit("verify", str(video), data_dir=data)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert out.startswith("video-tiktok.mp4: SIGNED, untrusted signer, content intact")
    for expected in ("botkit development signer", "this bot    yes", "model embedded (weights abababababab)",
                     "AI-generated: trainedAlgorithmicMedia", "captions placed", "binding     intact"):  # fmt: skip
        assert expected in out, out
    assert _fits(out)
    flip_mdat_byte(video)
    bad = botkit("verify", str(video), str(preview), str(poster), data_dir=data)
    assert bad.returncode == 1
    assert "video-tiktok.mp4: INVALID, content changed after signing" in bad.stdout
    assert "video-preview.webp: NO CONTENT CREDENTIALS" in bad.stdout
    assert "video-tiktok.png: SIGNED" in bad.stdout and _fits(bad.stdout)
    as_json = botkit("verify", "--json", str(poster), str(video), data_dir=data)
    states = [json.loads(line)["state"] for line in as_json.stdout.splitlines()]
    assert states == ["untrusted", "invalid"] and as_json.returncode == 1
    missing = botkit("verify", str(tmp_path / "nope.mp4"), data_dir=data)
    assert missing.returncode == 2 and "is not a file" in " ".join(missing.stderr.split())
    assert "Traceback" not in missing.stderr
