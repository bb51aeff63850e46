"""The animatic: an instant PREVIEW engine, no diffusion.

Storyboard panels and product images are animated by the camera move named in the shot's words
(push in, pull out, pan left/right, tilt up/down, orbit, static; "slow"/"fast"), eased and sub-pixel
smooth through affine resampling; text-only shots become title cards. Every frame carries a small
PREVIEW mark and ``clip.meta["preview"]`` is true, so nobody mistakes it for a render. Agencies
approve an animatic before paying for diffusion.
"""

from __future__ import annotations

import hashlib
import logging
import re
import textwrap
import time
from dataclasses import dataclass
from typing import Literal

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from botkit.domain import Clip, ProgressFn, ShotRequest
from botkit.engine.base import Capabilities
from botkit.engine.conditioning import Conditioning
from botkit.engine.snapping import FrameRule, snap_shape
from botkit.errors import InputError

logger = logging.getLogger(__name__)

PREVIEW_LABEL = "PREVIEW · animatic"
REVISION = "animatic-1"
"""Bump when the drawing changes: cached animatic clips are found by render keys that include it."""


@dataclass(frozen=True)
class CameraMove:
    """Start and end of the view: zoom (>= 1) and the window centre's offset (fractions of the free margin)."""

    zoom: tuple[float, float] = (1.0, 1.0)
    x: tuple[float, float] = (0.0, 0.0)
    y: tuple[float, float] = (0.0, 0.0)
    words: str = "static"


_MOVES = {
    "push in": {"zoom": (1.0, 1.25)},
    "pull out": {"zoom": (1.25, 1.0)},
    "pan left": {"x": (0.9, -0.9)},
    "pan right": {"x": (-0.9, 0.9)},
    "tilt up": {"y": (0.9, -0.9)},
    "tilt down": {"y": (-0.9, 0.9)},
    "orbit": {"x": (-0.7, 0.7), "zoom": (1.1, 1.2)},
}
_WORDS = re.compile(
    r"push in|zoom in|dolly in|pull out|pull back|zoom out|dolly out|pan left|pan right|tilt up|"
    r"tilt down|orbit|static|locked"
)
_ALIASES = {
    "zoom in": "push in",
    "dolly in": "push in",
    "pull back": "pull out",
    "zoom out": "pull out",
    "dolly out": "pull out",
    "locked": "static",
}


def parse_camera(text: str | None, *, default: str = "push in") -> CameraMove:
    """Camera words -> a move. Several words combine ("push in, pan left"); none means ``default``."""
    lowered = (text or "").lower()
    found = [_ALIASES.get(word, word) for word in _WORDS.findall(lowered)]
    if not found:
        found = [default]
    if "static" in found:
        return CameraMove(words="static")
    speed = 0.6 if re.search(r"\bslow(ly)?\b|\bgentle\b|\bsubtle\b", lowered) else 1.0
    speed = 1.6 if re.search(r"\bfast\b|\bquick(ly)?\b|\brapid\b", lowered) else speed
    zoom, x, y = [1.0, 1.0], [0.0, 0.0], [0.0, 0.0]
    for word in dict.fromkeys(found):
        move = _MOVES[word]
        for key, target in (("zoom", zoom), ("x", x), ("y", y)):
            if key in move:
                start, end = move[key]
                if key == "zoom":
                    target[0], target[1] = target[0] * (1 + (start - 1) * speed), target[1] * (1 + (end - 1) * speed)
                else:
                    target[0], target[1] = target[0] + start, target[1] + end
    if x != [0.0, 0.0] or y != [0.0, 0.0]:
        # a pan or tilt needs room to move: frame the image a little tighter
        extra = 0.12 * speed
        zoom = [z + extra for z in zoom]
    clamp = lambda v: max(-1.0, min(1.0, v))  # noqa: E731
    return CameraMove(
        zoom=(zoom[0], zoom[1]),
        x=(clamp(x[0]), clamp(x[1])),
        y=(clamp(y[0]), clamp(y[1])),
        words=", ".join(dict.fromkeys(found)),
    )


