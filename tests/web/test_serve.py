"""``serve()``: the real uvicorn process a ``botkit serve`` runs, answering on loopback."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from .conftest import free_port

SERVE = """
import sys
from botkit.channels.cli.web import serve
from botkit.settings import Settings
serve(Settings(), "127.0.0.1", int(sys.argv[1]), workers=True)
"""


@pytest.mark.slow
def test_serve_answers_and_stops(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "BOTKIT_DATA_DIR": str(tmp_path / "data"), "BOTKIT_ENGINE": "tiny-wan"}
    server = subprocess.Popen([sys.executable, "-c", SERVE, str(port)], env=env)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
                if health.status_code == 200:  # 503 while the planner and the engine load
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None and time.monotonic() < deadline, "serve did not start"
            time.sleep(0.3)
        widget = httpx.get(f"http://127.0.0.1:{port}/widget.js")
        schema = httpx.get(f"http://127.0.0.1:{port}/openapi.json").json()
        unauthenticated = httpx.post(f"http://127.0.0.1:{port}/api/conversations", data={"text": "hi"})
        time.sleep(1)  # let the job runner start, so stopping it is part of the shutdown
    finally:
        server.terminate()
        code = server.wait(30)
    assert health.json() == {"ok": True, "ready": True}
    assert widget.status_code == 200 and "botkit-chat" in widget.text
    assert "/api/conversations/{conversation_id}/events" in schema["paths"]
    assert unauthenticated.status_code == 401
    assert code in (0, -15), code  # uvicorn re-raises SIGTERM after its graceful shutdown
    assert (tmp_path / "data" / "botkit.db").exists()
