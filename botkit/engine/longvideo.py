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
from typing import Any

import numpy as np

from botkit.domain import Clip, ProgressFn, ShotRequest
from botkit.engine.base import Capabilities, ChunkEngine
from botkit.engine.conditioning import Conditioning
from botkit.engine.snapping import FrameRule
from botkit.errors import InputError

logger = logging.getLogger(__name__)


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


class LongVideoEngine:
    """Any ``ChunkEngine`` as an ``Engine`` for shots of any length: one call when the shot fits,
    chained calls when it is longer than the model's ``max_frames``. The factory builds one for
    every registry entry with a frame limit and image-to-video."""

    def __init__(self, chunks: ChunkEngine) -> None:
        if chunks.capabilities.max_frames is None:
            raise InputError(f"model {chunks.name!r} has no frame limit: it needs no chaining")
        if chunks.continues_from is None:
            raise InputError(
                f"model {chunks.name!r} renders at most {chunks.capabilities.max_frames} frames and has no "
                "image-to-video to continue from"
            )
        self.chunks = chunks
        """The wrapped engine (its pipelines, entry ... for whoever needs them)."""
        self.name = chunks.name
        self.native_fps = chunks.native_fps
        self.native_size = chunks.native_size
        self.revision = chunks.revision
        self.capabilities: Capabilities = chunks.capabilities.model_copy(update={"chunking": True})

    def generate(self, request: ShotRequest, on_progress: ProgressFn | None = None) -> Clip:
        max_frames = self.chunks.capabilities.max_frames
        if max_frames is not None and request.num_frames > max_frames:
            return generate_long(self.chunks, request, on_progress=on_progress)
        return self.chunks.generate(request, on_progress=on_progress)


def generate_long(
    engine: ChunkEngine,
    request: ShotRequest,
    *,
    on_progress: ProgressFn | None = None,
    overlap: int | None = None,
    first: Conditioning | None = None,
) -> Clip:
    """Render ``request.num_frames`` frames in overlapping chunks; returns exactly that many frames.
    ``first`` conditions the first chunk (a key frame); by default the request's own images."""
    max_frames = engine.capabilities.max_frames
    if max_frames is None:
        raise InputError(f"model {engine.name!r} has no frame limit: render the shot in one call")
    continue_task = {"frames": "condition", "image": "i2v"}.get(engine.continues_from or "")
    if continue_task is None:
        raise InputError(
            f"model {engine.name!r} renders at most {max_frames} frames and has no image-to-video to continue "
            f"from; ask for <= {max_frames} frames or use a model with i2v"
        )
    chunk = engine.frame_rule.largest(max_frames)
    overlap = default_overlap(engine.frame_rule, chunk) if overlap is None else overlap
    count = plan_chunks(request.num_frames, chunk, overlap)
    steps = request.steps or engine.default_steps
    total_steps = count * steps
    logger.info("long video", extra={"model": engine.name, "chunks": count, "chunk_frames": chunk, "overlap": overlap})

    started = time.perf_counter()
    conditioning = engine.first_conditioning(request) if first is None else first
    last_image = conditioning.last_image
    conditioning = Conditioning(image=conditioning.image, frames=conditioning.frames)
    prompts = prompt_segments(request.prompt, count)
    frames: np.ndarray | None = None
    seams: list[int] = []
    first_meta: dict[str, Any] = {}
    sound: list[np.ndarray] = []  # a model's own soundtrack (LTX-2): each chunk's new part, end to end
    rate: int | None = None
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
            progress_offset=index * steps,
            progress_total=total_steps,
        )
        if part.audio is not None and part.audio_rate:
            rate = part.audio_rate
            skip = 0 if frames is None else round(overlap * rate / request.fps)
            sound.append(part.audio[skip:])
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
    audio = None
    if sound and rate:
        audio = np.concatenate(sound)[: round(request.num_frames * rate / request.fps)]
    return Clip(
        frames=np.ascontiguousarray(frames[: request.num_frames]),
        fps=float(request.fps),
        meta=meta,
        audio=audio,
        audio_rate=rate if audio is not None else None,
    )
