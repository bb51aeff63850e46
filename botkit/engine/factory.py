"""Engine names -> engines, built from registry entries (``models.toml``).

One place decides what an entry becomes: a loader's ready engine (the embedded model, the
animatic), a ``FactorizedEngine`` (key frame model + video model), a ``PipelineEngine``, wrapped
in a ``LongVideoEngine`` when the model has a frame limit and image-to-video to chain calls with.
The engines themselves never call back into this module.
"""

from __future__ import annotations

from botkit.engine.base import ChunkEngine, Engine
from botkit.engine.registry import ModelEntry, Registry
from botkit.errors import EngineError, InputError


def available_engines(registry: Registry | None = None) -> list[str]:
    return (registry or Registry.default()).names()


def load_engine(name: str, registry: Registry | None = None) -> Engine:
    """Load the engine of registry entry ``name``, ready to render."""
    registry = registry or Registry.default()
    entry = registry.get(name)
    if entry.video_model:
        return _factorized(entry, registry)
    if "t2i" in entry.pipelines:
        raise InputError(f"model {name!r} makes images, not video: use it as a factorized entry's keyframe_model")
    if entry.loader:
        return _from_loader(entry, registry)
    engine = load_chunk_engine(entry)
    if engine.capabilities.max_frames is not None and not engine.capabilities.chunking and engine.continues_from:
        from botkit.engine.longvideo import LongVideoEngine

        return LongVideoEngine(engine)
    return engine


def load_chunk_engine(entry: ModelEntry) -> ChunkEngine:
    """A registry entry's pipelines as one ``PipelineEngine`` (single calls, no chaining)."""
    from botkit.engine.pipeline import PipelineEngine

    return PipelineEngine.load(entry)


def _from_loader(entry: ModelEntry, registry: Registry) -> Engine:
    from botkit.engine.loading import import_object

    assert entry.loader is not None
    engine = import_object(entry.loader)()
    declared = registry.capabilities(entry.name)
    if engine.capabilities != declared:  # the registry answers plan-time questions: it must be right
        raise EngineError(
            f"registry entry {entry.name!r} declares {declared!r} but its engine has {engine.capabilities!r}: "
            "fix the entry's capabilities table"
        )
    return engine


def _factorized(entry: ModelEntry, registry: Registry) -> Engine:
    from botkit.engine.factorized import FactorizedEngine, FirstFrameKeyframes, ImagePipelineKeyframes, KeyframeSource

    assert entry.keyframe_model and entry.video_model
    video_entry = registry.get(entry.video_model)
    if video_entry.loader or video_entry.video_model:
        raise InputError(f"factorized entry {entry.name!r}: video_model must be a diffusers entry (path or builder)")
    video = load_chunk_engine(video_entry)
    key_entry = registry.get(entry.keyframe_model)
    if "t2i" in key_entry.pipelines:
        keyframes: KeyframeSource = ImagePipelineKeyframes.load(key_entry)
    elif key_entry.name == video_entry.name:
        keyframes = FirstFrameKeyframes(video)  # one model paints and animates (Wan 2.2 TI2V)
    else:
        keyframes = FirstFrameKeyframes(load_engine(key_entry.name, registry))
    return FactorizedEngine(keyframes, video, name=entry.name)
