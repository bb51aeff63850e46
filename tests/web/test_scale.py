"""Many web processes: rate limits and stream slots shared through Redis (and per process, with a
warning, when Redis is down), PostgreSQL LISTEN/NOTIFY wake-ups, readiness, /metrics, and
``botkit serve --workers 2`` with its one job runner in the supervisor."""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import httpx
import pytest
import redis

from botkit.bot import Bot, Queue
from botkit.channels.web import create_app, create_site, mint_user_token
from botkit.channels.web.ratelimit import RateLimited, RateLimiter
from botkit.channels.web.streams import StreamSlots
from botkit.domain.jobs import JobState
from botkit.jobs.render import RenderWorker
from botkit.settings import Settings
from botkit.store.notify import EVENTS, JOBS, Listener

from .conftest import free_port

REDIS_URL = os.environ.get("BOTKIT_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
DOWN_URL = "redis://127.0.0.1:1/0"  # nothing listens there


def redis_up() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_timeout=0.5).ping())
    except redis.RedisError:
        return False


needs_redis = pytest.mark.skipif(not redis_up(), reason=f"no Redis at {REDIS_URL}")


def test_rate_limit_in_memory_refuses_past_the_limit() -> None:
    limiter = RateLimiter(3, 60, what="messages")
    for _ in range(3):
        limiter.hit("alice")
    with pytest.raises(RateLimited, match="at most 3 per 60 s") as refused:
        limiter.hit("alice")
    assert 0 < refused.value.retry_after_s <= 60
    limiter.hit("bob")  # per key


@needs_redis
def test_rate_limits_are_shared_by_processes_through_redis() -> None:
    what = f"messages-{uuid.uuid4().hex}"  # a fresh window in the shared Redis
    one, two = (RateLimiter(4, 60, what=what, storage_url=REDIS_URL) for _ in range(2))
    assert one.shared and two.shared
    for limiter in (one, two, one, two):
        limiter.hit("alice")
    with pytest.raises(RateLimited):
        one.hit("alice")  # the fifth across both "processes"
    with pytest.raises(RateLimited):
        two.hit("alice")


def test_redis_down_limits_per_process_with_a_warning_never_none(caplog) -> None:  # type: ignore[no-untyped-def]
    limiter = RateLimiter(2, 60, what="guest sessions", storage_url=DOWN_URL)
    with caplog.at_level(logging.WARNING, logger="botkit.channels.web.ratelimit"):
        limiter.hit("1.2.3.4")
        limiter.hit("1.2.3.4")
        with pytest.raises(RateLimited):
            limiter.hit("1.2.3.4")
    assert not limiter.shared
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "Redis is not answering" in warnings[0] and "per process" in warnings[0]


