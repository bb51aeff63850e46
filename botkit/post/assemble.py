"""Joins rendered shots into one timeline with each shot at exactly its planned duration, by cuts or
short cross-fades centred on the cuts (so the total stays exact either way)."""

from __future__ import annotations

from typing import Literal

import numpy as np
from PIL import Image

from botkit.domain import Clip
from botkit.errors import InputError

Transition = Literal["cut", "crossfade"]


def _resize(frames: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    if (frames.shape[2], frames.shape[1]) == size:
        return frames
    return np.stack([np.asarray(Image.fromarray(f).resize(size, Image.Resampling.BICUBIC)) for f in frames])


def retime(clip: Clip, duration_s: float, fps: float) -> np.ndarray:
    """Frames covering exactly ``duration_s`` at ``fps``: nearest-frame resampling of the clip."""
    if clip.num_frames == 0:
        raise InputError("a clip with no frames cannot be retimed")
    count = max(1, round(duration_s * fps))
    positions = np.floor(np.arange(count) * clip.num_frames / count).astype(int)
    return clip.frames[np.minimum(positions, clip.num_frames - 1)]


def _check(clips: list[Clip], durations: list[float]) -> None:
    if not clips or len(clips) != len(durations):
        raise InputError(f"need one duration per clip, got {len(clips)} clips and {len(durations)} durations")
    for index, (clip, duration) in enumerate(zip(clips, durations, strict=True)):
        if clip.num_frames == 0:
            raise InputError(f"shot {index} has no frames; an engine must return at least one")
        if not duration > 0:
            raise InputError(f"shot {index} has duration {duration}; durations must be > 0 s")
        if clip.size[0] < 2 or clip.size[1] < 2:
            raise InputError(f"shot {index} is {clip.size[0]}x{clip.size[1]}; frames must be at least 2x2")


def shot_starts(durations: list[float], fps: float) -> list[float]:
    """Start time (s) of each shot in the assembled timeline, on frame boundaries."""
    starts, frames = [], 0
    for duration in durations:
        starts.append(frames / fps)
        frames += max(1, round(duration * fps))
    return starts


def assemble(
    clips: list[Clip], durations: list[float], *, transition: Transition = "cut", crossfade_s: float = 0.25
) -> Clip:
    """One clip at the highest frame rate and the first clip's size; shot ``i`` fills exactly
    ``durations[i]`` (to the frame). A cross-fade of ``crossfade_s`` is centred on each cut: both
    shots are extended by half of it and blended, so the total and the cut times do not change."""
    _check(clips, durations)
    if transition not in ("cut", "crossfade"):
        raise InputError(f"unknown transition {transition!r}; choose 'cut' or 'crossfade'")
    fps = max(clip.fps for clip in clips)
    size = clips[0].size
    counts = [max(1, round(duration * fps)) for duration in durations]
    fade = 0
    if transition == "crossfade" and len(clips) > 1:
        # at most half of the shortest shot, and an even number of frames to split around the cut
        fade = min(round(crossfade_s * fps), min(counts) // 2) // 2 * 2
    if fade == 0:
        parts = [_resize(retime(clip, count / fps, fps), size) for clip, count in zip(clips, counts, strict=True)]
        return Clip(frames=np.concatenate(parts), fps=fps, meta={"shots": len(clips), "transition": "cut"})
    half = fade // 2
    extended = []
    for index, (clip, count) in enumerate(zip(clips, counts, strict=True)):
        before = half if index > 0 else 0
        after = half if index < len(clips) - 1 else 0
        extended.append((_resize(retime(clip, (count + before + after) / fps, fps), size), before, after))
    out = np.empty((sum(counts), size[1], size[0], 3), np.uint8)
    cursor = 0
    for index, (frames, before, after) in enumerate(extended):
        body = frames[before : len(frames) - after] if after else frames[before:]
        out[cursor : cursor + len(body)] = body
        if index > 0:
            # blend across the cut: the previous shot's last frames and its extension fade out
            # while this shot's extension and first frames fade in
            previous_tail = extended[index - 1][0][-half:]
            outgoing = np.concatenate([out[cursor - half : cursor], previous_tail]).astype(np.float32)
            incoming = np.concatenate([frames[:before], body[:half]]).astype(np.float32)
            weights = ((np.arange(fade) + 0.5) / fade)[:, None, None, None]
            out[cursor - half : cursor + half] = np.round(outgoing * (1 - weights) + incoming * weights).astype(
                np.uint8
            )
        cursor += len(body)
    return Clip(frames=out, fps=fps, meta={"shots": len(clips), "transition": "crossfade", "crossfade_frames": fade})
