"""Clips made on purpose: plausible good ones (a textured scene, a slow camera pan, a moving
object) and the same clips broken in the ways video diffusion fails (noise, freezes, black
frames, splices, flicker). Used to calibrate the thresholds and to test every check."""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np

from botkit.domain import Clip


def good_clip(
    seed: int = 0, *, frames: int = 48, width: int = 320, height: int = 180, fps: float = 16.0, teleport: bool = False
) -> Clip:
    """A smooth textured background seen by a slowly panning camera, with a shape crossing it.
    ``teleport`` breaks it the way an under-trained model does: every frame the shape is redrawn as
    two or three blobs of new sizes in new places (incoherent motion, no flicker of the whole frame)."""
    rng = np.random.default_rng(seed)
    margin = 64
    canvas_w, canvas_h = width + 2 * margin, height + 2 * margin
    coarse = rng.uniform(0, 1, (canvas_h // 16 + 2, canvas_w // 16 + 2, 3)).astype(np.float32)
    texture = cv2.resize(coarse, (canvas_w, canvas_h), interpolation=cv2.INTER_CUBIC)
    base = rng.uniform(40, 200, 3).astype(np.float32)
    background = np.clip(base + (texture - 0.5) * 90, 0, 255).astype(np.float32)
    colour = rng.uniform(0, 255, 3)
    colour[rng.integers(3)] = 250
    pan = rng.uniform(-1.0, 1.0, 2) * margin * 0.6
    start = rng.uniform([0.15 * width, 0.3 * height], [0.4 * width, 0.7 * height])
    velocity = rng.uniform([0.35 * width, -0.2 * height], [0.6 * width, 0.2 * height]) / frames
    radius = int(rng.uniform(0.08, 0.14) * height)
    out = np.empty((frames, height, width, 3), np.uint8)
    for i in range(frames):
        u = i / max(1, frames - 1)
        shift = np.array([[1, 0, -margin - pan[0] * u], [0, 1, -margin - pan[1] * u]], np.float32)
        frame = cv2.warpAffine(background, shift, (width, height), flags=cv2.INTER_LINEAR,
                               borderMode=cv2.BORDER_REFLECT)  # fmt: skip
        blobs = [(start + velocity * i, radius)]
        if teleport:
            blobs = [
                (rng.uniform([0.2 * width, 0.2 * height], [0.8 * width, 0.8 * height]), int(radius * rng.uniform(1, 2)))
                for _ in range(int(rng.integers(2, 4)))
            ]
        for centre, size in blobs:
            cv2.circle(frame, (int(centre[0] * 16), int(centre[1] * 16)), size * 16, colour.tolist(), -1,
                       lineType=cv2.LINE_AA, shift=4)  # fmt: skip
        out[i] = np.clip(frame, 0, 255).astype(np.uint8)
    return Clip(frames=out, fps=fps, meta={"synthetic": "good", "seed": seed})


def noisy(clip: Clip, sigma: float = 40.0, seed: int = 0) -> Clip:
    """Strong Gaussian noise on every frame: what an under-trained or wrongly-scheduled model gives."""
    rng = np.random.default_rng(seed)
    data = clip.frames.astype(np.float32) + rng.normal(0, sigma, clip.frames.shape)
    return Clip(np.clip(data, 0, 255).astype(np.uint8), clip.fps, {"synthetic": "noise"})


def pure_noise(frames: int = 48, width: int = 320, height: int = 180, fps: float = 16.0, seed: int = 0) -> Clip:
    rng = np.random.default_rng(seed)
    return Clip(rng.integers(0, 256, (frames, height, width, 3), dtype=np.uint8), fps, {"synthetic": "pure-noise"})


def frozen(clip: Clip, start: float = 0.3, seconds: float = 1.0) -> Clip:
    """The picture stops for ``seconds`` from ``start`` (fraction of the clip), then jumps on."""
    data = clip.frames.copy()
    first = int(start * clip.num_frames)
    last = min(clip.num_frames, first + max(2, round(seconds * clip.fps)))
    data[first:last] = data[first]
    return Clip(data, clip.fps, {"synthetic": "freeze"})


def blacked(clip: Clip, start: float = 0.5, seconds: float = 0.5) -> Clip:
    """Black frames from ``start`` (fraction of the clip) for ``seconds``."""
    data = clip.frames.copy()
    first = int(start * clip.num_frames)
    data[first : first + max(1, round(seconds * clip.fps))] = 0
    return Clip(data, clip.fps, {"synthetic": "black"})


def spliced(clip: Clip, other: Clip, at: float = 0.5) -> Clip:
    """The first part of ``clip`` followed by the rest of ``other``: a cut inside one shot."""
    cut = int(at * clip.num_frames)
    data = np.concatenate([clip.frames[:cut], other.frames[cut : clip.num_frames]])
    return Clip(data, clip.fps, {"synthetic": "splice"})


def flickering(clip: Clip, amount: float = 0.12) -> Clip:
    """Brightness alternating by ``amount`` (fraction) from frame to frame."""
    gain = np.where(np.arange(clip.num_frames) % 2 == 0, 1 + amount, 1 - amount)[:, None, None, None]
    data = np.clip(clip.frames.astype(np.float32) * gain, 0, 255).astype(np.uint8)
    return Clip(data, clip.fps, {"synthetic": "flicker"})


BROKEN: dict[str, Callable[[Clip, Clip], Clip]] = {
    "noise": lambda clip, other: noisy(clip),
    "freeze": lambda clip, other: frozen(clip),
    "black": lambda clip, other: blacked(clip),
    "splice": lambda clip, other: spliced(clip, other),
    "flicker": lambda clip, other: flickering(clip),
    "morph": lambda clip, other: good_clip(
        int(clip.meta.get("seed", 0)),
        frames=clip.num_frames,
        width=clip.size[0],
        height=clip.size[1],
        fps=clip.fps,
        teleport=True,
    ),
}
"""Failure name -> how to break a good clip (``other`` is a second, different good clip)."""