def ease(t: float) -> float:
    """Ease in and out (smootherstep): zero velocity and acceleration at both ends."""
    t = min(1.0, max(0.0, t))
    return t * t * t * (t * (6 * t - 15) + 10)


def animate(image: Image.Image, move: CameraMove, num_frames: int, width: int, height: int) -> np.ndarray:
    """Frames of ``move`` over ``image``, each an affine resample of the source (sub-pixel positions)."""
    source = _cover(image.convert("RGB"), width, height, oversample=max(move.zoom) * 1.5)
    src_w, src_h = source.size
    frames = np.empty((num_frames, height, width, 3), dtype=np.uint8)
    for index in range(num_frames):
        t = ease(index / (num_frames - 1)) if num_frames > 1 else 0.0
        zoom = move.zoom[0] + (move.zoom[1] - move.zoom[0]) * t
        scale = src_w / zoom / width  # source pixels per output pixel
        margin_x, margin_y = (src_w - width * scale) / 2, (src_h - height * scale) / 2
        centre_x = src_w / 2 + margin_x * (move.x[0] + (move.x[1] - move.x[0]) * t)
        centre_y = src_h / 2 + margin_y * (move.y[0] + (move.y[1] - move.y[0]) * t)
        affine = (scale, 0.0, centre_x - width / 2 * scale, 0.0, scale, centre_y - height / 2 * scale)
        frame = source.transform((width, height), Image.Transform.AFFINE, affine, resample=Image.Resampling.BICUBIC)
        frames[index] = np.asarray(frame)
    return frames


