"""The web app over a real bot with the tiny engine: in process (``TestClient``, for routes that
answer at once) or served on loopback by uvicorn in a thread (event streams, raw sockets, a browser)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient

from botkit.bot import Bot
from botkit.channels.web import WebOptions, create_app, create_site, mint_user_token
from botkit.channels.web.sites import SiteInfo
from botkit.settings import Settings

PAGE_ORIGIN = "http://127.0.0.1:{port}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ThreadServer:
    """uvicorn serving an ASGI app from a background thread, stopped on exit."""

    def __init__(self, app, port: int) -> None:  # type: ignore[no-untyped-def]
        self.server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", proxy_headers=False)
        )
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.url = f"http://127.0.0.1:{port}"

    def __enter__(self) -> ThreadServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc) -> None:  # type: ignore[no-untyped-def]
        self.server.should_exit = True
        self.thread.join(10)


@dataclass
class Live:
    url: str
    bot: Bot
    site: SiteInfo
    other_site: SiteInfo
    page_origin: str
    app: object = None  # in process: clients are TestClients of this app (no socket)

    def token(self, user: str = "alice", site: SiteInfo | None = None, ttl_s: int = 600) -> str:
        site = site or self.site
        return mint_user_token(site.secret, site.site_key, user, ttl_s)

    def headers(self, user: str = "alice", **extra: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(user)}", **extra}

    def client(self) -> httpx.Client:
        if not self.url:  # a TestClient is an httpx.Client over the ASGI app; ``with`` runs the lifespan
            return TestClient(self.app, base_url="http://testserver", raise_server_exceptions=False)
        return httpx.Client(base_url=self.url, timeout=30)


def make_live(tmp_path: Path, engine, *, workers: bool, options: WebOptions | None = None, **settings_overrides):  # type: ignore[no-untyped-def]
    # tiny-wan renders text only: shots from uploaded panels go to the animatic (plans are checked)
    settings = Settings(
        data_dir=tmp_path / "data",
        engine="tiny-wan",
        task_engines={"i2v": "animatic"},
        heartbeat_s=0.5,
        **settings_overrides,
    )
    bot = Bot.open(settings, engine=engine)
    page_origin = PAGE_ORIGIN.format(port=free_port())
    site = create_site(bot.repo.sessions, "Shoe shop", [page_origin])
    other = create_site(bot.repo.sessions, "Other shop", ["https://other.example"])
    app = create_app(bot, settings, options or WebOptions(sse_poll_s=0.05))
    if workers:
        bot.start_workers()
    return bot, app, Live("", bot, site, other, page_origin, app)


@contextmanager
def live_server(
    tmp_path: Path, engine, *, workers: bool, options: WebOptions | None = None, **settings_overrides
) -> Iterator[Live]:  # type: ignore[no-untyped-def]
    bot, app, live = make_live(tmp_path, engine, workers=workers, options=options, **settings_overrides)
    try:
        with ThreadServer(app, free_port()) as server:
            live.url = server.url
            yield live
    finally:
        bot.stop_workers()


@pytest.fixture
def live(tmp_path: Path, tiny_engine) -> Iterator[Live]:
    """The app in process, without workers: jobs stay queued (fast, deterministic API tests of
    routes that answer at once; a TestClient waits for a whole response, so no event streams)."""
    bot, _app, live = make_live(tmp_path, tiny_engine, workers=False)
    try:
        yield live
    finally:
        bot.stop_workers()


@pytest.fixture
def live_http(tmp_path: Path, tiny_engine) -> Iterator[Live]:
    """API server on loopback without workers, for event streams and raw requests."""
    with live_server(tmp_path, tiny_engine, workers=False) as server:
        yield server


@pytest.fixture
def live_rendering(tmp_path: Path, tiny_engine) -> Iterator[Live]:
    """API server with the embedded runner rendering jobs with the tiny engine."""
    with live_server(tmp_path, tiny_engine, workers=True) as server:
        yield server
