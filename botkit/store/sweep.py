"""Sweeps what requests killed mid-way leave in the asset store: staging folders (uploads, a
turn's normalised images, a job's work) and input images moved into place whose turn was never
recorded. Runs at start-up and then every few minutes; only things older than a cut-off go, so
work in progress (in this process or another) is never touched."""

from __future__ import annotations

import logging
import re
import shutil
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from botkit.domain.jobs import JobState
from botkit.store import models
from botkit.store.assets import AssetStore

logger = logging.getLogger(__name__)

JOB_FOLDER = re.compile(r"^([0-9a-f]{32})-")


@dataclass
class SweepReport:
    staging_folders: int = 0
    input_images: int = 0
    cache_bytes_freed: int = 0


class Janitor:
    def __init__(
        self,
        assets: AssetStore,
        sessions: sessionmaker[Session],
        *,
        older_than_s: float,
        every_s: float = 300.0,
        cache_bytes: int | None = None,
    ) -> None:
        self.assets = assets
        self.cache_bytes = cache_bytes  # a bucket's local copies are trimmed to this (None: never)
        self.sessions = sessions
        self.older_than_s = older_than_s
        self.every_s = every_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def sweep(self) -> SweepReport:
        cutoff = time.time() - self.older_than_s
        report = SweepReport()
        staging = self.assets.root / ".staging"
        if staging.is_dir():
            for folder in staging.iterdir():
                if self._old(folder, cutoff) and not self._job_running(folder.name):
                    shutil.rmtree(folder, ignore_errors=True)
                    report.staging_folders += 1
        # listed through the store: on a bucket, an upload a dead web process put there is found too
        for conversation_id, old in self.assets.input_files(cutoff).items():
            report.input_images += self._sweep_inputs(conversation_id, old)
        if self.cache_bytes is not None:
            report.cache_bytes_freed = self.assets.trim_cache(self.cache_bytes)
        if report.staging_folders or report.input_images:
            logger.info(
                "swept leftovers of dead requests",
                extra={"staging_folders": report.staging_folders, "input_images": report.input_images},
            )
        return report

    def _sweep_inputs(self, conversation_id: str, old: list[str]) -> int:
        with self.sessions() as session:
            recorded = set(
                session.scalars(
                    select(models.Asset.path).where(
                        models.Asset.conversation_id == conversation_id, models.Asset.kind == "input_image"
                    )
                )
            )
        removed = 0
        for relative in old:
            if relative not in recorded:
                self.assets.remove(relative)
                removed += 1
        return removed

    def _job_running(self, name: str) -> bool:
        """A job's staging folder stays while its job runs (its next claim clears it anyway)."""
        match = JOB_FOLDER.match(name)
        if match is None:
            return False
        with self.sessions() as session:
            state = session.scalar(select(models.RenderJob.state).where(models.RenderJob.id == match.group(1)))
        return state == JobState.RUNNING.value

    @staticmethod
    def _old(path: Path, cutoff: float) -> bool:
        try:
            return path.stat().st_mtime < cutoff
        except FileNotFoundError:
            return False

    # -- in the background -----------------------------------------------------------------------

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, daemon=True, name="botkit-janitor")
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None

    def _loop(self) -> None:
        while True:
            try:
                self.sweep()
            except Exception:  # a failed sweep is retried on the next round
                logger.warning("sweep failed", exc_info=True)
            if self._stop.wait(self.every_s):
                return
