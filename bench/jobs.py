"""Render-job benchmark: throughput and queue latency on 1 and 2 workers (embedded threads and a
Celery worker), and the job system's overhead per job against calling the engine and the encoder
directly. Prints a table.

    .venv/bin/python bench/jobs.py [--jobs 8] [--engine embedded] [--celery redis://127.0.0.1:6379/9]
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from botkit.bot import Bot
from botkit.engine import load_engine
from botkit.post.presets import preset_for
from botkit.post.produce import ProduceOptions, produce
from botkit.quality.retry import render_checked
from botkit.render.pipeline import shot_request
from botkit.render.sources import EngineSource
from botkit.settings import Settings

REQUEST = "a 1 second teaser for product {i}"
PLATFORM = "x"


def wait(bot: Bot, job_ids: list[str], timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while not all(bot.jobs.status(j).state.finished for j in job_ids):
        if time.monotonic() > deadline:
            raise TimeoutError("jobs did not finish")
        time.sleep(0.02)


def queue_latencies(bot: Bot, job_ids: list[str]) -> list[float]:
    latencies = []
    for job_id in job_ids:
        status = bot.jobs.status(job_id)
        latencies.append((status.started_at - status.created_at).total_seconds())
    return latencies


def run_embedded(data: Path, engine_name: str, workers: int, jobs: int, engine) -> tuple[float, list[float]]:
    bot = Bot.open(
        Settings(data_dir=data, engine=engine_name, workers=workers), engine=engine if workers == 1 else None
    )
    turns = [bot.plan(REQUEST.format(i=f"{workers}-{i}"), platforms=[PLATFORM]) for i in range(jobs)]
    bot.start_workers()
    time.sleep(1.0 if workers > 1 else 0.1)  # let extra workers load their engines before the clock starts
    started = time.perf_counter()
    job_ids = [bot.submit(turn) for turn in turns]
    wait(bot, job_ids)
    elapsed = time.perf_counter() - started
    bot.stop_workers()
    return elapsed, queue_latencies(bot, job_ids)


def run_celery(data: Path, engine_name: str, workers: int, jobs: int, broker: str) -> tuple[float, list[float]]:
    import redis

    redis.Redis.from_url(broker).flushdb()
    settings = Settings(data_dir=data, engine=engine_name, jobs="celery", broker_url=broker)
    bot = Bot.open(settings)
    env = {
        **os.environ,
        "BOTKIT_DATA_DIR": str(data),
        "BOTKIT_ENGINE": engine_name,
        "BOTKIT_JOBS": "celery",
        "BOTKIT_BROKER_URL": broker,
        "BOTKIT_TORCH_THREADS": "1",
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "botkit", "worker", "--concurrency", str(workers)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        bot.start_workers()
        warm = [bot.submit(bot.plan(REQUEST.format(i=f"warm-{w}"), platforms=[PLATFORM])) for w in range(workers)]
        wait(bot, warm)  # engines loaded in every pool process
        turns = [bot.plan(REQUEST.format(i=f"c{workers}-{i}"), platforms=[PLATFORM]) for i in range(jobs)]
        started = time.perf_counter()
        job_ids = [bot.submit(turn) for turn in turns]
        wait(bot, job_ids)
        return time.perf_counter() - started, queue_latencies(bot, job_ids)
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(30)


def overhead(data: Path, engine_name: str, engine, jobs: int) -> tuple[float, float]:
    """Median seconds per job: direct (checked engine renders + produce) and through the job system."""
    bot = Bot.open(Settings(data_dir=data, engine=engine_name), engine=engine)
    direct, through = [], []
    for i in range(jobs):
        # alternate so both see the same machine state
        turn = bot.plan(REQUEST.format(i=f"o-{i}"), platforms=[PLATFORM], seed=i)
        t0 = time.perf_counter()
        # the same work a job does (checked renders, produce), minus the job system
        clips = [
            render_checked(lambda seed, r=r: engine.generate(r.model_copy(update={"seed": seed})), r.seed).clip
            for r in (
                shot_request(turn.plan, shot.index, EngineSource(engine), bot.context.render)
                for shot in turn.plan.shots
            )
        ]
        with tempfile.TemporaryDirectory() as tmp:
            produce(clips, turn.plan, [preset_for(PLATFORM)], Path(tmp), ProduceOptions())
        direct.append(time.perf_counter() - t0)
        other = bot.plan(REQUEST.format(i=f"j-{i}"), platforms=[PLATFORM], seed=1000 + i)
        t0 = time.perf_counter()
        bot.render(other)
        through.append(time.perf_counter() - t0)
    return statistics.median(direct), statistics.median(through)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=8)
    parser.add_argument("--engine", default="embedded")
    parser.add_argument("--celery", default="redis://127.0.0.1:6379/9", help="broker URL; '' to skip Celery")
    args = parser.parse_args()
    import torch

    torch.set_num_threads(1)
    engine = load_engine(args.engine)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for workers in (1, 2):
            elapsed, latency = run_embedded(root / f"e{workers}", args.engine, workers, args.jobs, engine)
            rows.append(("embedded", workers, elapsed, latency))
        if args.celery:
            for workers in (1, 2):
                elapsed, latency = run_celery(root / f"c{workers}", args.engine, workers, args.jobs, args.celery)
                rows.append(("celery", workers, elapsed, latency))
        direct, through = overhead(root / "o", args.engine, engine, max(3, args.jobs // 2))
    print(
        f"\n{args.jobs} jobs of one 1 s shot each ({args.engine} engine, platform {PLATFORM}), {os.cpu_count()} cores"
    )
    print(f"{'runner':<10}{'workers':>8}{'total s':>10}{'jobs/s':>9}{'queue p50 s':>13}{'queue p95 s':>13}")
    for runner, workers, elapsed, latency in rows:
        p95 = sorted(latency)[max(0, round(0.95 * len(latency)) - 1)]
        print(
            f"{runner:<10}{workers:>8}{elapsed:>10.2f}{len(latency) / elapsed:>9.2f}"
            f"{statistics.median(latency):>13.2f}{p95:>13.2f}"
        )
    print(
        f"\nper job, median: direct {direct * 1000:.0f} ms, through the job system {through * 1000:.0f} ms, "
        f"overhead {(through - direct) * 1000:+.0f} ms ({through / direct:.3f}x)"
    )


if __name__ == "__main__":
    main()
