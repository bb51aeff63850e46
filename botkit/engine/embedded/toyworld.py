"""Procedural "toy world" clips for training and validating the embedded model.

One antialiased shape of a palette colour on a flat palette background, moving in a straight
line at constant speed. Everything is a pure function of its seed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from botkit.engine.embedded.vocab import COLOURS, DIRECTIONS, OPPOSITE, PALETTE, SHAPES, Attributes

SIZE = 32
FRAMES = 9
TRAVEL = 10.0
"""Pixels travelled over one native clip (FRAMES frames)."""
HALF_SIZE = (5.0, 6.5)
"""Range of the object's half extent in pixels."""
_SUPERSAMPLE = 4
_STEP = {"left": (-1.0, 0.0), "right": (1.0, 0.0), "up": (0.0, -1.0), "down": (0.0, 1.0)}


@dataclass(frozen=True)
class Scene:
    """Attributes plus the geometry of one clip."""

    attrs: Attributes
    x0: float
    y0: float
    half: float

    def centres(self, frames: int = FRAMES) -> np.ndarray:
        """Object centre per frame, ``[frames, 2]`` as (x, y) in pixels."""
        dx, dy = _STEP[self.attrs.direction]
        steps = np.arange(frames, dtype=np.float64) * (TRAVEL / (FRAMES - 1))
        return np.stack([self.x0 + dx * steps, self.y0 + dy * steps], axis=1)

    def mirrored(self) -> Scene:
        """The same scene moving the opposite way along a mirrored path (shape drawn upright)."""
        direction = OPPOSITE[self.attrs.direction]
        attrs = Attributes(self.attrs.colour, self.attrs.background, self.attrs.shape, direction)
        if self.attrs.direction in ("left", "right"):
            return Scene(attrs, SIZE - self.x0, self.y0, self.half)
        return Scene(attrs, self.x0, SIZE - self.y0, self.half)


def random_scene(rng: np.random.Generator, attrs: Attributes | None = None) -> Scene:
    """A scene whose object stays fully inside the frame for the whole clip."""
    if attrs is None:
        colour, background = rng.choice(len(COLOURS), size=2, replace=False)
        attrs = Attributes(
            COLOURS[colour],
            COLOURS[background],
            SHAPES[rng.integers(len(SHAPES))],
            DIRECTIONS[rng.integers(len(DIRECTIONS))],
        )
    half = float(rng.uniform(*HALF_SIZE))
    lo, hi = half + 0.5, SIZE - half - 0.5
    dx, dy = _STEP[attrs.direction]
    # Start so the end point is inside too.
    x0 = float(rng.uniform(lo - min(dx, 0) * TRAVEL, hi - max(dx, 0) * TRAVEL))
    y0 = float(rng.uniform(lo - min(dy, 0) * TRAVEL, hi - max(dy, 0) * TRAVEL))
    return Scene(attrs, x0, y0, half)


def _coverage(shape: str, cx: np.ndarray, cy: np.ndarray, half: float) -> np.ndarray:
    """Antialiased coverage ``[frames, SIZE, SIZE]`` in [0, 1] by supersampling."""
    n = SIZE * _SUPERSAMPLE
    grid = (np.arange(n, dtype=np.float32) + 0.5) / _SUPERSAMPLE
    px = grid[None, None, :] - cx[:, None, None].astype(np.float32)
    py = grid[None, :, None] - cy[:, None, None].astype(np.float32)
    if shape == "circle":
        inside = px**2 + py**2 <= half**2
    elif shape == "square":
        s = half * 0.9  # same visual area class as the circle
        inside = (np.abs(px) <= s) & (np.abs(py) <= s)
    elif shape == "triangle":
        # Upright isosceles triangle: apex at top, base at bottom, spans [-half, half] both ways.
        h = 2 * half
        rel = (py + half) / h  # 0 at apex, 1 at base
        inside = (rel >= 0) & (rel <= 1) & (np.abs(px) <= rel * half)
    else:
        raise ValueError(f"shape must be one of {SHAPES}, got {shape!r}")
    cov = inside.reshape(len(cx), SIZE, _SUPERSAMPLE, SIZE, _SUPERSAMPLE).mean(axis=(2, 4))
    return cov.astype(np.float32)


def render(scene: Scene, frames: int = FRAMES) -> np.ndarray:
    """The clip as uint8 ``[frames, SIZE, SIZE, 3]``."""
    centres = scene.centres(frames)
    cov = _coverage(scene.attrs.shape, centres[:, 0], centres[:, 1], scene.half)[..., None]
    fg = np.asarray(PALETTE[scene.attrs.colour], dtype=np.float32)
    bg = np.asarray(PALETTE[scene.attrs.background], dtype=np.float32)
    return np.clip(np.rint(bg + cov * (fg - bg)), 0, 255).astype(np.uint8)


def sample(seed: int, attrs: Attributes | None = None, frames: int = FRAMES) -> tuple[np.ndarray, Attributes]:
    """A ground-truth clip and its attributes, deterministic by seed."""
    scene = random_scene(np.random.default_rng(seed), attrs)
    return render(scene, frames), scene.attrs


def batch(seed: int, size: int, mirror: bool = True) -> tuple[np.ndarray, list[Attributes]]:
    """A training batch ``[size, FRAMES, SIZE, SIZE, 3]``; with ``mirror`` the second half holds
    each first-half clip moving the opposite way, so every batch contrasts direction words."""
    rng = np.random.default_rng(seed)
    first = size // 2 if mirror else size
    scenes = [random_scene(rng) for _ in range(first)]
    if mirror:
        scenes += [s.mirrored() for s in scenes[: size - first]]
    return np.stack([render(s) for s in scenes]), [s.attrs for s in scenes]
