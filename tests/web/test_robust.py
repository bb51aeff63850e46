"""The web API under concurrency, crashes and hostile input: follow-ups at once, an Idempotency-Key
whose holder died, per-user job limits, body caps before reading, image bombs, proxies."""

from __future__ import annotations

import hashlib
import io
import re
import socket
import struct
import threading
import time
import zlib
from pathlib import Path

import httpx
import pytest
from PIL import Image
from sqlalchemy import func, select
from starlette.requests import HTTPConnection

from botkit.channels.web import WebOptions
from botkit.channels.web.auth import client_address
from botkit.store import models
from botkit.store.inbound import Delivery, InboundRepository, LeaseLost

from .conftest import Live, live_server

OFFSET = re.compile(r"(Z|[+-]\d\d:\d\d)$")


def count_conversations(live: Live) -> int:
    with live.bot.repo.sessions() as session:
        return session.scalar(select(func.count()).select_from(models.Conversation))


def start(live: Live, client: httpx.Client, user: str = "alice", **headers: str) -> httpx.Response:
    return client.post(
        "/api/conversations", data={"text": "a 4 second promo for our lamp"}, headers=live.headers(user, **headers)
    )


@pytest.fixture
def live_db(tmp_path: Path, tiny_engine, database_url: str):
    options = WebOptions(sse_poll_s=0.05, user_active_jobs=50, idempotency_lease_s=1.0, idempotency_wait_s=0.5)
    with live_server(tmp_path, tiny_engine, workers=False, options=options, database_url=database_url) as server:
        yield server


def test_concurrent_follow_ups_over_http_each_land(live_db: Live) -> None:
    platforms = ["tiktok", "reels", "shorts", "linkedin", "x", "instagram-feed"]
    with live_db.client() as client:
        turn = start(live_db, client).json()
    cid = turn["conversation_id"]
    barrier = threading.Barrier(len(platforms))
    statuses: list[int] = []

    def send(platform: str) -> None:
        with live_db.client() as client:
            barrier.wait()
            response = client.post(
                f"/api/conversations/{cid}/messages", data={"text": f"for {platform} too"}, headers=live_db.headers()
            )
            statuses.append(response.status_code)

    threads = [threading.Thread(target=send, args=(p,)) for p in platforms]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert statuses == [201] * len(platforms)
    _plan_id, latest = live_db.bot.repo.latest_plan(cid)
    assert set(latest.platforms) == {"youtube", *platforms}
    assert live_db.bot.repo.latest_revision_number(cid) == 1 + len(platforms)
    assert len(live_db.bot.jobs.of_conversation(cid)) == 1 + len(platforms)


def web_key(live: Live, user: str, key: str) -> str:
    owner = f"site:{live.site.site_key}:user:{user}"
    return "web:" + hashlib.sha256(f"{owner}\n{key}".encode()).hexdigest()


def test_a_key_whose_holder_died_is_taken_over_and_finished_once(live_db: Live) -> None:
    bot = live_db.bot
    inbound = InboundRepository(bot.repo.sessions)
    # a request that claimed the key, stored its turn and was killed before it submitted the job
    dead = inbound.claim(web_key(live_db, "alice", "order-7"), "web", lease_s=1.0)
    assert dead.owned
    stored = bot.plan(
        "a 4 second promo for our lamp",
        channel="web",
        owner=f"site:{live_db.site.site_key}:user:alice",
        delivery=Delivery(dead.key, dead.holder or ""),
    )
    headers = {"Idempotency-Key": "order-7"}
    with live_db.client() as client:
        busy = start(live_db, client, **headers)  # the lease still runs: the holder might be alive
        assert busy.status_code == 409 and "still being handled" in busy.json()["error"]
        time.sleep(1.2)
        retry = start(live_db, client, **headers)
        again = start(live_db, client, **headers)
    assert retry.status_code == 201, retry.text
    assert retry.json()["conversation_id"] == stored.conversation_id  # finished, not planned again
    assert again.json() == retry.json()
    assert [job.id for job in bot.jobs.of_conversation(stored.conversation_id)] == [retry.json()["job_id"]]
    assert count_conversations(live_db) == 1