def _cover(image: Image.Image, width: int, height: int, *, oversample: float) -> Image.Image:
    """Crop to the output's aspect; keep at most ``oversample`` x the output's pixels (less aliasing)."""
    aspect = width / height
    if image.width / image.height > aspect:
        crop_w = round(image.height * aspect)
        image = image.crop(((image.width - crop_w) // 2, 0, (image.width - crop_w) // 2 + crop_w, image.height))
    else:
        crop_h = round(image.width / aspect)
        image = image.crop((0, (image.height - crop_h) // 2, image.width, (image.height - crop_h) // 2 + crop_h))
    limit = round(width * oversample)
    if image.width > limit:
        image = image.resize((limit, round(limit / aspect)), Image.Resampling.LANCZOS)
    elif image.width < width:
        image = image.resize((width, height), Image.Resampling.BICUBIC)
    return image


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=max(8, size))


def title_text(prompt: str) -> str:
    """The card's words: the prompt's first clause (planners append style words after commas)."""
    return prompt.split(", ")[0].strip() or prompt.strip()


def title_card(text: str, width: int, height: int, *, seed: int = 0) -> Image.Image:
    """The shot's words centred on a soft two-colour gradient (colours from the text and seed)."""
    digest = hashlib.sha256(f"{seed}:{text}".encode()).digest()
    top = np.array([digest[0] // 3 + 20, digest[1] // 3 + 20, digest[2] // 3 + 40], dtype=np.float32)
    bottom = np.array([digest[3] // 4 + 10, digest[4] // 4 + 10, digest[5] // 4 + 20], dtype=np.float32)
    ramp = np.linspace(0.0, 1.0, height, dtype=np.float32)[:, None, None]
    pixels = np.broadcast_to(top * (1 - ramp) + bottom * ramp, (height, width, 3)).round().astype(np.uint8)
    card = Image.fromarray(np.ascontiguousarray(pixels))
    draw = ImageDraw.Draw(card)
    size = max(10, min(width, height) // 11)
    lines = textwrap.wrap(text.strip() or " ", width=max(8, int(width / (size * 0.55))))[:5]
    font = _font(size)
    spacing = size // 3
    block = draw.multiline_textbbox((0, 0), "\n".join(lines), font=font, spacing=spacing, align="center")
    x = (width - (block[2] - block[0])) / 2 - block[0]
    y = (height - (block[3] - block[1])) / 2 - block[1]
    draw.multiline_text((x + 2, y + 2), "\n".join(lines), font=font, fill=(0, 0, 0), spacing=spacing, align="center")
    draw.multiline_text((x, y), "\n".join(lines), font=font, fill=(255, 255, 255), spacing=spacing, align="center")
    return card


def preview_mark(frames: np.ndarray) -> np.ndarray:
    """Stamp the PREVIEW label in the top-left corner of every frame (one overlay, alpha-blended)."""
    height, width = frames.shape[1:3]
    overlay = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    size = max(8, min(width, height) // 20)
    font = _font(size)
    box = draw.textbbox((0, 0), PREVIEW_LABEL, font=font)
    pad = max(2, size // 3)
    draw.rectangle((0, 0, box[2] + 2 * pad, box[3] + 2 * pad), fill=(0, 0, 0, 150))
    draw.text((pad, pad), PREVIEW_LABEL, font=font, fill=(255, 255, 255, 230))
    right, bottom = min(width, box[2] + 2 * pad + 1), min(height, box[3] + 2 * pad + 1)
    rgba = np.asarray(overlay, dtype=np.float32)[:bottom, :right]
    alpha = rgba[..., 3:4] / 255.0
    marked = frames.copy()
    corner = frames[:, :bottom, :right].astype(np.float32) * (1 - alpha) + rgba[..., :3] * alpha
    marked[:, :bottom, :right] = corner.round().astype(np.uint8)
    return marked


class AnimaticEngine:
    """Camera moves over an image, or a title card; instant on a CPU. ``meta["preview"]`` is always true.

    A ``ChunkEngine``: with a ``max_frames`` it renders at most that many frames a call (wrap it in
    ``LongVideoEngine`` for longer shots; tests of temporal autoregression do)."""

    frame_rule = FrameRule()
    default_steps = 1
    continues_from: Literal["frames", "image"] | None = "image"

    def __init__(
        self,
        *,
        name: str = "animatic",
        native_fps: int = 24,
        native_size: tuple[int, int] = (832, 480),
        max_frames: int | None = None,
        mark: bool = True,
    ) -> None:
        self.name = name
        self.native_fps = native_fps
        self.native_size = native_size
        self.max_frames = max_frames
        self.mark = mark
        self.revision = REVISION if mark else f"{REVISION}-unmarked"
        self.capabilities = Capabilities(tasks=frozenset({"t2v", "i2v"}), max_frames=max_frames, preview=True)

    def generate(self, request: ShotRequest, on_progress: ProgressFn | None = None) -> Clip:
        if self.max_frames is not None and request.num_frames > self.max_frames:
            raise InputError(
                f"the animatic {self.name!r} renders at most {self.max_frames} frames a call, asked for "
                f"{request.num_frames}: wrap it in LongVideoEngine"
            )
        return self.render(request, self.first_conditioning(request), on_progress=on_progress)

    def first_conditioning(self, request: ShotRequest) -> Conditioning:
        from botkit.engine.images import load_image

        if request.task == "i2v" and request.image is None:
            raise InputError("an image-to-video shot needs an image")
        return Conditioning(image=None if request.image is None else load_image(request.image))

    def render(
        self,
        request: ShotRequest,
        conditioning: Conditioning,
        *,
        on_progress: ProgressFn | None = None,
        progress_offset: int = 0,
        progress_total: int | None = None,
    ) -> Clip:
        started = time.perf_counter()
        shape = snap_shape(request.num_frames, request.width, request.height, rule=self.frame_rule, multiple=2)
        move = parse_camera(request.camera or request.prompt)
        source = conditioning.image
        kind = "image"
        if source is None:
            text = title_text(request.prompt)
            source, kind = title_card(text, shape.width, shape.height, seed=request.seed), "title card"
        frames = animate(source, move, shape.num_frames, shape.width, shape.height)
        if self.mark:
            frames = preview_mark(frames)
        if on_progress is not None:
            on_progress(progress_offset + 1, progress_total or 1)
        meta = {
            "model": self.name,
            "preview": True,
            "label": PREVIEW_LABEL,
            "kind": kind,
            "camera": move.words,
            "task": request.task,
            "seed": request.seed,
            "steps": 1,
            **shape.meta(),
            "seconds": round(time.perf_counter() - started, 3),
        }
        return Clip(frames=frames, fps=float(request.fps), meta=meta)
