"""``PipelineEngine``: any diffusers video pipeline behind the Engine interface.

The family module (``botkit.engine.families.<family>``) maps a request to the pipeline's argument
names; this class does what every family shares: snapping, seeds, progress, cancel, options,
turning the output into uint8 frames, and translating library errors at the boundary. It is a
``ChunkEngine``: one call renders at most ``max_frames``; ``LongVideoEngine`` chains calls for
longer shots (the factory wraps entries that need it), a family's native long pipeline
(LTX ``long``) is used directly.

Built from a registry entry (``load_engine``), or from a pipeline you already have::

    engine = PipelineEngine.from_pipe(WanPipeline.from_pretrained(folder))
    engine = PipelineEngine.from_pretrained("/models/Wan2.1-T2V-1.3B-Diffusers")
"""

from __future__ import annotations

import contextlib
import inspect
import json
import logging
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

import torch

from botkit.domain import Clip, ProgressFn, ShotRequest
from botkit.engine.base import Capabilities
from botkit.engine.conditioning import Conditioning
from botkit.engine.families import family_for
from botkit.engine.images import frames_to_uint8, load_image, load_video
from botkit.engine.options import RenderOptions, apply_load_options, render_options
from botkit.engine.registry import ModelEntry
from botkit.engine.snapping import FrameRule, Shape, snap_shape
from botkit.errors import BotkitError, EngineError, InputError

logger = logging.getLogger(__name__)

# Rules a pipeline wrapped with from_pipe/from_pretrained gets unless told otherwise (the values the
# packaged registry uses for each family's released checkpoints).
FAMILY_DEFAULTS: dict[str, dict[str, Any]] = {
    "wan": {"fps": 16, "size": (832, 480), "frames": "4k+1", "size_multiple": 16, "steps": 30, "guidance": 5.0},
    "ltx": {"fps": 24, "size": (768, 512), "frames": "8k+1", "size_multiple": 32, "steps": 30, "guidance": 3.0},
    "cogvideox": {"fps": 8, "size": (720, 480), "frames": "fixed:49", "steps": 50, "guidance": 6.0},
    "skyreels": {"fps": 24, "size": (960, 544), "frames": "4k+1", "steps": 30, "guidance": 6.0},
    "hunyuan15": {"fps": 24, "size": (848, 480), "frames": "4k+1", "steps": 50, "guidance": 6.0},
    "sana": {"fps": 16, "size": (832, 480), "frames": "4k+1", "size_multiple": 32, "steps": 50, "guidance": 6.0},
    "svd": {"fps": 7, "size": (1024, 576), "min_frames": 2, "max_frames": 25, "size_multiple": 64, "steps": 25},
    "animatediff": {"fps": 8, "size": (512, 512), "max_frames": 32, "size_multiple": 8, "steps": 25},
    "ltx2": {"fps": 24, "size": (768, 512), "frames": "8k+1", "size_multiple": 32, "steps": 40, "guidance": 4.0},
    "helios": {"fps": 24, "size": (640, 384), "size_multiple": 16, "steps": 50, "guidance": 5.0},
    "anyflow": {"fps": 16, "size": (832, 480), "frames": "4k+1", "steps": 4, "guidance": 1.0},
    "kandinsky5": {"fps": 24, "size": (768, 512), "frames": "4k+1", "steps": 50, "guidance": 5.0},
    "custom": {},
}
_FAMILY_PREFIXES = (
    ("SkyReelsV2", "skyreels"),
    ("HunyuanVideo15", "hunyuan15"),
    ("LTX2", "ltx2"),
    ("Helios", "helios"),
    ("AnyFlow", "anyflow"),
    ("Kandinsky5", "kandinsky5"),
    ("Wan", "wan"),
    ("LTX", "ltx"),
    ("CogVideoX", "cogvideox"),
    ("SanaVideo", "sana"),
    ("StableVideoDiffusion", "svd"),
    ("AnimateDiff", "animatediff"),
)


