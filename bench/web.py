"""Benchmark: time to the first SSE event with 50 concurrent web clients, against the floor.

For each configuration (SQLite; PostgreSQL; PostgreSQL with ``--workers 2``) it runs, in this one
run and under the same burst and uvicorn settings:
  1. the baseline: a bare FastAPI app doing one INSERT + COMMIT per POST and a stream whose first
     event is that row read back (``bench/web_baseline.py``): what a user would write instead;
  2. ``botkit serve`` on a fresh data dir, renders in a separate ``botkit worker`` process with the
     tiny engine (``--render inline``: in the serving process; ``--render off``: none).
50 clients each send ``--rounds`` requests: POST /api/conversations (multipart text), then GET the
conversation's SSE stream until the first event arrives. One warm-up request (rendered to the end
when renders are on) runs first, so the server is warm. Reports p50/p95 of the POST, of
first-event-after-stream-open and of send-to-first-event as a Markdown table (with the machine's
1-minute load after each burst), and per configuration a line "ratio" = botkit's send-to-first-event
p95 / the baseline's. PostgreSQL runs in throwaway
databases.

    .venv/bin/python bench/web.py [--clients 50] [--rounds 3] [--postgres postgresql://postgres@127.0.0.1:5432/postgres]
        [--configs sqlite:1 postgres:1 postgres:2] [--render worker|inline|off] [--narration on|off]

``--narration on`` (the default, as a deployment runs): the offline planner gives these requests
narration lines and the POST speaks them (Piper) to fit the shots; ``off``: BOTKIT_NARRATION=false.
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
serve(Settings(), "127.0.0.1", int(sys.argv[1]), workers=sys.argv[2] == "1", processes=int(sys.argv[3]))
"""
BASELINE = Path(__file__).with_name("web_baseline.py")


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


def wait_ready(url: str, process: subprocess.Popen, timeout_s: float = 120) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline or process.poll() is not None:
            raise RuntimeError(
                f"server did not start: {process.stderr.read().decode()[-2000:] if process.stderr else ''}"
            )
        time.sleep(0.2)


