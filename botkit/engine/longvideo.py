"""Long video by temporal autoregression, for any engine that can continue from frames (i2v/condition).

A shot longer than the model's ``max_frames`` is rendered in chunks. Each chunk after the first starts
from the frames where the previous one is about to end: image-to-video from one frame, or (LTX
Condition) from several. The overlapping frames are cross-faded, so no seam is a hard cut, and the
result is trimmed to exactly the length asked. Chunk ``i`` uses seed ``seed + i``: same seed, same video.
A prompt with ``|`` separators ("a shoe on a table | the shoe walks off") is a story: its segments
are spread over the chunks in order.
"""

from __future__ import annotations

import logging
import math
import time
from typing import Any, Protocol

import numpy as np

from botkit.domain import Clip, ProgressFn, ShotRequest
from botkit.engine.backends import Conditioning
from botkit.engine.snapping import FrameRule
from botkit.errors import InputError

logger = logging.getLogger(__name__)


class ChunkRenderer(Protocol):
    """What temporal autoregression needs from an engine (``PipelineEngine``, ``AnimaticEngine``)."""

    name: str
    tasks: list[str]
    max_frames: int | None
    frame_rule: FrameRule

    def render(
        self,
        request: ShotRequest,
        conditioning: Conditioning,
        *,
        on_progress: ProgressFn | None = None,
        options: Any = None,
        progress_offset: int = 0,
        progress_total: int | None = None,
    ) -> Clip: ...

    def first_conditioning(self, request: ShotRequest) -> Conditioning: ...


def plan_chunks(total: int, chunk: int, overlap: int) -> int:
    """How many chunks of ``chunk`` frames, each overlapping the last by ``overlap``, cover ``total``."""
    if chunk <= overlap:
        raise InputError(f"a chunk of {chunk} frames cannot overlap the previous one by {overlap}")
    return 1 + max(0, math.ceil((total - chunk) / (chunk - overlap)))


def default_overlap(rule: FrameRule, chunk: int) -> int:
    """One latent frame's worth (``step + 1`` pixel frames for ``4k+1``), at most a quarter of a chunk."""
    return max(1, min(rule.step + 1 if rule.step > 1 else 4, chunk // 4))


def crossfade(previous: np.ndarray, following: np.ndarray) -> np.ndarray:
    """Blend two runs of the same frames: the first weighs fully at the start, the second at the end."""
    count = len(previous)
    weights = (np.arange(1, count + 1, dtype=np.float32) / (count + 1))[:, None, None, None]
    mixed = previous.astype(np.float32) * (1 - weights) + following.astype(np.float32) * weights
    return np.clip(mixed.round(), 0, 255).astype(np.uint8)


def prompt_segments(prompt: str, chunks: int) -> list[str]:
    """The prompt of each chunk: ``|``-separated segments spread evenly over the chunks, in order."""
    segments = [part.strip() for part in prompt.split("|") if part.strip()] or [prompt]
    return [segments[index * len(segments) // chunks] for index in range(chunks)]


def generate_long(
    engine: ChunkRenderer,
    request: ShotRequest,
    *,
    on_progress: ProgressFn | None = None,
    options: Any = None,
    overlap: int | None = None,
) -> Clip:
    """Render ``request.num_frames`` frames in overlapping chunks; returns exactly that many frames."""
    if engine.max_frames is None:
        raise InputError(f"model {engine.name!r} has no frame limit: render the shot in one call")
    continue_task = "condition" if "condition" in engine.tasks else "i2v" if "i2v" in engine.tasks else None
    if continue_task is None:
        raise InputError(
            f"model {engine.name!r} renders at most {engine.max_frames} frames and has no image-to-video to continue "
            f"from; ask for <= {engine.max_frames} frames or use a model with i2v"
        )
    chunk = engine.frame_rule.largest(engine.max_frames)
    overlap = default_overlap(engine.frame_rule, chunk) if overlap is None else overlap
    count = plan_chunks(request.num_frames, chunk, overlap)
    steps = request.steps or getattr(getattr(engine, "entry", None), "steps", 1)
    total_steps = count * steps
    logger.info("long video", extra={"model": engine.name, "chunks": count, "chunk_frames": chunk, "overlap": overlap})

    started = time.perf_counter()
    conditioning = engine.first_conditioning(request)
    last_image = conditioning.last_image
    conditioning = Conditioning(image=conditioning.image, frames=conditioning.frames)
    prompts = prompt_segments(request.prompt, count)
    frames: np.ndarray | None = None
    seams: list[int] = []
    first_meta: dict[str, Any] = {}
    for index in range(count):
        task = request.task if index == 0 else "i2v"
        if index == count - 1 and last_image is not None:
            conditioning = Conditioning(image=conditioning.image, frames=conditioning.frames, last_image=last_image)
        part = engine.render(
            request.model_copy(
                update={
                    "num_frames": chunk,
                    "seed": (request.seed + index) % 2**32,
                    "task": task,
                    "prompt": prompts[index],
                }
            ),
            conditioning,
            on_progress=on_progress,
            options=options,
            progress_offset=index * steps,
            progress_total=total_steps,
        )
        if frames is None:
            frames, first_meta = part.frames, part.meta
        else:
            seams.append(len(frames) - overlap)
            blended = crossfade(frames[-overlap:], part.frames[:overlap])
            frames = np.concatenate([frames[:-overlap], blended, part.frames[overlap:]])
        tail = frames[-overlap:]
        conditioning = (
            Conditioning.from_frames(tail)
            if continue_task == "condition"
            else Conditioning(image=Conditioning.from_frames(tail[:1]).image)
        )
    assert frames is not None
    meta = {
        **first_meta,
        "num_frames": request.num_frames,
        "requested_frames": request.num_frames,
        "long_video": "autoregressive",
        "chunks": count,
        "chunk_frames": chunk,
        "overlap": overlap,
        "seams": seams,
        "continued_with": continue_task,
        "prompts": prompts if len(set(prompts)) > 1 else None,
        "steps_total": total_steps,
        "seconds": round(time.perf_counter() - started, 3),
    }
    return Clip(frames=np.ascontiguousarray(frames[: request.num_frames]), fps=float(request.fps), meta=meta)