def family_of(pipeline_class: str) -> str:
    """The family of a diffusers pipeline class name (``custom`` when none matches)."""
    for prefix, family in _FAMILY_PREFIXES:
        if pipeline_class.startswith(prefix):
            return family
    return "custom"


def task_of(pipeline_class: str) -> str:
    """The task a diffusers video pipeline class serves, from its name."""
    if "LongMultiPrompt" in pipeline_class:
        return "long"
    if "VACE" in pipeline_class:
        return "vace"
    if "VideoToVideo" in pipeline_class:
        return "v2v"
    if pipeline_class.startswith("AnyFlowFAR"):
        return "continue"
    if "Condition" in pipeline_class:
        return "condition"
    if "ImageToVideo" in pipeline_class or pipeline_class == "StableVideoDiffusionPipeline":
        return "i2v"
    return "t2v"


class PipelineEngine:
    """One loaded model: a pipeline per task, sharing components. Not thread-safe (a lock says so loudly)."""

    def __init__(self, entry: ModelEntry, pipes: dict[str, Any], *, revision: str | None = None) -> None:
        self.entry = entry
        self.pipes = pipes
        self.name = entry.name
        self.native_fps = entry.fps
        self.native_size = (int(entry.size[0]), int(entry.size[1]))
        self.family = family_for(entry.family)
        self.capabilities: Capabilities = entry.derived_capabilities()
        self.revision = revision or entry.fingerprint()
        self.options: RenderOptions = entry.options.render_part()
        """Per-request speed options (caches, VAE tiling, attention backend); change them between renders."""
        first = next(iter(pipes.values()))
        if any(self.family.needs_last_image(pipe) for task, pipe in pipes.items() if task == "i2v"):
            self.capabilities = self.capabilities.model_copy(update={"needs_last_image": True})
        self.device = apply_load_options(first, entry.options, compute_dtype=_compute_dtype(first))
        self._busy = threading.Lock()

    @classmethod
    def load(cls, entry: ModelEntry) -> PipelineEngine:
        from botkit.engine.loading import load_pipelines

        return cls(entry, load_pipelines(entry))

    @classmethod
    def from_pipe(
        cls, pipe: Any, *, name: str | None = None, revision: str | None = None, **rules: Any
    ) -> PipelineEngine:
        """Wrap a diffusers pipeline you already have (like diffusers' own ``from_pipe``).

        Family and task come from the pipeline's class; frame and size rules from the family's
        defaults; any ``ModelEntry`` field (``fps``, ``size``, ``frames``, ``max_frames``, ``steps``,
        ``guidance``, ``call``, ``options`` ...) can be given. ``revision`` names the weights for
        render keys; by default the components' configs and the folder they came from."""
        class_name = type(pipe).__name__
        family = rules.pop("family", None) or family_of(class_name)
        fields = FAMILY_DEFAULTS.get(family, {}) | rules
        entry = ModelEntry.model_validate(
            {
                "name": name or getattr(pipe.config, "_name_or_path", None) or class_name,
                "family": family,
                "pipelines": {task_of(class_name): class_name},
                "builder": "<from_pipe>",  # no registry source: the pipeline was handed in
                "dtype": _dtype_name(pipe),
                **fields,
            }
        )
        return cls(entry, {task_of(class_name): pipe}, revision=revision or _pipe_revision(entry.name, pipe))

    @classmethod
    def from_pretrained(
        cls, path: str | Path, *, name: str | None = None, pipeline_class: str | None = None, **rules: Any
    ) -> PipelineEngine:
        """Load a local diffusers folder (``model_index.json``) offline, like ``DiffusionPipeline.from_pretrained``.

        The pipeline class is the folder's own (``_class_name``) unless ``pipeline_class`` names
        another; the rest as in ``from_pipe``."""
        folder = Path(path).expanduser().resolve()
        if pipeline_class is None:
            index = folder / "model_index.json"
            try:
                pipeline_class = str(json.loads(index.read_text(encoding="utf-8"))["_class_name"])
            except (OSError, ValueError, KeyError) as exc:
                raise EngineError(
                    f"{folder} is not a diffusers folder (expected {index} with _class_name): {exc}"
                ) from exc
        family = rules.pop("family", None) or family_of(pipeline_class)
        fields = FAMILY_DEFAULTS.get(family, {}) | rules
        entry = ModelEntry.model_validate(
            {
                "name": name or folder.name,
                "family": family,
                "pipelines": {task_of(pipeline_class): pipeline_class},
                "path": str(folder),
                **fields,
            }
        )
        return cls.load(entry)

    @contextlib.contextmanager
    def using(self, options: RenderOptions) -> Iterator[PipelineEngine]:
        """Render with other speed options for a while (``with engine.using(RenderOptions(cache=...)):``)."""
        previous, self.options = self.options, options
        try:
            yield self
        finally:
            self.options = previous

    @property
    def pipe(self) -> Any:
        """The first pipeline (text-to-video where there is one)."""
        return next(iter(self.pipes.values()))

    @property
    def tasks(self) -> list[str]:
        """The pipelines' tasks (``t2v``, ``i2v``, ``condition``, ``long``)."""
        return list(self.pipes)

    @property
    def max_frames(self) -> int | None:
        return self.entry.max_frames

    @property
    def frame_rule(self) -> FrameRule:
        return self.entry.frame_rule

    @property
    def default_steps(self) -> int:
        return self.entry.steps

    @property
    def continues_from(self) -> Literal["frames", "image"] | None:
        if "condition" in self.pipes or "continue" in self.pipes:
            return "frames"
        return "image" if "i2v" in self.pipes else None

    def shape(self, num_frames: int, width: int, height: int, *, limited: bool = True) -> Shape:
        return snap_shape(
            num_frames,
            width,
            height,
            rule=self.entry.frame_rule,
            multiple=self.entry.size_multiple,
            max_frames=self.entry.max_frames if limited else None,
            max_side=self.entry.max_side,
            fixed_size=self.native_size if self.entry.fixed_size else None,
            min_frames=self.entry.min_frames,
        )

    def generate(self, request: ShotRequest, on_progress: ProgressFn | None = None) -> Clip:
        """Render one shot in one call; longer than ``max_frames`` only with the family's native long pipeline."""
        if self.max_frames is not None and request.num_frames > self.max_frames:
            if "long" in self.pipes:  # the family's own long-video pipeline (LTX: temporal tiles)
                conditioning = self.first_conditioning(request)
                return self.render(request, conditioning, on_progress=on_progress, task="long")
            raise InputError(
                f"model {self.name!r} renders at most {self.max_frames} frames in one call, asked for "
                f"{request.num_frames}: load it with load_engine (or wrap it in LongVideoEngine) to chain calls"
            )
        return self.render(request, self.first_conditioning(request), on_progress=on_progress)

    def first_conditioning(self, request: ShotRequest) -> Conditioning:
        """The request's images, loaded and checked (a missing or unreadable file is an ``InputError``)."""
        pipes = set(self.pipes)
        if request.task == "i2v" and not {"i2v", "condition", "vace", "continue"} & pipes:
            raise InputError(f"model {self.name!r} does text-to-video only; got task {request.task!r}")
        if request.task == "i2v" and request.image is None:
            raise InputError("an image-to-video shot needs an image")
        if request.task != "i2v" and request.image is not None:
            raise InputError(f"task {request.task!r} takes no image; use task 'i2v'")
        if request.task == "v2v" and not {"v2v", "vace"} & pipes:
            raise InputError(
                f"model {self.name!r} does {self.capabilities.describe()} only; got a video-to-video request"
            )
        if request.task == "v2v" and request.video is None:
            raise InputError("a video-to-video request needs a video (request.video)")
        if request.task != "v2v" and request.video is not None:
            raise InputError(f"task {request.task!r} takes no video; use task 'v2v'")
        if request.reference_images and "vace" not in pipes:
            raise InputError(f"model {self.name!r} takes no reference images (Wan VACE does)")
        return Conditioning(
            image=None if request.image is None else load_image(request.image),
            last_image=None if request.last_image is None else load_image(request.last_image),
            video=[] if request.video is None else load_video(request.video, max_frames=request.num_frames),
            references=[load_image(path) for path in request.reference_images],
        )

    def render(
        self,
        request: ShotRequest,
        conditioning: Conditioning,
        *,
        on_progress: ProgressFn | None = None,
        progress_offset: int = 0,
        progress_total: int | None = None,
        task: str | None = None,
    ) -> Clip:
        """One pipeline call. ``conditioning`` holds images already loaded (or frames of a previous chunk)."""
        task = task or self._task_for(request, conditioning)
        if task in ("v2v", "vace") and conditioning.video:  # restyling: the input video's length
            request = request.model_copy(update={"num_frames": min(request.num_frames, len(conditioning.video))})
        pipe = self.pipes[task]
        shape = self.shape(request.num_frames, request.width, request.height, limited=task != "long")
        steps = request.steps or self.entry.steps
        guidance = self.entry.guidance if request.guidance is None else request.guidance
        fitted = _fit_note(conditioning, shape.width, shape.height)
        conditioning = conditioning.fitted(shape.width, shape.height)
        kwargs = self.family.arguments(pipe, task, request, shape, conditioning, entry=self.entry, guidance=guidance)
        kwargs.update(num_inference_steps=steps, generator=torch.Generator("cpu").manual_seed(request.seed))
        kwargs.setdefault("output_type", "np")
        own = self.family.progress_steps(pipe, task, kwargs, steps)
        total = progress_total or own
        # A chained call owns ``steps`` units of the chain's total, however many callbacks it makes.
        scale = steps / own if progress_total and own != steps else 1.0
        report = _progress(on_progress, offset=progress_offset, total=total, scale=scale)
        started = time.perf_counter()
        if not self._busy.acquire(blocking=False):
            raise EngineError(
                f"model {self.name!r} is already rendering: pipelines are not thread-safe, use one per worker"
            )
        try:
            with render_options(pipe, self.options, steps=steps), _progress_hook(pipe, kwargs, report):
                out = pipe(**kwargs)
        except BotkitError:
            raise
        except Exception as exc:  # translate library errors at the boundary
            raise EngineError(f"model {self.name!r} failed to render ({type(exc).__name__}): {exc}") from exc
        finally:
            self._busy.release()
        frames = frames_to_uint8(out.frames[0])
        frames = self.family.postprocess(frames, shape)
        audio, audio_rate = self.family.audio(pipe, out, self.entry, frames=len(frames), fps=request.fps)
        meta = {
            "model": self.name,
            "family": self.entry.family,
            "pipeline": type(pipe).__name__,
            "task": task,
            "seed": request.seed,
            "steps": steps,
            "guidance": guidance,
            **shape.meta(),
            "seconds": round(time.perf_counter() - started, 3),
        }
        if fitted:
            meta["image_fitted"] = fitted
        if shape.snapped:
            logger.info("snapped request to the model's rules", extra={"model": self.name, **shape.meta()})
        if self.entry.loras:
            meta["loras"] = [f"{lora.name or Path(lora.path).stem}:{lora.weight:g}" for lora in self.entry.loras]
        if audio is not None:
            meta["audio"] = f"{audio.shape[0] / (audio_rate or 1):.2f} s at {audio_rate} Hz, {audio.shape[1]} channels"
        return Clip(frames=frames, fps=float(request.fps), meta=meta, audio=audio, audio_rate=audio_rate)

    def _task_for(self, request: ShotRequest, conditioning: Conditioning) -> str:
        if conditioning.video or request.task == "v2v":
            for task in ("v2v", "vace"):
                if task in self.pipes:
                    return task
            raise InputError(f"model {self.name!r} does {self.capabilities.describe()} only; got task 'v2v'")
        if conditioning.references and "vace" in self.pipes:
            return "vace"
        if conditioning.frames:
            for task in ("condition", "continue"):
                if task in self.pipes:
                    return task
        if conditioning.image is not None or request.task == "i2v":
            for task in ("i2v", "condition", "vace", "continue"):
                if task in self.pipes:
                    return task
            raise InputError(f"model {self.name!r} does text-to-video only; got task {request.task!r}")
        for task in ("t2v", "condition", "vace", "continue"):
            if task in self.pipes:
                return task
        raise InputError(f"model {self.name!r} does image-to-video only ({', '.join(self.pipes)}): give it an image")


