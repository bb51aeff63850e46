"""Engine names -> engines, resolved through the model registry (``models.toml``)."""

from __future__ import annotations

from botkit.engine.base import Engine
from botkit.engine.registry import Registry


def available_engines(registry: Registry | None = None) -> list[str]:
    return (registry or Registry.default()).names()


def load_engine(name: str, registry: Registry | None = None) -> Engine:
    """Load a registry entry: a ready engine from its ``loader``, or its pipelines into a ``PipelineEngine``."""
    from botkit.engine.loading import import_object
    from botkit.engine.pipeline import PipelineEngine

    entry = (registry or Registry.default()).get(name)
    if entry.loader:
        return import_object(entry.loader)()
    return PipelineEngine.load(entry)
