"""Prometheus metrics (``pip install botkit[metrics]``: prometheus-client); no-ops without it.

One registry of botkit's own (not the library's global one): the web server serves it at
``/metrics`` and ``botkit worker`` on ``BOTKIT_METRICS_PORT``. Each process counts what it does:
the web its HTTP requests and upload refusals, workers their jobs, render seconds and quality
retries. Queue depth is read from SQL at scrape time, so every process reports the same truth.
With ``botkit serve --workers N`` each web process has its own counters: scrape each, or set
``PROMETHEUS_MULTIPROC_DIR`` (prometheus-client's multiprocess mode) before starting.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from typing import Any

logger = logging.getLogger(__name__)

try:
    import prometheus_client as prom
    from prometheus_client.core import GaugeMetricFamily
except ImportError:  # the metrics extra is not installed
    prom = None  # type: ignore[assignment]

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
DURATION_BUCKETS = (1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1200, 1800, 3600)
HTTP_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)


def available() -> bool:
    return prom is not None


class _Metrics:
    def __init__(self) -> None:
        assert prom is not None
        self.registry = prom.CollectorRegistry(auto_describe=True)
        registry = self.registry
        self.jobs = prom.Counter(
            "botkit_jobs", "Render jobs that ended, by engine and outcome.", ["engine", "outcome"], registry=registry
        )
        self.job_seconds = prom.Histogram(
            "botkit_job_duration_seconds",
            "Wall time of a render job from claim to its end, by engine and outcome.",
            ["engine", "outcome"],
            buckets=DURATION_BUCKETS,
            registry=registry,
        )
        self.render_seconds = prom.Counter(
            "botkit_render_seconds", "Seconds spent in each engine rendering shots.", ["engine"], registry=registry
        )
        self.quality_retries = prom.Counter(
            "botkit_quality_retries",
            "Shots rendered once more because the first clip failed its quality checks.",
            ["engine"],
            registry=registry,
        )
        self.upload_refusals = prom.Counter(
            "botkit_upload_refusals", "Uploads refused, by reason.", ["reason"], registry=registry
        )
        self.http_seconds = prom.Histogram(
            "botkit_http_request_duration_seconds",
            "HTTP request latency (to the response's first byte), by method, route template and status.",
            ["method", "route", "status"],
            buckets=HTTP_BUCKETS,
            registry=registry,
        )
        self._queue_depth: Callable[[], dict[str, int]] | None = None
        registry.register(_QueueDepth(self))


class _QueueDepth:
    """``botkit_queue_depth{engine}``: queued jobs, read from SQL when scraped."""

    def __init__(self, metrics: _Metrics) -> None:
        self.metrics = metrics

    def describe(self) -> Iterable[Any]:
        return []  # not described ahead: collected only when a reader is set

    def collect(self) -> Iterator[Any]:
        read = self.metrics._queue_depth
        if read is None:
            return
        family = GaugeMetricFamily(
            "botkit_queue_depth", "Jobs queued and not yet claimed, by engine.", labels=["engine"]
        )
        try:
            for engine, count in sorted(read().items()):
                family.add_metric([engine], count)
        except Exception:  # a scrape must not fail because the database hiccups
            logger.warning("queue depth could not be read", exc_info=True)
            return
        yield family


_metrics: _Metrics | None = _Metrics() if prom is not None else None


def queue_depth_from(read: Callable[[], dict[str, int]]) -> None:
    """Where ``botkit_queue_depth`` comes from (the job repository of this process)."""
    if _metrics is not None:
        _metrics._queue_depth = read


def job_ended(engine: str, outcome: str, seconds: float) -> None:
    if _metrics is not None:
        _metrics.jobs.labels(engine, outcome).inc()
        _metrics.job_seconds.labels(engine, outcome).observe(seconds)


def rendered(engine: str, seconds: float) -> None:
    if _metrics is not None and seconds > 0:
        _metrics.render_seconds.labels(engine).inc(seconds)


def quality_retry(engine: str) -> None:
    if _metrics is not None:
        _metrics.quality_retries.labels(engine).inc()


def upload_refused(reason: str) -> None:
    if _metrics is not None:
        _metrics.upload_refusals.labels(reason).inc()


def http_request(method: str, route: str, status: int, seconds: float) -> None:
    if _metrics is not None:
        _metrics.http_seconds.labels(method, route, str(status)).observe(seconds)


def exposition() -> bytes:
    """The registry in Prometheus' text format (an explanatory comment when the extra is missing)."""
    if _metrics is None:
        return b"# prometheus-client is not installed: pip install 'botkit[metrics]'\n"
    return prom.generate_latest(_metrics.registry)


def serve(port: int, host: str = "0.0.0.0") -> bool:
    """Expose the registry on its own HTTP port (``botkit worker``); False without prometheus-client."""
    if _metrics is None:
        logger.warning("BOTKIT_METRICS_PORT is set but prometheus-client is not installed; no metrics served")
        return False
    prom.start_http_server(port, addr=host, registry=_metrics.registry)
    return True
