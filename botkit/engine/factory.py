"""Engine names -> engines, resolved through the model registry (``models.toml``)."""

from __future__ import annotations

from botkit.engine.base import Engine
from botkit.engine.registry import Registry
from botkit.errors import InputError


def available_engines(registry: Registry | None = None) -> list[str]:
    return (registry or Registry.default()).names()


def load_engine(name: str, registry: Registry | None = None) -> Engine:
    """Load a registry entry: a ready engine from its ``loader``, or its pipelines into a ``PipelineEngine``."""
    from botkit.engine.loading import import_object
    from botkit.engine.pipeline import PipelineEngine

    registry = registry or Registry.default()
    entry = registry.get(name)
    if entry.video_model:
        from botkit.engine.factorized import load_factorized

        return load_factorized(entry, registry)
    if "t2i" in entry.pipelines:
        raise InputError(f"model {name!r} makes images, not video: use it as a factorized entry's keyframe_model")
    if entry.loader:
        return import_object(entry.loader)()
    return PipelineEngine.load(entry)
