"""Chaos against a real `botkit serve` on 127.0.0.1: kill -9 mid-request, concurrent follow-ups,
a retry storm. Prints one table: trials, recovered, failed with a message, lost, duplicated.

    .venv/bin/python bench/chaos.py                         # SQLite (embedded runner)
    .venv/bin/python bench/chaos.py --postgres postgresql://postgres@127.0.0.1:5432/postgres
    .venv/bin/python bench/chaos.py --postgres URL --celery redis://127.0.0.1:6379/13

Bounded: a fixed number of trials, every wait has a deadline, only loopback addresses. A trial is
*recovered* when the client ends with the right answer (one conversation, one job, rendered);
*failed with a message* when it ends with a 4xx that says why; *lost* when a change or a job
vanished, a job never finished, or the answer was a 5xx or nothing; *duplicated* when something
was made twice.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from PIL import Image
from sqlalchemy import create_engine, select, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from botkit.store import models  # noqa: E402
from botkit.store.db import open_db  # noqa: E402
from botkit.store.migrate import upgrade  # noqa: E402

Auth = Callable[[str], dict[str, str]]
PLATFORMS = ["tiktok", "reels", "shorts", "linkedin", "x", "instagram-feed", "instagram-portrait"]


@dataclass
class Row:
    scenario: str
    setup: str
    trials: int = 0
    recovered: int = 0
    failed_with_message: int = 0
    lost: int = 0
    duplicated: int = 0
    notes: list[str] = field(default_factory=list)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Service:
    """`botkit serve` (and with Celery a `botkit worker`) as child processes on one data dir."""

    def __init__(self, data_dir: Path, env: dict[str, str], celery: bool) -> None:
        self.data_dir, self.env, self.celery = data_dir, env, celery
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server: subprocess.Popen[bytes] | None = None
        self.worker: subprocess.Popen[bytes] | None = None
        self.log = open(data_dir.parent / "chaos.log", "ab")

    def _spawn(self, *args: str) -> subprocess.Popen[bytes]:
        command = [sys.executable, "-m", "botkit", *args, "--data-dir", str(self.data_dir)]
        return subprocess.Popen(command, env=self.env, stdout=self.log, stderr=self.log, cwd=ROOT)

    def start(self) -> None:
        self.server = self._spawn("serve", "--port", str(self.port))
        if self.celery and self.worker is None:
            self.worker = self._spawn("worker", "--engine", "embedded", "--concurrency", "1")
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        raise RuntimeError("botkit serve did not start; see chaos.log")

    def kill9(self) -> None:
        if self.server is not None:
            self.server.send_signal(signal.SIGKILL)
            self.server.wait(10)
            self.server = None

    def stop(self) -> None:
        for process in (self.server, self.worker):
            if process is not None and process.poll() is None:
                process.terminate()
                try:
                    process.wait(15)
                except subprocess.TimeoutExpired:
                    process.kill()
        self.server = self.worker = None
        self.log.close()


def panel_png() -> bytes:
    """A 1500x1500 noisy panel: a request with it takes long enough to be killed in the middle."""
    buffer = io.BytesIO()
    Image.effect_noise((1500, 1500), 60).convert("RGB").save(buffer, format="PNG")
    return buffer.getvalue()


class Checker:
    """Counts what the database holds for one trial's marker."""

    def __init__(self, url: str) -> None:
        self.engine = open_db(url)

    def conversations_with(self, marker: str) -> list[str]:
        with self.engine.connect() as connection:
            return list(
                connection.scalars(
                    select(models.Message.conversation_id)
                    .where(models.Message.role == "user", models.Message.text.contains(marker))
                    .distinct()
                )
            )

    def jobs_of(self, conversation_ids: list[str]) -> list[tuple[str, str]]:
        if not conversation_ids:
            return []
        with self.engine.connect() as connection:
            return list(
                connection.execute(
                    select(models.RenderJob.id, models.RenderJob.state).where(
                        models.RenderJob.conversation_id.in_(conversation_ids)
                    )
                )
            )

    def errors_of(self, conversation_ids: list[str]) -> list[str]:
        """Why the conversations' failed jobs failed (for the notes under the table)."""
        with self.engine.connect() as connection:
            return [
                error or ""
                for error in connection.scalars(
                    select(models.RenderJob.error).where(
                        models.RenderJob.conversation_id.in_(conversation_ids), models.RenderJob.state == "failed"
                    )
                )
            ]

    def revisions(self, conversation_id: str) -> list[int]:
        with self.engine.connect() as connection:
            return list(
                connection.scalars(
                    select(models.ShotPlanRow.revision)
                    .where(models.ShotPlanRow.conversation_id == conversation_id)
                    .order_by(models.ShotPlanRow.revision)
                )
            )


