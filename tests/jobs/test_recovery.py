"""kill -9 a worker in the middle of a render, again and again (embedded and Celery): every job
ends succeeded or failed with a reason, none stays running, none completes twice, no orphan files;
a resumed job renders only the shots it had not finished."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from botkit.bot import Bot
from botkit.domain.jobs import JobState
from botkit.provenance import GENERATED
from botkit.settings import Settings
from botkit.store import models
from botkit.testing.credentials import assert_job_verifies

JOBS = 3
KILLS = 3


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


def worker_env(data_dir: Path, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "BOTKIT_DATA_DIR": str(data_dir),
        "BOTKIT_ENGINE": "tiny-wan",
        "BOTKIT_STEPS": "60",
        "BOTKIT_HEARTBEAT_S": "0.3",
        "BOTKIT_JOB_STALE_S": "2",
        "BOTKIT_SWEEP_S": "0.5",
        "BOTKIT_REDISPATCH_AFTER_S": "3",
        "BOTKIT_MAX_ATTEMPTS": "4",
        "BOTKIT_TORCH_THREADS": "1",
        **extra,
    }


def start_worker(env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "botkit", "worker"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def running_job(bot: Bot, job_ids: list[str], timeout: float = 60) -> str | None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for job_id in job_ids:
            status = bot.jobs.status(job_id)
            started = [e for e in bot.jobs.events(job_id=job_id) if e.kind == "rendering"]
            if status.state is JobState.RUNNING and started:
                return job_id
        if all(bot.jobs.status(j).state.finished for j in job_ids):
            return None
        time.sleep(0.05)
    raise AssertionError("no job started rendering")


def wait_all_finished(bot: Bot, job_ids: list[str], timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if all(bot.jobs.status(j).state.finished for j in job_ids):
            return
        time.sleep(0.2)
    states = {j: bot.jobs.status(j).state for j in job_ids}
    raise AssertionError(f"jobs did not finish: {states}")


def check_outcome(bot: Bot, job_ids: list[str]) -> dict[str, int]:
    counts = {"succeeded": 0, "failed": 0, "retried": 0}
    with bot.repo.sessions() as session:
        for job_id in job_ids:
            status = bot.jobs.status(job_id)
            assert status.state in (JobState.SUCCEEDED, JobState.FAILED), status
            counts[status.state.value] += 1
            counts["retried"] += status.attempts > 1
            assets = session.scalar(
                select(func.count())
                .select_from(models.Asset)
                .where(models.Asset.job_id == job_id, models.Asset.kind.in_(["video", "poster"]))
            )
            done_events = [e for e in bot.jobs.events(job_id=job_id) if e.kind == "done"]
            folder = bot.assets.root / f"conversations/{status.conversation_id}/jobs/{job_id}"
            files = sorted(p.name for p in folder.glob("*")) if folder.exists() else []
            if status.state is JobState.SUCCEEDED:
                assert assets == 2 and len(done_events) == 1  # completed exactly once
                assert files == [
                    "video-contact.png", "video-preview.webp", "video-x.mp4", "video-x.png", "video-x.upload.json"
                ]  # fmt: skip
                assert_job_verifies(folder, source_type=GENERATED, model="tiny-wan")  # signed in the worker process
            else:
                assert status.error and assets == 0 and files == []
    assert not list((bot.assets.root / ".staging").glob("*")), "orphan staging folders"
    return counts


def kill_cycle(bot: Bot, job_ids: list[str], env: dict[str, str], kill) -> tuple[int, dict[str, int]]:
    kills = 0
    worker = start_worker(env)
    try:
        for _ in range(KILLS):
            if running_job(bot, job_ids) is None:
                break
            time.sleep(random.uniform(0.05, 0.3))
            worker = kill(worker)
            kills += 1
        wait_all_finished(bot, job_ids)
    finally:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()
    return kills, check_outcome(bot, job_ids)


def submit_jobs(bot: Bot) -> list[str]:
    return [bot.submit(bot.plan(f"a 1 second teaser for product {i}", platforms=["x"])) for i in range(JOBS)]


def test_kill_embedded_worker_repeatedly(tmp_path: Path) -> None:
    env = worker_env(tmp_path / "data")
    bot = Bot.open(Settings(data_dir=tmp_path / "data", engine="tiny-wan"))
    job_ids = submit_jobs(bot)

    def kill(worker: subprocess.Popen) -> subprocess.Popen:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()
        return start_worker(env)  # the restarted process recovers the orphaned job

    kills, counts = kill_cycle(bot, job_ids, env, kill)
    print(f"\nembedded: {kills} kills, {counts}")
    assert kills >= 1 and counts["retried"] >= 1
    bot.db.dispose()


@pytest.fixture
def redis_url() -> str:
    redis = pytest.importorskip("redis")
    url = f"redis://127.0.0.1:6379/{random.randint(8, 15)}"
    try:
        redis.Redis.from_url(url).flushdb()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    return url


def test_kill_celery_worker_repeatedly(tmp_path: Path, redis_url: str) -> None:
    env = worker_env(
        tmp_path / "data", BOTKIT_JOBS="celery", BOTKIT_BROKER_URL=redis_url, BOTKIT_VISIBILITY_TIMEOUT_S="5"
    )
    bot = Bot.open(Settings(data_dir=tmp_path / "data", engine="tiny-wan", jobs="celery", broker_url=redis_url))
    bot.start_workers()  # Celery dispatcher
    job_ids = submit_jobs(bot)
    whole_process_next = [False]

    def kill(worker: subprocess.Popen) -> subprocess.Popen:
        # alternate: the pool process doing the render (Celery requeues: reject_on_worker_lost),
        # and the whole worker (a fresh worker's sweeper recovers the job)
        whole_process_next[0] = not whole_process_next[0]
        children = children_of(worker.pid)
        if not whole_process_next[0] and children:
            for child in children:
                os.kill(child, signal.SIGKILL)
            return worker
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()
        return start_worker(env)

    kills, counts = kill_cycle(bot, job_ids, env, kill)
    print(f"\ncelery: {kills} kills, {counts}")
    assert kills >= 1 and counts["retried"] >= 1
    bot.db.dispose()


def clips_of(bot: Bot, job_id: str) -> set[str]:
    with bot.repo.sessions() as session:
        return set(
            session.scalars(
                select(models.Asset.render_key).where(models.Asset.job_id == job_id, models.Asset.kind == "clip")
            )
        )


def test_a_resumed_job_renders_only_unfinished_shots(tmp_path: Path) -> None:
    env = worker_env(tmp_path / "data", BOTKIT_STEPS="25")
    bot = Bot.open(Settings(data_dir=tmp_path / "data", engine="tiny-wan"))
    job_id = bot.submit(bot.plan("a 3 second teaser for our lamp in 3 shots", platforms=["x"]))
    worker = start_worker(env)
    try:
        deadline = time.monotonic() + 120
        while not clips_of(bot, job_id) and time.monotonic() < deadline:
            time.sleep(0.02)
        os.killpg(worker.pid, signal.SIGKILL)  # at least one shot is finished and stored
        worker.wait()
        finished = clips_of(bot, job_id)
        assert finished and bot.jobs.status(job_id).state is JobState.RUNNING
        worker = start_worker(env)
        wait_all_finished(bot, [job_id])
    finally:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()
    status = bot.jobs.status(job_id)
    assert status.state is JobState.SUCCEEDED and status.attempts == 2
    [video] = bot.repo.assets_of(status.conversation_id, "video")
    shots = video["metrics"]["shots"]
    assert {s["render_key"] for s in shots if s["reused"]} == finished  # stored shots were not rendered again
    assert not any(s["reused"] for s in shots if s["render_key"] not in finished)
    assert not list((bot.assets.root / ".staging").glob("*"))
    bot.db.dispose()


def test_a_job_that_died_for_good_leaves_no_files(tmp_path: Path) -> None:
    """The last attempt's worker is killed: the sweep fails the job and removes what it left."""
    env = worker_env(tmp_path / "data", BOTKIT_MAX_ATTEMPTS="1", BOTKIT_STEPS="30")
    bot = Bot.open(Settings(data_dir=tmp_path / "data", engine="tiny-wan", max_attempts=1))
    job_id = bot.submit(bot.plan("a 2 second teaser for our chair in 2 shots", platforms=["x"]))
    worker = start_worker(env)
    try:
        running_job(bot, [job_id])
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()
        assert list((bot.assets.root / ".staging").glob(f"{job_id}-*"))  # what the dead attempt left
        worker = start_worker(env)  # recovers: no attempts left, so failed, and its files are swept
        wait_all_finished(bot, [job_id], timeout=60)
        deadline = time.monotonic() + 30
        while list((bot.assets.root / ".staging").glob("*")) and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()
    status = bot.jobs.status(job_id)
    assert status.state is JobState.FAILED and "worker died" in (status.error or "")
    assert not list((bot.assets.root / ".staging").glob("*"))
    assert not (bot.assets.root / f"conversations/{status.conversation_id}/jobs/{job_id}").exists()
    bot.db.dispose()


