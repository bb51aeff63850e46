"""Workers that share nothing but the database, the broker and the bucket.

The web server and two Celery workers run as separate processes, each with its own data dir and
temp dir; PostgreSQL is the database, the local Redis the broker (db 14), moto's S3 server the
bucket. A message with a panel is sent on the web; a worker renders it (the panel reaches it
through the bucket); that worker is killed mid-render and the job moves to the other one (the
job leases and the surviving worker's sweeper); the video is played back from the web.

Opt-in: ``-m fleet`` (about a minute on two busy cores), with BOTKIT_TEST_POSTGRES_URL set.
"""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from PIL import Image

from botkit.bot import Bot
from botkit.channels.web import create_site, mint_user_token
from botkit.domain.jobs import JobState
from botkit.settings import Settings

pytestmark = [pytest.mark.fleet, pytest.mark.postgres, pytest.mark.filterwarnings("ignore::DeprecationWarning")]

REDIS_URL = "redis://127.0.0.1:6379/14"

SERVE = """
import sys
from botkit.channels.cli.web import serve
from botkit.settings import Settings
serve(Settings(), "127.0.0.1", int(sys.argv[1]), workers=True)
"""


def children_of(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def redis_url() -> str:
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_URL).flushdb()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    return REDIS_URL


def process_env(home: Path, shared: dict[str, str]) -> dict[str, str]:
    """A process of its own: data dir and temp dir under ``home``, nothing else on disk shared."""
    (home / "tmp").mkdir(parents=True)
    return {**os.environ, **shared, "BOTKIT_DATA_DIR": str(home / "data"), "TMPDIR": str(home / "tmp")}


def start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    return subprocess.Popen(args, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def wait_for(what: str, check, timeout: float, logs: list[Path]):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.1)
    tails = "\n".join(f"--- {log.name}\n{log.read_text(errors='replace')[-3000:]}" for log in logs if log.exists())
    raise AssertionError(f"timed out waiting for {what}\n{tails}")


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (96, 64), (200, 40, 40)).save(buffer, format="PNG")
    return buffer.getvalue()


def read_sse(response: httpx.Response) -> list[dict]:
    events, fields = [], {}
    for line in response.iter_lines():
        if line == "":
            if "data" in fields:
                events.append({"event": fields["event"], **json.loads(fields["data"])})
                if events[-1]["event"] in ("done", "failed"):
                    return events
            fields = {}
        elif not line.startswith(":"):
            name, _, value = line.partition(":")
            fields[name] = value.lstrip()
    return events