def warm_up(url: str, token: str, until: tuple[str, ...]) -> None:
    """One request first, followed on its stream until one of ``until`` (the render finished)."""
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=url, timeout=180) as client:
        response = client.post(
            "/api/conversations", data={"text": "a 2 second video for X of a lighthouse"}, headers=headers
        )
        response.raise_for_status()
        cid = response.json()["conversation_id"]
        with client.stream("GET", f"/api/conversations/{cid}/events", headers=headers) as stream:
            for line in stream.iter_lines():
                if line.startswith("event:") and line.split(":", 1)[1].strip() in until:
                    return


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(10)


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of a process and its live children (uvicorn's web processes)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(entry.name) == pid or int(fields[1]) == pid:  # fields[1]: the parent's pid
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def measure(url: str, tokens: list[str], rounds: int, pid: int) -> dict[str, list[float]]:
    cpu = cpu_seconds(pid)
    started = time.perf_counter()
    result = asyncio.run(run_clients(url, tokens, rounds))
    result["wall"] = [time.perf_counter() - started]
    result["cpu"] = [cpu_seconds(pid) - cpu]
    result["load"] = [os.getloadavg()[0]]  # the machine's 1-minute load right after the burst
    return result


def baseline(database_url: str, args: argparse.Namespace, processes: int) -> dict[str, list[float]]:
    from web_baseline import create_tables

    create_tables(database_url)
    port = free_port()
    env = {**os.environ, "BASELINE_DATABASE_URL": database_url, "OMP_NUM_THREADS": "1"}
    server = subprocess.Popen(
        [sys.executable, str(BASELINE), str(port), str(processes)], env=env, stderr=subprocess.PIPE
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(url, server)
        warm_up(url, "-", ("received",))
        return measure(url, ["-"] * args.clients, args.rounds, server.pid)
    finally:
        stop(server)


def bench(database_url: str | None, args: argparse.Namespace, processes: int) -> dict[str, list[float]]:
    with tempfile.TemporaryDirectory(prefix="botkit-bench-web-") as data_dir:
        env = {
            **os.environ,
            "BOTKIT_DATA_DIR": data_dir,
            "BOTKIT_ENGINE": "tiny-wan",
            "OMP_NUM_THREADS": "1",
            "BOTKIT_SERVE_JOBS": "true" if args.render == "inline" else "false",
            "BOTKIT_NARRATION": "true" if args.narration == "on" else "false",
        }
        if database_url:
            env["BOTKIT_DATABASE_URL"] = database_url
        settings = Settings(
            data_dir=Path(data_dir), database_url=database_url, engine="tiny-wan", narration=args.narration == "on"
        )
        bot = Bot.open(settings)
        site = create_site(bot.repo.sessions, "bench", [])
        bot.db.dispose()
        port = free_port()
        processes_started = []
        if args.render == "worker":  # renders in their own process, as a deployment runs them
            processes_started.append(
                subprocess.Popen([sys.executable, "-m", "botkit", "worker"], env=env, stderr=subprocess.DEVNULL)
            )
        server = subprocess.Popen(
            [sys.executable, "-c", SERVER, str(port), "1" if args.render == "inline" else "0", str(processes)],
            env=env,
            stderr=subprocess.PIPE,
        )
        processes_started.append(server)
        url = f"http://127.0.0.1:{port}"
        try:
            wait_ready(url, server)
            tokens = [mint_user_token(site.secret, site.site_key, f"user{i}", 3600) for i in range(args.clients)]
            warm = mint_user_token(site.secret, site.site_key, "warm-up", 3600)
            warm_up(url, warm, ("done", "failed") if args.render != "off" else ("queued",))
            return measure(url, tokens, args.rounds, server.pid)
        finally:
            for process in reversed(processes_started):
                stop(process)


def throwaway_database(admin_url: str) -> tuple[str, object]:
    admin = open_db(admin_url).execution_options(isolation_level="AUTOCOMMIT")
    name = f"botkit_bench_{uuid.uuid4().hex[:10]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(admin.url).set(database=name).render_as_string(hide_password=False)
    url = url.replace("postgresql+psycopg://", "postgresql://")

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url, drop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--postgres", default=os.environ.get("BOTKIT_TEST_POSTGRES_URL"))
    parser.add_argument(
        "--configs",
        nargs="+",
        default=["sqlite:1", "postgres:1", "postgres:2"],
        help="database:web processes (postgres ones need --postgres)",
    )
    parser.add_argument("--render", choices=["worker", "inline", "off"], default="worker")
    parser.add_argument(
        "--narration",
        choices=["on", "off"],
        default="on",
        help="BOTKIT_NARRATION for botkit (on, the default: the POST speaks the plan's lines to fit the shots)",
    )
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).parent))

    runs: list[tuple[str, dict[str, list[float]], dict[str, list[float]]]] = []
    for config in args.configs:
        kind, _, count = config.partition(":")
        processes = int(count or 1)
        label = ("SQLite" if kind == "sqlite" else "PostgreSQL") + (f", --workers {processes}" if processes > 1 else "")
        if kind == "sqlite":
            with tempfile.TemporaryDirectory(prefix="botkit-bench-floor-") as folder:
                floor = baseline(f"sqlite:///{folder}/floor.db", args, processes)
            runs.append((label, floor, bench(None, args, processes)))
        elif args.postgres:
            url, drop = throwaway_database(args.postgres)
            try:
                floor = baseline(url, args, processes)
                runs.append((label, floor, bench(url, args, processes)))
            finally:
                drop()  # type: ignore[operator]
        else:
            print(f"skipping {config}: no --postgres URL", file=sys.stderr)

    samples = args.clients * args.rounds
    render = {"worker": "in a separate botkit worker (tiny-wan)", "inline": "in the serving process (tiny-wan)"}
    print(
        f"\n{args.clients} concurrent clients x {args.rounds} requests, renders {render.get(args.render, 'off')}, "
        f"narration {args.narration}; "
        f"{os.cpu_count()} CPUs shared with whatever else runs; ms\n"
    )
    print(
        "| configuration | server | POST p50 | POST p95 | first event after open p50 | p95 | send to first event p50 | p95 | requests/s | server CPU ms/request | load |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    ratios = []
    for name, floor, result in runs:
        for server, values in (("bare FastAPI (1 INSERT + COMMIT)", floor), ("botkit", result)):
            ms = {key: [v * 1000 for v in vs] for key, vs in values.items()}
            row = [
                f"{statistics.median(ms['post']):.0f}",
                f"{percentile(ms['post'], 0.95):.0f}",
                f"{statistics.median(ms['stream']):.0f}",
                f"{percentile(ms['stream'], 0.95):.0f}",
                f"{statistics.median(ms['total']):.0f}",
                f"{percentile(ms['total'], 0.95):.0f}",
                f"{samples / values['wall'][0]:.1f}",
                f"{values['cpu'][0] * 1000 / samples:.1f}",
                f"{values['load'][0]:.1f}",
            ]
            print(f"| {name} | {server} | " + " | ".join(row) + " |")
        ratios.append((name, percentile(result["total"], 0.95) / percentile(floor["total"], 0.95)))
    print()
    for name, ratio in ratios:
        print(f"{name}: ratio botkit / bare FastAPI, send to first event p95 = {ratio:.2f}x (target <= 1.3x)")


if __name__ == "__main__":
    main()