def test_celery_worker_renders_from_its_data_dir_option(tmp_path: Path, redis_url: str) -> None:
    """``botkit worker --data-dir D`` (no BOTKIT_DATA_DIR in the environment) reads the job's
    uploaded panel from D: the pool processes render with the command's settings."""
    from PIL import Image

    data_dir = tmp_path / "data"
    panel = tmp_path / "panel.png"
    Image.new("RGB", (320, 240), (200, 60, 40)).save(panel)
    bot = Bot.open(Settings(data_dir=data_dir, engine="embedded", jobs="celery", broker_url=redis_url))
    bot.start_workers()
    job_id = bot.submit(bot.plan("a 1 second teaser for our lamp", images=[panel], platforms=["x"]))
    env = {key: value for key, value in worker_env(data_dir).items() if key != "BOTKIT_DATA_DIR"}
    env.update(BOTKIT_JOBS="celery", BOTKIT_BROKER_URL=redis_url, BOTKIT_ENGINE="embedded")
    worker = subprocess.Popen(
        [sys.executable, "-m", "botkit", "worker", "--data-dir", str(data_dir)],
        env=env,
        cwd=tmp_path,  # the default ./botkit-data would be tmp_path/botkit-data: not where the panel is
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while not bot.jobs.status(job_id).state.finished and time.monotonic() < deadline:
            time.sleep(0.2)
        status = bot.jobs.status(job_id)
        assert status.state is JobState.SUCCEEDED, status
    finally:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()
        bot.db.dispose()
