"""Factorized text-to-video (Emu Video's recipe): text -> key frame -> image-to-video.

The key frame comes from a text-to-image pipeline in the registry (``pipelines = { t2i = ... }``) or
from the first frame of a short text-to-video pass. Painting the key frame once and reusing it (or a
product photo, or a storyboard panel, given as the request's image) anchors the look across shots.
"""

from __future__ import annotations

import logging
import time
from typing import Any, Protocol

import torch
from PIL import Image

from botkit.domain import Clip, ProgressFn, ShotRequest
from botkit.engine.base import Capabilities, ChunkEngine, Engine
from botkit.engine.conditioning import Conditioning
from botkit.engine.longvideo import generate_long
from botkit.engine.registry import ModelEntry
from botkit.engine.snapping import snap_size
from botkit.errors import BotkitError, EngineError, InputError

logger = logging.getLogger(__name__)


class KeyframeSource(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def revision(self) -> str: ...

    def keyframe(self, request: ShotRequest) -> Image.Image: ...


class ImagePipelineKeyframes:
    """Key frames from a diffusers text-to-image pipeline (``FluxPipeline``, ``StableDiffusionPipeline`` ...)."""

    def __init__(self, entry: ModelEntry, pipe: Any) -> None:
        self.entry, self.pipe, self.name = entry, pipe, entry.name
        self.revision = entry.fingerprint()

    @classmethod
    def load(cls, entry: ModelEntry) -> ImagePipelineKeyframes:
        from botkit.engine.loading import load_pipelines
        from botkit.engine.options import apply_load_options

        if "t2i" not in entry.pipelines:
            raise InputError(f"model {entry.name!r} is not a text-to-image model (pipelines = {{ t2i = ... }})")
        pipe = load_pipelines(entry)["t2i"]
        apply_load_options(pipe, entry.options, compute_dtype=next(pipe.components["vae"].parameters()).dtype)
        return cls(entry, pipe)

    def keyframe(self, request: ShotRequest) -> Image.Image:
        width, height = (
            snap_size(request.width, self.entry.size_multiple),
            snap_size(request.height, self.entry.size_multiple),
        )
        try:
            out = self.pipe(
                prompt=request.prompt,
                negative_prompt=request.negative_prompt or None,
                height=height,
                width=width,
                num_inference_steps=request.steps or self.entry.steps,
                guidance_scale=self.entry.guidance,
                generator=torch.Generator("cpu").manual_seed(request.seed),
                output_type="pil",
                **self.entry.call,
            )
        except Exception as exc:
            raise EngineError(f"key frame model {self.name!r} failed: {exc}") from exc
        return out.images[0].convert("RGB")


class FirstFrameKeyframes:
    """Key frames as the first frame of a short text-to-video pass (no separate image model needed)."""

    def __init__(self, engine: Engine) -> None:
        if not engine.capabilities.can("t2v"):
            raise InputError(f"model {engine.name!r} cannot paint key frames: it has no text-to-video")
        self.engine, self.name = engine, f"{engine.name}:first-frame"
        self.revision = engine.revision

    def keyframe(self, request: ShotRequest) -> Image.Image:
        clip = self.engine.generate(request.model_copy(update={"task": "t2v", "image": None, "num_frames": 1}))
        return Image.fromarray(clip.frames[0])


class FactorizedEngine:
    """Text-to-video as two steps; image-to-video shots go straight to the video model."""

    def __init__(self, keyframes: KeyframeSource, video: ChunkEngine, *, name: str = "factorized") -> None:
        if not video.capabilities.can("i2v"):
            raise InputError(f"model {video.name!r} has no image-to-video: it cannot animate key frames")
        self.keyframes, self.video, self.name = keyframes, video, name
        self.native_fps, self.native_size = video.native_fps, video.native_size
        self.revision = f"{keyframes.revision}+{video.revision}"
        limit = video.capabilities.max_frames
        self.capabilities: Capabilities = video.capabilities.model_copy(
            update={"tasks": frozenset({"t2v", "i2v"}), "chunking": limit is not None or video.capabilities.chunking}
        )

    def generate(self, request: ShotRequest, on_progress: ProgressFn | None = None) -> Clip:
        started = time.perf_counter()
        if request.task == "i2v":  # the request's own image is the key frame
            clip = self.render_from(None, request, on_progress=on_progress)
            clip.meta |= {"model": self.name, "factorized": False, "video_model": self.video.name}
            return clip
        try:
            keyframe = self.keyframes.keyframe(request)
        except BotkitError:
            raise
        except Exception as exc:
            raise EngineError(f"key frame from {self.keyframes.name!r} failed: {exc}") from exc
        clip = self.render_from(keyframe, request, on_progress=on_progress)
        clip.meta |= {
            "model": self.name,
            "factorized": True,
            "keyframe_model": self.keyframes.name,
            "video_model": self.video.name,
            "task": "t2v",
            "seconds": round(time.perf_counter() - started, 3),
        }
        return clip

    def render_from(
        self, keyframe: Image.Image | None, request: ShotRequest, *, on_progress: ProgressFn | None = None
    ) -> Clip:
        """Animate a given key frame (reuse one across shots to keep a product's look); None: the
        request's own image."""
        if keyframe is None:
            first = self.video.first_conditioning(request)
            video_request = request
        else:
            first = Conditioning(image=keyframe)
            video_request = request.model_copy(update={"task": "i2v", "image": None})
        limit = self.video.capabilities.max_frames
        if limit is not None and request.num_frames > limit:
            return generate_long(self.video, video_request, on_progress=on_progress, first=first)
        return self.video.render(video_request, first, on_progress=on_progress)