def test_a_job_moves_to_the_other_worker_and_plays_back_from_the_web(
    tmp_path: Path, postgres_url: str, redis_url: str, s3_server, s3_bucket: str
) -> None:
    shared = {
        **s3_server.env(s3_bucket),
        "BOTKIT_DATABASE_URL": postgres_url,
        "BOTKIT_JOBS": "celery",
        "BOTKIT_BROKER_URL": redis_url,
        "BOTKIT_VISIBILITY_TIMEOUT_S": "5",
        "BOTKIT_ENGINE": "tiny-wan",
        "BOTKIT_TASK_ENGINES": json.dumps({"i2v": "animatic"}),
        "BOTKIT_STEPS": "40",
        "BOTKIT_HEARTBEAT_S": "0.3",
        "BOTKIT_JOB_STALE_S": "2",
        "BOTKIT_SWEEP_S": "0.5",
        "BOTKIT_REDISPATCH_AFTER_S": "2",
        "BOTKIT_TORCH_THREADS": "1",
        "OMP_NUM_THREADS": "1",
    }
    # the test's own view: the database (migrated here), a site and a user token for the widget API
    admin = Bot.open(
        Settings(
            data_dir=tmp_path / "admin",
            database_url=postgres_url,
            engine="tiny-wan",
            assets_url=shared["BOTKIT_ASSETS_URL"],
            s3_endpoint_url=s3_server.endpoint_url,
        )
    )
    site = create_site(admin.repo.sessions, "Lamp shop", [])
    headers = {"Authorization": f"Bearer {mint_user_token(site.secret, site.site_key, 'alice', 600)}"}

    homes = {name: tmp_path / name for name in ("web", "worker-a", "worker-b")}
    logs = [tmp_path / f"{name}.log" for name in homes]
    port = free_port()
    web = start([sys.executable, "-c", SERVE, str(port)], process_env(homes["web"], shared), logs[0])
    workers = {
        name: start(
            [sys.executable, "-m", "botkit", "worker"], process_env(homes[name], shared), tmp_path / f"{name}.log"
        )
        for name in ("worker-a", "worker-b")
    }
    base = f"http://127.0.0.1:{port}"
    began = time.monotonic()
    phases: dict[str, float] = {}
    try:
        wait_for("the web server", lambda: _healthy(base), 120, logs)
        phases["web up"] = time.monotonic() - began
        with httpx.Client(base_url=base, timeout=30) as client:
            sent = client.post(
                "/api/conversations",
                data={"text": "a 3 second teaser for X of our lamp in 3 shots, use this photo for the first shot"},
                files=[("images", ("panel.png", png(), "image/png"))],
                headers=headers,
            )
            assert sent.status_code == 201, sent.text
            job_id, cid = sent.json()["job_id"], sent.json()["conversation_id"]
            [panel] = admin.repo.assets_of(cid, "input_image")

            def rendering() -> str | None:
                status = admin.jobs.status(job_id)
                events = [e for e in admin.jobs.events(job_id=job_id) if e.kind == "rendering"]
                return status.worker if status.state is JobState.RUNNING and events else None

            first_worker = wait_for("a worker to start rendering", rendering, 120, logs)
            phases["rendering"] = time.monotonic() - began
            pid = int(first_worker.split(":")[2])  # celery:<host>:<pool process pid>:<thread>
            [victim] = [name for name, proc in workers.items() if pid in (proc.pid, *children_of(proc.pid))]
            survivor = next(name for name in workers if name != victim)
            assert (homes[victim] / "data/assets" / panel["path"]).is_file()  # the panel came from the bucket
            stop(workers[victim])  # the whole worker, mid-render: no clean shutdown, no acknowledgement

            done = wait_for(
                "the job to finish on the other worker", lambda: admin.jobs.status(job_id).state.finished, 180, logs
            )
            assert done
            phases["done on the other"] = time.monotonic() - began
            status = admin.jobs.status(job_id)
            assert status.state is JobState.SUCCEEDED, status.error
            assert status.attempts == 2 and status.worker != first_worker
            survivor_pids = {workers[survivor].pid, *children_of(workers[survivor].pid)}
            assert int((status.worker or "::0").split(":")[2]) in survivor_pids
            kinds = [e.kind for e in admin.jobs.events(job_id=job_id)]
            assert "retrying" in kinds and kinds.count("done") == 1

            # played back from the web: the SSE log's done event carries signed links the web serves
            with client.stream(
                "GET", f"/api/conversations/{cid}/events", params={"after": 0, "wait_s": 5}, headers=headers
            ) as response:
                events = read_sse(response)
            assert events[-1]["event"] == "done"
            output = events[-1]["data"]["outputs"][0]
            video = client.get(output["url"])
            part = client.get(output["url"], headers={"Range": "bytes=0-99"})
        print("\nfleet phases (s since start):", {name: round(at, 1) for name, at in phases.items()})
        assert video.status_code == 200 and video.content[4:8] == b"ftyp"
        assert part.status_code == 206 and part.content == video.content[:100]
        [row] = admin.repo.assets_of(cid, "video")
        stored = s3_server.client().get_object(Bucket=s3_bucket, Key=f"botkit/{row['path']}")["Body"].read()
        assert stored == video.content  # the bytes the worker uploaded, served by the web
        assert (homes[survivor] / "data/assets" / panel["path"]).is_file()
        for name in homes:  # nothing left in anyone's staging, on any disk
            assert not list((homes[name] / "data/assets/.staging").glob(f"{job_id}-*")) or name == victim
    finally:
        for process in (web, *workers.values()):
            stop(process)
        admin.db.dispose()


def _healthy(base: str) -> bool:
    try:
        return httpx.get(f"{base}/healthz", timeout=1).status_code == 200
    except httpx.TransportError:
        return False
