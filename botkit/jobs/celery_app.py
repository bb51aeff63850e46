"""The Celery runner (``BOTKIT_JOBS=celery``): render jobs on a worker fleet. The only module that
imports celery.

Tasks carry just a job id; the job row is the truth. ``acks_late`` + ``reject_on_worker_lost``
put a task back on its queue when the process running it dies; claiming in SQL makes a redelivered
or duplicated task harmless. Each engine has its own queue (``botkit.render.<engine>``) so GPU
workers for different models never thrash; a worker keeps its engine warm between jobs.
"""

from __future__ import annotations

import logging
import threading
import time
from functools import cache

from celery import Celery, signals

from botkit.engine import Engine, load_engine
from botkit.jobs.context import worker_context
from botkit.jobs.render import RenderWorker, WorkerContext, clear_dead_staging, worker_name
from botkit.jobs.service import JobService
from botkit.settings import Settings

logger = logging.getLogger(__name__)

app = Celery("botkit")
app.conf.update(
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    task_default_queue="botkit.render.default",
    worker_hijack_root_logger=False,
    broker_connection_retry_on_startup=True,
)


def queue_for(engine: str) -> str:
    """One queue per model: ``botkit.render.<engine>`` (a factorized ``a>b`` name as ``a+b``)."""
    return f"botkit.render.{engine.replace('>', '+')}"


def configure(settings: Settings) -> Celery:
    app.conf.update(
        broker_url=settings.broker_url,
        broker_transport_options={"visibility_timeout": settings.visibility_timeout_s},
    )
    return app


class CeleryDispatcher:
    def __init__(self, settings: Settings) -> None:
        self.app = configure(settings)

    def dispatch(self, job_id: str, engine: str) -> None:
        self.app.send_task("botkit.render", args=[job_id], queue=queue_for(engine))


_worker_settings: Settings | None = None
"""The settings ``run_worker`` was started with (``botkit worker --data-dir ...``); a worker started
by ``celery -A botkit.jobs.celery_app worker`` reads them from the environment."""


@cache
def _context() -> WorkerContext:
    return worker_context(_worker_settings or Settings())


_engines: dict[str, Engine] = {}


def _warm_engine(name: str) -> Engine:
    if name not in _engines:
        _engines[name] = load_engine(name)
    return _engines[name]


@app.task(name="botkit.render", acks_late=True, reject_on_worker_lost=True)
def render(job_id: str) -> str | None:
    context = _context()
    engine = _warm_engine(context.jobs.engine_of(job_id))
    try:
        state = RenderWorker(context, engine, worker_name("celery")).run(job_id)
    except Exception:  # already recorded on the job row with a readable message
        return "failed"
    return state.value if state else None


def _sweep_forever(settings: Settings, stop: threading.Event) -> None:
    context = worker_context(settings)
    service = JobService(context.jobs, CeleryDispatcher(settings), stale_after_s=settings.job_stale_s)
    next_trim = time.monotonic()
    while True:
        try:
            service.sweep(redispatch_after_s=settings.redispatch_after_s)
            clear_dead_staging(context)
            if time.monotonic() >= next_trim:  # a bucket's local copies (a local store: no-op); walks the folder
                context.assets.trim_cache(settings.s3_cache_bytes)
                next_trim = time.monotonic() + 300
        except Exception:
            logger.exception("sweep failed")
        if stop.wait(settings.sweep_s):
            return


def run_worker(settings: Settings, engines: list[str], *, concurrency: int = 1, hostname: str | None = None) -> None:
    """Start a worker consuming the engines' queues; blocks until it is stopped."""
    global _worker_settings
    _worker_settings = settings  # the forked pool processes render with these, not the environment's
    _context.cache_clear()
    configure(settings)
    stop = threading.Event()

    @signals.worker_ready.connect(weak=False)
    def _start_sweeper(**_kwargs) -> None:
        threading.Thread(target=_sweep_forever, args=(settings, stop), daemon=True, name="botkit-sweeper").start()

    @signals.worker_process_init.connect(weak=False)
    def _warm(**_kwargs) -> None:
        import torch

        torch.set_num_threads(settings.torch_threads or torch.get_num_threads())
        if settings.metrics_port:  # each pool process counts its own jobs: one port each
            from billiard.process import current_process

            from botkit import metrics

            metrics.serve(settings.metrics_port + int(getattr(current_process(), "index", 0) or 0))
        for name in engines:
            _warm_engine(name)

    argv = [
        "worker",
        "--loglevel=INFO",
        f"--concurrency={concurrency}",
        "--pool=prefork",
        "-Q",
        ",".join(queue_for(name) for name in engines),
    ]
    if hostname:
        argv.append(f"--hostname={hostname}")
    try:
        app.worker_main(argv)
    finally:
        stop.set()
