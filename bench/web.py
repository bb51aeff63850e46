"""Benchmark: time to the first SSE event with 50 concurrent web clients, SQLite and PostgreSQL.

Starts ``botkit serve`` (uvicorn, one process, the embedded job runner with the tiny engine unless
``--no-render``) on loopback against a fresh data dir, then 50 clients each send ``--rounds``
requests: POST /api/conversations (multipart text), then GET the conversation's SSE stream until
the first event arrives. Reports p50/p95 of the POST, of first-event-after-stream-open, and of the
whole send-to-first-event, as a Markdown table. PostgreSQL runs in a throwaway database.

    .venv/bin/python bench/web.py [--clients 50] [--rounds 3] [--postgres postgresql://postgres@127.0.0.1:5432/postgres]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx
from sqlalchemy import text
from sqlalchemy.engine import make_url

from botkit.bot import Bot
from botkit.channels.web import create_site, mint_user_token
from botkit.settings import Settings
from botkit.store.db import open_db

SERVER = """
import sys, torch
torch.set_num_threads(1)
from botkit.channels.cli.web import serve
from botkit.settings import Settings
serve(Settings(), "127.0.0.1", int(sys.argv[1]), workers=sys.argv[2] == "1")
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def one_client(client: httpx.AsyncClient, token: str, rounds: int, out: dict[str, list[float]]) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    for round_index in range(rounds):
        sent = time.perf_counter()
        response = await client.post(
            "/api/conversations", data={"text": f"a 2 second video for X of lighthouse {round_index}"}, headers=headers
        )
        posted = time.perf_counter()
        response.raise_for_status()
        cid = response.json()["conversation_id"]
        opened = time.perf_counter()
        async with client.stream("GET", f"/api/conversations/{cid}/events", headers=headers) as stream:
            async for line in stream.aiter_lines():
                if line.startswith("id:"):
                    break
        first = time.perf_counter()
        out["post"].append(posted - sent)
        out["stream"].append(first - opened)
        out["total"].append(first - sent)


async def run_clients(url: str, tokens: list[str], rounds: int) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {"post": [], "stream": [], "total": []}
    limits = httpx.Limits(max_connections=len(tokens) * 2)
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as client:
        await asyncio.gather(*(one_client(client, token, rounds, out) for token in tokens))
    return out


def bench(name: str, database_url: str | None, args: argparse.Namespace) -> dict[str, list[float]]:
    with tempfile.TemporaryDirectory(prefix="botkit-bench-web-") as data_dir:
        env = {**os.environ, "BOTKIT_DATA_DIR": data_dir, "BOTKIT_ENGINE": "tiny-wan"}
        if database_url:
            env["BOTKIT_DATABASE_URL"] = database_url
        settings = Settings(data_dir=Path(data_dir), database_url=database_url, engine="tiny-wan")
        site = create_site(Bot.open(settings).repo.sessions, "bench", [])
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-c", SERVER, str(port), "1" if args.render else "0"], env=env, stderr=subprocess.PIPE
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError(
                        f"server did not start: {server.stderr.read().decode()[-2000:] if server.stderr else ''}"
                    )
                time.sleep(0.2)
            tokens = [mint_user_token(site.secret, site.site_key, f"user{i}", 3600) for i in range(args.clients)]
            started = time.perf_counter()
            result = asyncio.run(run_clients(url, tokens, args.rounds))
            result["wall"] = [time.perf_counter() - started]
            return result
        finally:
            server.terminate()
            server.wait(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--postgres", default=os.environ.get("BOTKIT_TEST_POSTGRES_URL"))
    parser.add_argument("--no-render", dest="render", action="store_false", help="Do not start the job runner.")
    args = parser.parse_args()

    runs: list[tuple[str, dict[str, list[float]]]] = [("SQLite", bench("SQLite", None, args))]
    if args.postgres:
        admin = open_db(args.postgres).execution_options(isolation_level="AUTOCOMMIT")
        name = f"botkit_bench_{uuid.uuid4().hex[:10]}"
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            url = make_url(admin.url).set(database=name).render_as_string(hide_password=False)
            url = url.replace("postgresql+psycopg://", "postgresql://")
            runs.append(("PostgreSQL", bench("PostgreSQL", url, args)))
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()

    samples = args.clients * args.rounds
    print(
        f"\n{args.clients} concurrent clients x {args.rounds} requests, render {'on (tiny-wan)' if args.render else 'off'}; ms\n"
    )
    print(
        "| database | POST p50 | POST p95 | first event after open p50 | p95 | send to first event p50 | p95 | requests/s |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for name, result in runs:
        ms = {key: [v * 1000 for v in values] for key, values in result.items()}
        row = [
            f"{statistics.median(ms['post']):.0f}",
            f"{percentile(ms['post'], 0.95):.0f}",
            f"{statistics.median(ms['stream']):.0f}",
            f"{percentile(ms['stream'], 0.95):.0f}",
            f"{statistics.median(ms['total']):.0f}",
            f"{percentile(ms['total'], 0.95):.0f}",
            f"{samples / result['wall'][0]:.1f}",
        ]
        print(f"| {name} | " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