def post_quietly(url: str, request: dict) -> None:  # type: ignore[type-arg]
    try:
        httpx.post(url, **request)
    except httpx.HTTPError:
        pass  # the server was killed under it


def post_together(barrier: threading.Barrier, url: str, request: dict, answers: dict, name: object) -> None:  # type: ignore[type-arg]
    """Wait until every sender is ready, then send; the answer (None: no answer) under ``name``."""
    barrier.wait()
    try:
        answers[name] = httpx.post(url, timeout=60, **request)
    except httpx.HTTPError:
        answers[name] = None


def wait_jobs_finished(checker: Checker, ids: list[str], deadline_s: float) -> dict[str, str]:
    deadline = time.monotonic() + deadline_s
    while True:
        states = dict(checker.jobs_of(ids))
        if (
            all(state in ("succeeded", "failed", "cancelled") for state in states.values())
            or time.monotonic() > deadline
        ):
            return states
        time.sleep(0.5)


def kill_loop(service: Service, checker: Checker, auth: Auth, trials: int, rng: random.Random) -> Row:
    row = Row("kill -9 mid-request, then retried", "")
    panel = panel_png()
    outcomes: list[tuple[str, str | None]] = []  # (marker, conversation id answered)
    for trial in range(trials):
        headers = auth(f"kill-{trial}")
        marker = f"lamp model {uuid.uuid4().hex[:8]}"
        key = {"Idempotency-Key": f"chaos-{marker.split()[-1]}"}
        data = {"text": f"a 1 second promo for our {marker} for x"}
        files = [("images", ("panel.png", panel, "image/png"))]

        request = {"data": data, "files": files, "headers": {**headers, **key}, "timeout": 30}
        sender = threading.Thread(target=post_quietly, args=(f"{service.url}/api/conversations", request))
        sender.start()
        time.sleep(rng.uniform(0.02, 0.6))
        service.kill9()
        sender.join(30)
        service.start()
        answer: httpx.Response | None = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # a client that retries with the same key
            try:
                answer = httpx.post(
                    f"{service.url}/api/conversations", data=data, files=files, headers={**headers, **key}, timeout=30
                )
            except httpx.HTTPError:
                answer = None
            if answer is not None and answer.status_code != 409:
                break
            time.sleep(0.5)
        row.trials += 1
        if answer is None or answer.status_code >= 500:
            row.lost += 1
            row.notes.append(f"trial {trial}: {'no answer' if answer is None else answer.status_code}")
            outcomes.append((marker, None))
        elif answer.status_code >= 400:
            row.failed_with_message += 1
            row.notes.append(f"trial {trial}: {answer.status_code} {answer.json().get('error')}")
            outcomes.append((marker, None))
        else:
            outcomes.append((marker, answer.json()["conversation_id"]))
    # every answered conversation exists once and its one job renders
    for marker, answered in outcomes:
        if answered is None:
            continue
        found = checker.conversations_with(marker)
        states = wait_jobs_finished(checker, found, 180)
        if len(found) > 1 or len(states) > 1:
            row.duplicated += 1
        elif found != [answered] or list(states.values()) != ["succeeded"]:
            row.lost += 1
            errors = "; ".join(checker.errors_of(found))[:300]
            row.notes.append(f"{marker}: conversations {found}, jobs {states}" + (f" ({errors})" if errors else ""))
        else:
            row.recovered += 1
    return row