def _fit_note(conditioning: Conditioning, width: int, height: int) -> str | None:
    """Say so when an input image is not the render size (it is scaled to cover and centre-cropped)."""
    image = conditioning.image
    if image is None or image.size == (width, height):
        return None
    return f"{image.width}x{image.height} -> {width}x{height} (scaled to cover, centre-cropped)"


def _dtype_name(pipe: Any) -> str:
    dtype = str(_compute_dtype(pipe)).removeprefix("torch.")
    return dtype if dtype in ("float32", "bfloat16", "float16") else "float32"


def _pipe_revision(name: str, pipe: Any) -> str:
    """A pipeline handed in has no registry revision: its components' configs and where they were
    loaded from stand in (pass ``revision=`` when weights change under the same folder)."""
    import hashlib

    parts: dict[str, Any] = {"class": type(pipe).__name__, "from": getattr(pipe.config, "_name_or_path", None)}
    for key, component in pipe.components.items():
        config = getattr(component, "config", None)
        parts[key] = dict(config) if isinstance(config, dict) else type(component).__name__
    digest = hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:16]
    return f"{name}@{digest}"


def _compute_dtype(pipe: Any) -> torch.dtype:
    for name in ("transformer", "unet"):
        module = getattr(pipe, name, None)
        if isinstance(module, torch.nn.Module):
            return next(module.parameters()).dtype
    return torch.float32