@pytest.mark.skipif(not shutil.which("redis-server"), reason="redis-server is not installed")
def test_redis_that_dies_mid_run_limits_per_process_from_then_on(caplog, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A Redis of this test's own, stopped while limits and stream slots are counted in it: the
    next requests are counted in this process (one warning each), and the limit still refuses."""
    port = free_port()
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--save", "", "--appendonly", "no", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                redis.Redis.from_url(url, socket_timeout=0.5).ping()
                break
            except redis.RedisError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        limiter, slots = RateLimiter(3, 60, what="messages", storage_url=url), StreamSlots(url, 60)
        limiter.hit("alice")
        slots.enter("alice")
        assert limiter.shared and redis.Redis.from_url(url).get("botkit:streams:alice") == b"1"
    finally:
        server.terminate()
        server.wait(10)
    with caplog.at_level(logging.WARNING):
        for _ in range(3):  # this process's own window from now on: 3 more, then no
            limiter.hit("alice")
        with pytest.raises(RateLimited, match="at most 3 per 60 s"):
            limiter.hit("alice")
        assert slots.count("alice") == 1  # the stream this process holds is still counted
        slots.enter("alice")
        assert slots.count("alice") == 2
    assert not limiter.shared
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert sum("rate limits: Redis is not answering" in w for w in warnings) == 1, warnings
    assert sum("counting open event streams in this process" in w for w in warnings) == 1, warnings


@needs_redis
def test_stream_slots_are_shared_and_fall_back_when_redis_is_down() -> None:
    owner = f"site:s:user:{uuid.uuid4().hex}"
    one, two = StreamSlots(REDIS_URL, 60), StreamSlots(REDIS_URL, 60)
    one.enter(owner)
    two.enter(owner)
    assert one.count(owner) == two.count(owner) == 2
    one.leave(owner)
    assert two.count(owner) == 1
    two.leave(owner)
    assert one.count(owner) == 0
    down = StreamSlots(DOWN_URL, 60)
    down.enter(owner)
    assert down.count(owner) == 1  # this process still counts its own
    down.leave(owner)
    assert down.count(owner) == 0


@pytest.mark.postgres
def test_listen_notify_wakes_at_commit(postgres_url: str, tmp_path: Path, tiny_engine) -> None:
    bot = Bot.open(Settings(data_dir=tmp_path / "data", database_url=postgres_url), engine=tiny_engine)
    listener = Listener(bot.db).start()
    try:
        assert listener.listening.wait(10)
        events, jobs = [], []
        woke = threading.Event()
        listener.subscribe(EVENTS, lambda payload: (events.append(payload), woke.set()))
        listener.subscribe(JOBS, jobs.append)
        turn = bot.plan("a 1 second teaser for our lamp", platforms=["x"], channel="web", owner="site:a:user:b",
                        queue=Queue())  # fmt: skip
        assert woke.wait(5)
        deadline = time.monotonic() + 5
        while not jobs and time.monotonic() < deadline:
            time.sleep(0.05)
        assert events[0] == turn.conversation_id and jobs == ["tiny-wan"]
    finally:
        listener.stop()
        bot.close_listener()
        bot.db.dispose()


def test_healthz_is_ready_only_after_the_warm_up(tmp_path: Path, tiny_engine) -> None:
    from fastapi.testclient import TestClient

    settings = Settings(data_dir=tmp_path / "data", engine="tiny-wan")
    bot = Bot.open(settings, engine=tiny_engine)
    release = threading.Event()
    warm = bot.warm_up
    bot.warm_up = lambda: (release.wait(20), warm())  # type: ignore[method-assign]
    with TestClient(create_app(bot, settings)) as client:
        loading = client.get("/healthz")
        release.set()
        deadline = time.monotonic() + 30
        while (ready := client.get("/healthz")).status_code != 200 and time.monotonic() < deadline:
            time.sleep(0.05)
    assert loading.status_code == 503 and loading.json()["ready"] is False and loading.headers["Retry-After"] == "1"
    assert ready.json() == {"ok": True, "ready": True}


def test_metrics_count_requests_jobs_renders_and_refusals(tmp_path: Path, tiny_engine) -> None:
    pytest.importorskip("prometheus_client")
    from fastapi.testclient import TestClient

    settings = Settings(data_dir=tmp_path / "data", engine="tiny-wan")
    bot = Bot.open(settings, engine=tiny_engine)
    site = create_site(bot.repo.sessions, "shop", [])
    headers = {"Authorization": f"Bearer {mint_user_token(site.secret, site.site_key, 'alice', 600)}"}
    with TestClient(create_app(bot, settings)) as client:
        posted = client.post("/api/conversations", data={"text": "a 1 second teaser for X of a lamp"}, headers=headers)
        assert posted.status_code == 201, posted.text
        queued = client.get("/metrics").text
        refused = client.post(
            "/api/conversations",
            data={"text": "a 1 second teaser for X"},
            files={"images": ("panel.png", b"not an image at all", "image/png")},
            headers=headers,
        )
        assert refused.status_code == 415
        assert RenderWorker(bot.context, tiny_engine).run(posted.json()["job_id"]) is JobState.SUCCEEDED
        after = client.get("/metrics")
    assert after.headers["content-type"].startswith("text/plain")
    assert 'botkit_queue_depth{engine="tiny-wan"} 1.0' in queued
    assert (
        'botkit_http_request_duration_seconds_count{method="POST",route="/api/conversations",status="201"}'
        in after.text
    )
    assert 'botkit_upload_refusals_total{reason="unsupported_type"}' in after.text
    assert 'botkit_jobs_total{engine="tiny-wan",outcome="succeeded"}' in after.text
    assert 'botkit_job_duration_seconds_bucket{engine="tiny-wan",le="+Inf",outcome="succeeded"}' in after.text
    assert 'botkit_render_seconds_total{engine="tiny-wan"}' in after.text
    assert 'botkit_queue_depth{engine="tiny-wan"}' not in after.text  # nothing queued any more
    # every series the Grafana dashboard plots is one this server exports
    dashboard = json.loads((Path(__file__).parents[2] / "docs" / "grafana-botkit.json").read_text())
    plotted = {
        re.sub(r"_(bucket|count|sum)$", "", name)
        for panel in dashboard["panels"]
        for target in panel["targets"]
        for name in re.findall(r"botkit_[a-z_]+", target["expr"])
    }
    exported = set(re.findall(r"^# TYPE (botkit_[a-z_]+)", after.text, re.MULTILINE))
    exported |= {name + "_total" for name in exported}  # a counter's TYPE line names it without _total
    assert plotted and plotted <= exported, plotted - exported
    bot.db.dispose()


@pytest.mark.postgres
def test_serve_with_two_web_processes_renders_each_job_once_in_the_supervisor(
    postgres_url: str, tmp_path: Path
) -> None:
    settings = Settings(data_dir=tmp_path / "data", database_url=postgres_url, engine="tiny-wan")
    bot = Bot.open(settings)
    site = create_site(bot.repo.sessions, "shop", [])
    port = free_port()
    env = {**os.environ, "BOTKIT_DATA_DIR": str(tmp_path / "data"), "BOTKIT_DATABASE_URL": postgres_url,
           "BOTKIT_ENGINE": "tiny-wan", "BOTKIT_HEARTBEAT_S": "0.5"}  # fmt: skip
    server = subprocess.Popen(
        [sys.executable, "-m", "botkit", "serve", "--workers", "2", "--port", str(port)],
        env=env,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None and time.monotonic() < deadline, "serve --workers 2 did not start"
            time.sleep(0.3)
        headers = {"Authorization": f"Bearer {mint_user_token(site.secret, site.site_key, 'alice', 600)}"}
        with httpx.Client(base_url=url, timeout=120) as client:
            jobs = []
            for i in range(2):
                posted = client.post(
                    "/api/conversations", data={"text": f"a 1 second teaser for X of lamp {i}"}, headers=headers
                )
                assert posted.status_code == 201, posted.text
                jobs.append(posted.json())
            kinds = []
            cid = jobs[-1]["conversation_id"]
            with client.stream("GET", f"/api/conversations/{cid}/events", headers=headers) as stream:
                for line in stream.iter_lines():
                    if line.startswith("event:"):
                        kinds.append(line.split(":", 1)[1].strip())
                        if kinds[-1] in ("done", "failed"):
                            break
        assert kinds[0] == "queued" and kinds[-1] == "done", kinds
        status = bot.jobs.status(jobs[-1]["job_id"])
        assert status.state is JobState.SUCCEEDED and status.attempts == 1
        assert f":{server.pid}:" in (status.worker or ""), status.worker  # the supervisor rendered it
    finally:
        server.terminate()
        server.wait(60)
        bot.db.dispose()
