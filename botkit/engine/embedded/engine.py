"""``EmbeddedEngine``: botkit's default engine, the shipped toy-world model behind the ``Engine``
interface.

* Words -> vocabulary: :func:`botkit.engine.embedded.vocab.map_prompt` (documented there).
* Duration: the model renders chunks of 9 frames at 32x32; a shot longer than that is built by
  temporal autoregression on the model's own image-to-video: each next chunk starts from the last
  latent frame of the previous one (8 new frames per chunk), then the clip is trimmed. Motion is
  capped at ``MAX_MODEL_FRAMES`` (15) model frames, the travel that stays in the 32x32 frame; a
  longer shot plays them slower, blending neighbouring frames.
* Image-to-video: ``request.image`` is resized (box filter) to 32x32 and pinned as frame 0.
* Text-to-video: by default (``keyframe="toyworld"``) the procedural renderer draws frame 0 from
  the mapped attributes and the model animates it by image-to-video: a layout prior, because the
  shipped model places and moves objects far more reliably from a given first frame than from
  noise (``TRAINING.md`` has both scores). ``keyframe="model"`` samples the whole clip.
* Output: frames are upsampled bicubically from 32x32 to 256x256 (``OUTPUT_SIZE``); the request's
  width/height are not honoured, post-processing reframes. ``clip.meta`` records what was used.
"""

from __future__ import annotations

import logging
import math
import time
from pathlib import Path
from typing import Any, Literal

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

from botkit.domain import Clip, ProgressFn, ShotRequest
from botkit.engine.base import Capabilities
from botkit.engine.embedded import WEIGHTS_DIR, toyworld, weights_revision
from botkit.engine.embedded.vocab import Attributes, caption, map_prompt
from botkit.errors import EngineError, InputError

logger = logging.getLogger(__name__)

MODEL_SIZE = 32
CHUNK_FRAMES = 9
OUTPUT_SIZE = 256
DEFAULT_STEPS = 16
DEFAULT_GUIDANCE = 4.0
MAX_MODEL_FRAMES = 1 + int(
    (toyworld.SIZE - 2 * (toyworld.HALF_SIZE[1] + 0.5)) / (toyworld.TRAVEL / (toyworld.FRAMES - 1))
)
"""Frames of the model's own motion (1.25 px a frame) that keep the biggest object in frame: 15.
Longer shots play those frames slower (blended in between) instead of pushing the object out of
the picture, which the model never saw and draws as smears."""


def retime(pixels: torch.Tensor, num_frames: int) -> torch.Tensor:
    """``[M, C, H, W]`` frames stretched to ``num_frames`` by blending neighbours (first and last kept)."""
    m = pixels.shape[0]
    if m == num_frames or m == 1:
        return pixels if m == num_frames else pixels.expand(num_frames, -1, -1, -1)
    position = torch.linspace(0, m - 1, num_frames)
    lo = position.floor().long().clamp(max=m - 2)
    weight = (position - lo).view(-1, 1, 1, 1)
    return pixels[lo] * (1 - weight) + pixels[lo + 1] * weight


def keyframe_for(attrs: Attributes, num_frames: int, seed: int) -> np.ndarray:
    """A procedural first frame for ``attrs``: the object starts on the side it moves away from so
    that ``num_frames`` of travel stay in frame where they fit (uint8 ``[32, 32, 3]``)."""
    rng = np.random.default_rng(seed)
    half = float(rng.uniform(*toyworld.HALF_SIZE))
    lo, hi = half + 0.5, toyworld.SIZE - half - 0.5
    travel = toyworld.TRAVEL * (num_frames - 1) / (toyworld.FRAMES - 1)
    slack = max(0.0, hi - lo - travel)
    along = lo + float(rng.uniform(0, slack))  # distance from the entry side
    across = float(rng.uniform(lo, hi))
    start = {
        "right": (along, across),
        "left": (toyworld.SIZE - along, across),
        "down": (across, along),
        "up": (across, toyworld.SIZE - along),
    }[attrs.direction]
    return toyworld.render(toyworld.Scene(attrs, start[0], start[1], half), frames=1)[0]


