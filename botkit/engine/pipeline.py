"""``PipelineEngine``: any diffusers video pipeline from the registry behind the Engine interface.

The family backend (``botkit.engine.backends.<family>``) maps a request to the pipeline's argument
names; this class does what every family shares: snapping, seeds, progress, cancel, options,
turning the output into uint8 frames, and translating library errors at the boundary.
"""

from __future__ import annotations

import contextlib
import inspect
import logging
import threading
import time
from collections.abc import Iterator
from typing import Any

import torch

from botkit.domain import Clip, ProgressFn, ShotRequest
from botkit.engine.backends import Conditioning, backend_for
from botkit.engine.images import frames_to_uint8, load_image
from botkit.engine.options import RenderOptions, apply_load_options, render_options
from botkit.engine.registry import ModelEntry
from botkit.engine.snapping import FrameRule, Shape, snap_shape
from botkit.errors import BotkitError, EngineError, InputError

logger = logging.getLogger(__name__)


class PipelineEngine:
    """One loaded model: a pipeline per task, sharing components. Not thread-safe (a lock says so loudly)."""

    def __init__(self, entry: ModelEntry, pipes: dict[str, Any]) -> None:
        self.entry = entry
        self.pipes = pipes
        self.name = entry.name
        self.native_fps = entry.fps
        self.native_size = (int(entry.size[0]), int(entry.size[1]))
        self.backend = backend_for(entry.family)
        first = next(iter(pipes.values()))
        self.device = apply_load_options(first, entry.options, compute_dtype=_compute_dtype(first))
        self._busy = threading.Lock()

    @classmethod
    def load(cls, entry: ModelEntry) -> PipelineEngine:
        from botkit.engine.loading import load_pipelines

        return cls(entry, load_pipelines(entry))

    @property
    def pipe(self) -> Any:
        """The first pipeline (text-to-video where there is one)."""
        return next(iter(self.pipes.values()))

    @property
    def tasks(self) -> list[str]:
        return list(self.pipes)

    @property
    def max_frames(self) -> int | None:
        return self.entry.max_frames

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

    @property
    def frame_rule(self) -> FrameRule:
        return self.entry.frame_rule

    def generate(
        self, request: ShotRequest, on_progress: ProgressFn | None = None, options: RenderOptions | None = None
    ) -> Clip:
        """Render one shot; longer than the model's ``max_frames`` goes through temporal autoregression."""
        if self.max_frames is not None and request.num_frames > self.max_frames:
            if "long" in self.pipes:  # the family's own long-video pipeline (LTX: temporal tiles)
                conditioning = self.first_conditioning(request)
                return self.render(request, conditioning, on_progress=on_progress, options=options, task="long")
            from botkit.engine.longvideo import generate_long

            return generate_long(self, request, on_progress=on_progress, options=options)
        return self.render(request, self.first_conditioning(request), on_progress=on_progress, options=options)

    def first_conditioning(self, request: ShotRequest) -> Conditioning:
        """The request's images, loaded and checked (a missing or unreadable file is an ``InputError``)."""
        if request.task == "i2v" and not {"i2v", "condition"} & set(self.pipes):
            raise InputError(f"model {self.name!r} does text-to-video only; got task {request.task!r}")
        if request.task == "i2v" and request.image is None:
            raise InputError("an image-to-video shot needs an image")
        if request.task != "i2v" and request.image is not None:
            raise InputError(f"task {request.task!r} takes no image; use task 'i2v'")
        return Conditioning(
            image=None if request.image is None else load_image(request.image),
            last_image=None if request.last_image is None else load_image(request.last_image),
        )

    def render(
        self,
        request: ShotRequest,
        conditioning: Conditioning,
        *,
        on_progress: ProgressFn | None = None,
        options: RenderOptions | None = None,
        progress_offset: int = 0,
        progress_total: int | None = None,
        task: str | None = None,
    ) -> Clip:
        """One pipeline call. ``conditioning`` holds images already loaded (or frames of a previous chunk)."""
        task = task or self._task_for(request, conditioning)
        pipe = self.pipes[task]
        shape = self.shape(request.num_frames, request.width, request.height, limited=task != "long")
        steps = request.steps or self.entry.steps
        guidance = self.entry.guidance if request.guidance is None else request.guidance
        fitted = _fit_note(conditioning, shape.width, shape.height)
        conditioning = conditioning.fitted(shape.width, shape.height)
        kwargs = self.backend.arguments(pipe, task, request, shape, conditioning, entry=self.entry, guidance=guidance)
        kwargs.update(num_inference_steps=steps, generator=torch.Generator("cpu").manual_seed(request.seed))
        kwargs.setdefault("output_type", "np")
        total = progress_total or self.backend.progress_steps(pipe, task, kwargs, steps)
        report = _progress(on_progress, offset=progress_offset, total=total)
        render_opts = options or self.entry.options.render_part()
        started = time.perf_counter()
        if not self._busy.acquire(blocking=False):
            raise EngineError(
                f"model {self.name!r} is already rendering: pipelines are not thread-safe, use one per worker"
            )
        try:
            with render_options(pipe, render_opts, steps=steps), _progress_hook(pipe, kwargs, report):
                out = pipe(**kwargs)
        except BotkitError:
            raise
        except Exception as exc:  # translate library errors at the boundary
            raise EngineError(f"model {self.name!r} failed to render ({type(exc).__name__}): {exc}") from exc
        finally:
            self._busy.release()
        frames = frames_to_uint8(out.frames[0])
        frames = self.backend.postprocess(frames, shape)
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
        return Clip(frames=frames, fps=float(request.fps), meta=meta)

    def _task_for(self, request: ShotRequest, conditioning: Conditioning) -> str:
        if conditioning.frames and "condition" in self.pipes:
            return "condition"
        if conditioning.image is not None or request.task == "i2v":
            for task in ("i2v", "condition"):
                if task in self.pipes:
                    return task
            raise InputError(f"model {self.name!r} does text-to-video only; got task {request.task!r}")
        if "t2v" in self.pipes:
            return "t2v"
        if "condition" in self.pipes:
            return "condition"
        raise InputError(f"model {self.name!r} does image-to-video only ({', '.join(self.pipes)}): give it an image")


def _fit_note(conditioning: Conditioning, width: int, height: int) -> str | None:
    """Say so when an input image is not the render size (it is scaled to cover and centre-cropped)."""
    image = conditioning.image
    if image is None or image.size == (width, height):
        return None
    return f"{image.width}x{image.height} -> {width}x{height} (scaled to cover, centre-cropped)"


def _compute_dtype(pipe: Any) -> torch.dtype:
    for name in ("transformer", "unet"):
        module = getattr(pipe, name, None)
        if isinstance(module, torch.nn.Module):
            return next(module.parameters()).dtype
    return torch.float32


def _progress(on_progress: ProgressFn | None, *, offset: int, total: int) -> ProgressFn:
    def report(step: int, _steps: int) -> None:
        if on_progress is not None:
            on_progress(offset + step, total)

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