def test_a_lost_lease_refuses_the_late_holders_write(live_db: Live) -> None:
    bot = live_db.bot
    inbound = InboundRepository(bot.repo.sessions)
    first = inbound.claim("web:late", "web", lease_s=0.2)
    time.sleep(0.3)
    second = inbound.claim("web:late", "web", lease_s=30)
    assert second.owned and second.taken_over
    with pytest.raises(LeaseLost):
        bot.plan("a promo for our lamp", channel="web", delivery=Delivery(first.key, first.holder or ""))
    assert not inbound.finish(first.key, first.holder or "", {"late": True})
    assert inbound.finish(second.key, second.holder or "", {"done": True})
    assert count_conversations(live_db) == 0


def test_guests_and_users_have_a_queue_limit(tmp_path: Path, tiny_engine) -> None:
    options = WebOptions(sse_poll_s=0.05, user_active_jobs=2, guest_active_jobs=1)
    with live_server(tmp_path, tiny_engine, workers=False, options=options) as live, live.client() as client:
        guest = client.post("/api/tokens/guest", json={"site_key": live.site.site_key}).json()["token"]
        as_guest = {"Authorization": f"Bearer {guest}"}
        first = client.post("/api/conversations", data={"text": "a promo for our lamp"}, headers=as_guest)
        second = client.post("/api/conversations", data={"text": "a promo for our mug"}, headers=as_guest)
        assert first.status_code == 201 and second.status_code == 429
        assert "at most 1" in second.json()["error"] and "guests" in second.json()["error"]
        assert int(second.headers["retry-after"]) >= 1
        assert [start(live, client).status_code for _ in range(3)] == [201, 201, 429]
        # a finished (here: cancelled) job frees its place
        client.post(f"/api/jobs/{first.json()['job_id']}/cancel", headers=as_guest)
        third = client.post("/api/conversations", data={"text": "a promo for our mug"}, headers=as_guest)
        assert third.status_code == 201
    assert count_conversations(live) == 4  # the refused requests stored nothing


def raw_request(url: str, head: str, body: bytes = b"", read_s: float = 5.0) -> tuple[int, bytes, float]:
    """Send a request by hand (to lie about Content-Length); returns status, response, seconds."""
    host, port = url.removeprefix("http://").split(":")
    started = time.monotonic()
    with socket.create_connection((host, int(port)), timeout=read_s) as sock:
        sock.sendall(head.encode() + body)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    return int(data.split(b" ", 2)[1]), data, time.monotonic() - started


@pytest.fixture
def small_caps(tmp_path: Path, tiny_engine):
    """Uploads of at most 2 images of 1 MiB or a video of 1 MiB: a body cap of 2 MiB + 64 KiB."""
    options = WebOptions(max_images=2)
    caps = {"max_upload_bytes": 2**20, "max_video_bytes": 2**20}
    with live_server(tmp_path, tiny_engine, workers=False, options=options, **caps) as server:
        yield server


def test_bodies_are_refused_before_they_are_read(small_caps: Live) -> None:
    live = small_caps
    big = 200 * 2**20
    head = (
        f"POST /api/conversations HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\n"
        f"Content-Length: {big}\r\n\r\n"
    )
    status, response, seconds = raw_request(live.url, head, b"--b\r\n")  # the body is never sent
    assert status == 401 and b"www-authenticate: Bearer" in response and seconds < 2
    authed = head.replace("Host: x\r\n", f"Host: x\r\nAuthorization: Bearer {live.token()}\r\n")
    status, response, _ = raw_request(live.url, authed, b"--b\r\n")
    assert status == 413
    with live.client() as client:
        form = client.post("/api/conversations", data={"text": "a" * 70_000}, headers=live.headers())
        assert form.status_code == 413 and "64 KiB" in form.json()["error"]

        def chunks():  # chunked: no Content-Length; the cap still holds while it streams
            yield b'--b\r\nContent-Disposition: form-data; name="images"; filename="a.png"\r\n\r\n'
            for _ in range(8):
                yield b"\0" * 2**20

        chunked = client.post(
            "/api/conversations",
            content=chunks(),
            headers=live.headers(**{"Content-Type": "multipart/form-data; boundary=b"}),
        )
        assert chunked.status_code == 413, chunked.text
    assert count_conversations(live) == 0


