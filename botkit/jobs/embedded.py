"""The embedded runner: worker threads inside the serving process, one warm engine each.

No extra services: jobs are found in SQL. On start it recovers jobs left running by a process
that died (retried while attempts remain) and picks up queued ones.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from botkit.engine import Engine
from botkit.jobs.render import RenderWorker, WorkerContext, clear_dead_staging, worker_name
from botkit.store.notify import JOBS, Listener

logger = logging.getLogger(__name__)


class EmbeddedRunner:
    def __init__(
        self,
        context: WorkerContext,
        engine_factory: Callable[[], Engine],
        *,
        workers: int = 1,
        poll_s: float = 1.0,
        listener: Listener | None = None,
    ) -> None:
        self.context = context
        self.engine_factory = engine_factory
        self.workers = workers
        self.poll_s = poll_s
        self._wake = threading.Condition()
        self._pending = 0
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []
        self._loaded = 0
        self.ready = threading.Event()  # every thread has its engine warm (a server is ready after this)
        # PostgreSQL: a job queued by any process (another web worker) wakes a thread at once
        self.listener = listener
        self._unsubscribe = listener.subscribe(JOBS, lambda engine: self.dispatch("", engine)) if listener else None

    # Dispatcher protocol
    def dispatch(self, job_id: str, engine: str) -> None:
        with self._wake:
            self._pending += 1
            self._wake.notify()

    def start(self) -> None:
        self.context.jobs.recover(stale_after_s=self.context.stale_after_s)
        clear_dead_staging(self.context)
        for index in range(self.workers):
            thread = threading.Thread(target=self._loop, name=f"botkit-worker-{index}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self, timeout: float = 30.0) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
        self._stopping.set()
        with self._wake:
            self._wake.notify_all()
        for thread in self._threads:
            thread.join(timeout)

    def _loop(self) -> None:
        try:
            engine = self.engine_factory()  # warm for this thread's whole life
        finally:
            with self._wake:
                self._loaded += 1
                if self._loaded >= self.workers:
                    self.ready.set()
        worker = RenderWorker(self.context, engine, worker_name("embedded"))
        while not self._stopping.is_set():
            self.context.jobs.recover(stale_after_s=self.context.stale_after_s)
            job_ids = self.context.jobs.queued(engine=engine.name, limit=1)
            if not job_ids:
                clear_dead_staging(self.context)  # idle: tidy what dead attempts left
                with self._wake:
                    if self._pending == 0:
                        self._wake.wait(self.poll_s)
                    self._pending = max(0, self._pending - 1)
                continue
            try:
                worker.run(job_ids[0])
            except Exception:  # recorded on the job row already; keep serving
                logger.debug("job failed", exc_info=True, extra={"job_id": job_ids[0]})