class EmbeddedEngine:
    """The embedded toy-world model. Loads its weights lazily, once per instance."""

    name = "embedded"
    native_fps = 8
    native_size = (OUTPUT_SIZE, OUTPUT_SIZE)
    capabilities = Capabilities(tasks=frozenset({"t2v", "i2v"}), real_images=False)
    """Toy world only (a real photo becomes a still). Any length (longer shots chain 9-frame chunks inside ``generate``), from text or a first frame."""

    def __init__(
        self,
        weights: str | Path | None = None,
        output_size: int = OUTPUT_SIZE,
        threads: int | None = None,
        keyframe: Literal["model", "toyworld"] = "toyworld",
        runtime: Literal["torch", "diffusers"] = "torch",
    ) -> None:
        self.weights = Path(weights) if weights is not None else WEIGHTS_DIR
        self.output_size = output_size
        self.threads = threads
        """torch CPU threads during a render (restored after); None leaves torch's setting. On a
        loaded 2-core machine 1 thread is several times faster than 2."""
        if keyframe not in ("model", "toyworld"):
            raise ValueError(f"keyframe must be 'model' or 'toyworld', got {keyframe!r}")
        self.keyframe = keyframe
        """Text-to-video layout: "model" samples the whole clip; "toyworld" draws the first frame
        with the procedural renderer (the mapped colour, shape and background, placed so the whole
        shot's travel fits the frame) and lets the model animate it by image-to-video."""
        self.native_size = (output_size, output_size)
        if runtime not in ("torch", "diffusers"):
            raise ValueError(f"runtime must be 'torch' or 'diffusers', got {runtime!r}")
        self.runtime = runtime
        """"torch": the weights run by ``runtime.EmbeddedRuntime`` (no diffusers import, the fast
        start); "diffusers": the same weights in ``EmbeddedVideoPipeline``. Same frames."""
        self._pipe: Any = None
        self._revision: str | None = None

    @property
    def revision(self) -> str:
        """A hash of the weight files' contents (computed once): new weights, new render keys."""
        if self._revision is None:
            self._revision = weights_revision(self.weights)
        return self._revision

    @classmethod
    def load(cls, weights: str | Path | None = None, **options: Any) -> EmbeddedEngine:
        """A ready engine with its weights loaded (the registry's ``loader``)."""
        engine = cls(weights, **options)
        _ = engine.pipeline
        return engine

    @classmethod
    def from_pretrained(cls, path: str | Path, **options: Any) -> EmbeddedEngine:
        """The embedded model from a ``save_pretrained`` folder (e.g. a training run's ``final/``)."""
        return cls.load(path, **options)

    @classmethod
    def from_pipe(cls, pipe: Any, *, revision: str | None = None, **options: Any) -> EmbeddedEngine:
        """Wrap an ``EmbeddedVideoPipeline`` you already have (one being trained, a test's tiny one).
        ``revision`` names its weights for render keys (default: a hash of its parameters)."""
        engine = cls(**options)
        engine._pipe = pipe
        engine._revision = revision or _parameters_revision(pipe)
        return engine

    @property
    def pipeline(self) -> Any:
        if self._pipe is None:
            loader: Any
            if self.runtime == "torch":
                from botkit.engine.embedded.runtime import EmbeddedRuntime

                loader = EmbeddedRuntime
            else:
                from botkit.engine.embedded.pipeline import EmbeddedVideoPipeline

                loader = EmbeddedVideoPipeline

            if not (self.weights / "model_index.json").exists():
                raise EngineError(f"embedded weights not found in {self.weights}")
            start = time.perf_counter()
            try:
                self._pipe = loader.from_pretrained(self.weights)
            except (OSError, ValueError, RuntimeError) as exc:
                raise EngineError(f"could not load the embedded model from {self.weights}: {exc}") from exc
            self._pipe.set_progress_bar_config(disable=True)
            logger.info(
                "embedded model loaded from %s in %.2f s (%s)", self.weights, time.perf_counter() - start, self.runtime
            )
        return self._pipe

    def _first_frame(self, request: ShotRequest) -> np.ndarray | None:
        if request.task != "i2v":
            return None
        if request.image is None:
            raise InputError("task 'i2v' needs request.image (a path to the first frame)")
        try:
            with Image.open(request.image) as img:
                small = img.convert("RGB").resize((MODEL_SIZE, MODEL_SIZE), Image.Resampling.BOX)
        except OSError as exc:
            raise InputError(f"could not read request.image {request.image}: {exc}") from exc
        return np.asarray(small, dtype=np.uint8)

    def generate(self, request: ShotRequest, on_progress: ProgressFn | None = None) -> Clip:
        if self.threads is None:
            return self._generate(request, on_progress)
        previous = torch.get_num_threads()
        torch.set_num_threads(self.threads)
        try:
            return self._generate(request, on_progress)
        finally:
            torch.set_num_threads(previous)

    def _generate(self, request: ShotRequest, on_progress: ProgressFn | None) -> Clip:
        attrs = map_prompt(request.prompt, request.camera)
        text = caption(attrs)
        steps = request.steps or DEFAULT_STEPS
        guidance = request.guidance if request.guidance is not None else DEFAULT_GUIDANCE
        model_frames = min(request.num_frames, MAX_MODEL_FRAMES)
        chunks = 1 + math.ceil(max(0, model_frames - CHUNK_FRAMES) / (CHUNK_FRAMES - 1))
        total = chunks * steps
        first = self._first_frame(request)
        if first is None and self.keyframe == "toyworld":
            first = keyframe_for(attrs, model_frames, request.seed)
        pipe = self.pipeline
        generator = torch.Generator().manual_seed(request.seed)
        start = time.perf_counter()

        latents: list[torch.Tensor] = []
        previous: torch.Tensor | None = None
        for chunk in range(chunks):

            def report(_pipe: Any, i: int, _t: Any, kwargs: dict[str, Any], chunk: int = chunk) -> dict[str, Any]:
                if on_progress is not None:
                    on_progress(chunk * steps + i + 1, total)  # may raise Cancelled: propagate at once
                return kwargs

            out = pipe(
                text,
                image=first if chunk == 0 else None,
                image_latents=previous,
                num_frames=CHUNK_FRAMES,
                height=MODEL_SIZE,
                width=MODEL_SIZE,
                num_inference_steps=steps,
                guidance_scale=guidance,
                generator=generator,
                output_type="latent",
                callback_on_step_end=report,
            ).frames
            latents.append(out if chunk == 0 else out[:, :, 1:])
            previous = out[:, :, -1]

        video = torch.cat(latents, dim=2)[:, :, :model_frames]
        with torch.no_grad():
            pixels = pipe.autoencoder.decode_video(video)[0].permute(1, 0, 2, 3).float()  # [F, 3, h, w]
            if first is not None:
                # The first frame is the given image itself, not its autoencoder round trip.
                pixels[0] = torch.from_numpy(np.array(first)).permute(2, 0, 1).float() / 127.5 - 1.0
            pixels = retime(pixels, request.num_frames)
            big = F.interpolate(pixels, size=(self.output_size, self.output_size), mode="bicubic", align_corners=False)
        frames = ((big.clamp(-1, 1) + 1) * 127.5).round().to(torch.uint8).permute(0, 2, 3, 1).numpy()
        elapsed = time.perf_counter() - start
        logger.info("embedded render: %d frames, %d chunks, %d steps, %.2f s", len(frames), chunks, steps, elapsed)
        return Clip(
            frames=np.ascontiguousarray(frames),
            fps=float(request.fps),
            meta={
                "model": self.name,
                "weights": str(self.weights),
                "task": request.task,
                "keyframe": "image" if request.task == "i2v" else self.keyframe,
                "seed": request.seed,
                "steps": steps,
                "guidance": guidance,
                "num_frames": len(frames),
                "width": self.output_size,
                "height": self.output_size,
                "model_size": MODEL_SIZE,
                "chunks": chunks,
                "model_frames": model_frames,  # < num_frames: the motion was played slower
                "caption": text,
                "attributes": attrs.as_dict(),
                "upsample": "bicubic",
                "render_s": round(elapsed, 3),
            },
        )


def _parameters_revision(pipe: Any) -> str:
    import hashlib

    digest = hashlib.sha256()
    for name in ("transformer", "autoencoder", "captions"):
        for key, tensor in sorted(getattr(pipe, name).state_dict().items()):
            digest.update(key.encode())
            digest.update(tensor.detach().cpu().contiguous().numpy().tobytes())
    return f"embedded@{digest.hexdigest()[:16]}"