def _progress(on_progress: ProgressFn | None, *, offset: int, total: int, scale: float = 1.0) -> ProgressFn:
    def report(step: int, _steps: int) -> None:
        if on_progress is not None:
            on_progress(offset + (step if scale == 1.0 else max(1, round(step * scale))), total)

    return report


@contextlib.contextmanager
def _progress_hook(pipe: Any, kwargs: dict[str, Any], report: ProgressFn) -> Iterator[None]:
    """Progress through ``callback_on_step_end`` or, where a pipeline has none, its progress bar.

    Either way a ``Cancelled`` raised by ``report`` propagates out of the denoising loop before the
    VAE decodes anything (``pipe._interrupt`` would still decode).
    """
    steps = kwargs["num_inference_steps"]
    if "callback_on_step_end" in inspect.signature(pipe.__call__).parameters:
        done = [0]

        def step_end(_pipe: Any, _step: int, _timestep: Any, _tensors: dict) -> dict:
            # Counted, not taken from the step index: windowed pipelines restart it per window.
            # Nothing is returned to change: LTX long's loop mistakes returned latents for packed ones.
            done[0] += 1
            report(done[0], steps)
            return {}

        kwargs["callback_on_step_end"] = step_end
        yield
        return
    original = pipe.progress_bar

    def progress_bar(iterable: Any = None, total: int | None = None) -> Any:
        return _StepCounter(original(iterable=iterable, total=total), report, total or steps)

    pipe.progress_bar = progress_bar
    try:
        yield
    finally:
        del pipe.progress_bar  # the instance attribute; the class method shows through again


class _StepCounter:
    """Wraps a tqdm bar: every ``update()`` is one finished step."""

    def __init__(self, bar: Any, report: ProgressFn, total: int) -> None:
        self.bar, self.report, self.total, self.done = bar, report, total, 0

    def __enter__(self) -> _StepCounter:
        self.bar.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.bar.__exit__(*exc)

    def update(self, n: int = 1) -> None:
        self.bar.update(n)
        self.done += n
        self.report(self.done, self.total)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.bar, name)