def concurrent_follow_ups(service: Service, checker: Checker, auth: Auth, rounds: int) -> Row:
    row = Row(f"{len(PLATFORMS)} follow-ups at once", "")
    for round_ in range(rounds):
        headers = auth(f"follow-{round_}")
        start = httpx.post(
            f"{service.url}/api/conversations",
            data={"text": "a 4 second promo for our lamp"},
            headers=headers,
            timeout=30,
        )
        cid = start.json()["conversation_id"]
        barrier = threading.Barrier(len(PLATFORMS))
        answers: dict[str, httpx.Response | None] = {}

        url = f"{service.url}/api/conversations/{cid}/messages"
        threads = [
            threading.Thread(
                target=post_together,
                args=(barrier, url, {"data": {"text": f"for {p} too"}, "headers": headers}, answers, p),
            )
            for p in PLATFORMS
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(90)
        plan = httpx.get(f"{service.url}/api/conversations/{cid}", headers=headers, timeout=30).json()["plan"]
        revisions = checker.revisions(cid)
        for platform in PLATFORMS:
            answer = answers.get(platform)
            status = 0 if answer is None else answer.status_code
            row.trials += 1
            if status == 201 and platform in plan["platforms"]:
                row.recovered += 1
            elif 400 <= status < 500:
                row.failed_with_message += 1
            else:  # a 5xx, no answer, or a 201 whose change is not in the plan
                row.lost += 1
                row.notes.append(f"{platform}: {status}, final platforms {plan['platforms']}")
        accepted = sum(1 for answer in answers.values() if answer is not None and answer.status_code == 201)
        for answer in [start, *answers.values()]:  # their renders are not this scenario's point: free the queue
            if answer is not None and answer.status_code == 201:
                httpx.post(f"{service.url}/api/jobs/{answer.json()['job_id']}/cancel", headers=headers, timeout=30)
        row.duplicated += (len(revisions) - len(set(revisions))) + max(0, len(revisions) - 1 - accepted)
    return row


def retry_storm(service: Service, checker: Checker, auth: Auth, rounds: int, width: int = 12) -> Row:
    row = Row(f"retry storm, {width} copies of one key", "")
    for round_ in range(rounds):
        headers = auth(f"storm-{round_}")
        marker = f"mug model {uuid.uuid4().hex[:8]}"
        key = {"Idempotency-Key": f"storm-{marker.split()[-1]}"}
        barrier = threading.Barrier(width)
        replies: dict[int, httpx.Response | None] = {}
        request = {"data": {"text": f"a 1 second promo for our {marker} for x"}, "headers": {**headers, **key}}
        url = f"{service.url}/api/conversations"
        threads = [
            threading.Thread(target=post_together, args=(barrier, url, request, replies, i)) for i in range(width)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(90)
        answers = list(replies.values())
        found = checker.conversations_with(marker)
        bodies = {a.json()["conversation_id"] for a in answers if a is not None and a.status_code == 201}
        row.trials += width
        for answer in answers:
            if answer is None or answer.status_code >= 500:
                row.lost += 1
            elif answer.status_code == 201:
                row.recovered += 1
            else:
                row.failed_with_message += 1  # 409: still being handled, retry
        if len(found) > 1 or len(bodies) > 1:
            row.duplicated += len(found) - 1
        # the job must reach an end too
        states = wait_jobs_finished(checker, found, 180)
        if len(states) != 1 or list(states.values()) != ["succeeded"]:
            row.lost += 1
            row.notes.append(f"storm {marker}: jobs {states}")
    return row


def run(setup: str, db_url: str, celery_url: str | None, trials: int, seed: int) -> list[Row]:
    work = Path(tempfile.mkdtemp(prefix="botkit-chaos-"))
    data_dir = work / "data"
    env = {
        **os.environ,
        "BOTKIT_DATABASE_URL": db_url,
        "BOTKIT_IDEMPOTENCY_LEASE_S": "2",
        "BOTKIT_JOB_STALE_S": "4",
        "BOTKIT_HEARTBEAT_S": "1",
        "BOTKIT_USER_ACTIVE_JOBS": "1000",
        "NO_PROXY": "127.0.0.1,localhost",
    }
    if celery_url:
        env.update(
            BOTKIT_JOBS="celery", BOTKIT_BROKER_URL=celery_url, BOTKIT_SWEEP_S="2", BOTKIT_REDISPATCH_AFTER_S="5"
        )
    engine = open_db(db_url)
    upgrade(engine)
    from botkit.channels.web.sites import create_site
    from botkit.channels.web.tokens import mint_user_token
    from botkit.store.db import session_factory

    site = create_site(session_factory(engine), "chaos", [])

    def auth(user: str) -> dict[str, str]:  # a user per trial: the per-user message limit stays out of it
        return {"Authorization": f"Bearer {mint_user_token(site.secret, site.site_key, user, 6 * 3600)}"}

    service = Service(data_dir, env, celery=bool(celery_url))
    checker = Checker(db_url)
    rng = random.Random(seed)
    rows = []
    try:
        service.start()
        rows.append(kill_loop(service, checker, auth, trials, rng))
        rows.append(concurrent_follow_ups(service, checker, auth, rounds=max(1, trials // 4)))
        rows.append(retry_storm(service, checker, auth, rounds=max(1, trials // 4)))
    finally:
        service.stop()
        engine.dispose()
        checker.engine.dispose()
        shutil.rmtree(work, ignore_errors=True)
    for row in rows:
        row.setup = setup
    return rows


def postgres_database(admin_url: str) -> tuple[str, object]:
    name = f"botkit_chaos_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = admin.url.set(database=name).render_as_string(hide_password=False).replace("+psycopg", "")

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url, drop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--trials", type=int, default=8, help="kill -9 trials per setup (others scale with it)")
    parser.add_argument("--postgres", help="admin URL of a local PostgreSQL: also run on a throwaway database there")
    parser.add_argument("--celery", help="local Redis URL: also run with BOTKIT_JOBS=celery and a botkit worker")
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--only-celery", action="store_true", help="run the Celery setup only (needs --celery)")
    args = parser.parse_args()
    for url in filter(None, (args.postgres, args.celery)):
        host = urlsplit(url).hostname
        if host not in ("127.0.0.1", "localhost", "::1"):
            parser.error(f"only loopback services are allowed, got {host}")
    rows: list[Row] = []
    started = time.monotonic()
    if args.only_celery and not args.celery:
        parser.error("--only-celery needs --celery URL")
    if not args.only_celery:
        with tempfile.TemporaryDirectory() as sqlite_dir:
            rows += run("SQLite, embedded runner", f"sqlite:///{sqlite_dir}/botkit.db", None, args.trials, args.seed)
    if args.postgres and not args.only_celery:
        url, drop = postgres_database(args.postgres)
        try:
            rows += run("PostgreSQL, embedded runner", url, None, args.trials, args.seed)
        finally:
            drop()  # type: ignore[operator]
    if args.celery:
        if args.postgres:
            url, drop = postgres_database(args.postgres)
        else:
            tmp = tempfile.mkdtemp()
            url, drop = f"sqlite:///{tmp}/botkit.db", lambda: shutil.rmtree(tmp, ignore_errors=True)
        try:
            setup = "Celery runner (Redis), " + ("PostgreSQL" if args.postgres else "SQLite")
            rows += run(setup, url, args.celery, args.trials, args.seed)
        finally:
            drop()  # type: ignore[operator]
    header = f"{'setup':<34} {'scenario':<36} {'trials':>6} {'recovered':>9} {'failed+msg':>10} {'lost':>5} {'dup':>4}"
    print(header)
    print("-" * len(header))
    for row in rows:
        print(
            f"{row.setup:<34} {row.scenario:<36} {row.trials:>6} {row.recovered:>9} "
            f"{row.failed_with_message:>10} {row.lost:>5} {row.duplicated:>4}"
        )
    for row in rows:
        for note in row.notes[:5]:
            print(f"  note ({row.setup}, {row.scenario}): {note}")
    print(f"({time.monotonic() - started:.0f} s)")


if __name__ == "__main__":
    main()