def png_header(width: int, height: int) -> bytes:
    """A PNG whose header claims ``width`` x ``height`` (a decompression bomb's calling card)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


@pytest.mark.parametrize("size", [(9000, 9000), (30000, 30000)])
def test_image_bombs_get_413_with_cors(live: Live, size: tuple[int, int]) -> None:
    origin = {"Origin": live.page_origin}
    files = [("images", ("bomb.png", png_header(*size), "image/png"))]
    with live.client() as client:
        response = client.post(
            "/api/conversations", data={"text": "animate this"}, files=files, headers=live.headers(**origin)
        )
    assert response.status_code == 413, response.text
    assert "MP" in response.json()["error"]
    assert response.headers["access-control-allow-origin"] == live.page_origin


def test_openapi_declares_bearer_and_times_carry_an_offset(live: Live) -> None:
    with live.client() as client:
        schema = client.get("/openapi.json").json()
        turn = start(live, client).json()
        history = client.get(f"/api/conversations/{turn['conversation_id']}", headers=live.headers()).json()
    schemes = schema["components"]["securitySchemes"]
    assert any(s["type"] == "http" and s["scheme"] == "bearer" for s in schemes.values())
    assert schema["paths"]["/api/conversations"]["post"]["security"]
    stamps = [history["created_at"], *(m["created_at"] for m in history["messages"])]
    stamps += [job["created_at"] for job in history["jobs"]]
    assert stamps and all(OFFSET.search(stamp) for stamp in stamps), stamps
    for message in live.bot.repo.messages(turn["conversation_id"]):
        assert message["created_at"].utcoffset() is not None


def test_zero_width_requests_are_refused(live: Live) -> None:
    with live.client() as client:
        response = client.post("/api/conversations", data={"text": "\u200b\u200c\u2060\ufeff"}, headers=live.headers())
    assert response.status_code == 400 and "empty" in response.json()["error"]


def connection(peer: str, forwarded: str | None) -> HTTPConnection:
    headers = [(b"x-forwarded-for", forwarded.encode())] if forwarded else []
    return HTTPConnection(
        {"type": "http", "client": (peer, 1234), "headers": headers, "path": "/", "query_string": b""}
    )


def test_forwarded_for_counts_only_behind_a_trusted_proxy() -> None:
    assert client_address(connection("127.0.0.1", "6.6.6.6"), ()) == "127.0.0.1"  # no proxy named: the peer
    assert client_address(connection("203.0.113.9", "6.6.6.6"), ("10.0.0.0/8",)) == "203.0.113.9"
    # behind the proxy: the right-most hop it did not add; a client's own prefix proves nothing
    assert client_address(connection("10.0.0.5", "6.6.6.6, 198.51.100.7"), ("10.0.0.0/8",)) == "198.51.100.7"
    assert client_address(connection("10.0.0.5", "198.51.100.7, 10.0.0.9"), ("10.0.0.0/8",)) == "198.51.100.7"
    assert client_address(connection("10.0.0.5", "not-an-ip"), ("10.0.0.0/8",)) == "10.0.0.5"


def test_spoofed_forwarded_for_does_not_reset_the_guest_limit(tmp_path: Path, tiny_engine) -> None:
    options = WebOptions(guest_tokens_per_window=2)
    with live_server(tmp_path, tiny_engine, workers=False, options=options) as live, live.client() as client:
        codes = [
            client.post(
                "/api/tokens/guest", json={"site_key": live.site.site_key}, headers={"X-Forwarded-For": f"10.9.9.{i}"}
            ).status_code
            for i in range(4)
        ]
    assert codes == [200, 200, 429, 429]


def test_heavy_panels_do_not_hold_the_write_gate(live: Live, tmp_path: Path) -> None:
    """While one user's big panels are decoded, another user's text message is planned and stored."""
    buffer = io.BytesIO()
    Image.new("RGB", (6000, 5000), (30, 60, 90)).save(buffer, format="PNG")  # 30 MP, a few KB on the wire
    panels = [("images", (f"p{i}.png", buffer.getvalue(), "image/png")) for i in range(4)]
    finished: dict[str, float] = {}

    def heavy() -> None:
        with live.client() as client:
            response = client.post(
                "/api/conversations", data={"text": "animate these panels"}, files=panels, headers=live.headers("bob")
            )
            assert response.status_code == 201, response.text
            finished["heavy"] = time.monotonic()

    thread = threading.Thread(target=heavy)
    thread.start()
    time.sleep(0.3)  # the panels are being decoded now
    with live.client() as client:
        assert start(live, client).status_code == 201
    finished["light"] = time.monotonic()
    thread.join(120)
    assert finished["light"] < finished["heavy"]
