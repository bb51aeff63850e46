"""The engine interface: one method, like httpx's transport; plus what an engine can do, as data.

``Engine.generate(request, on_progress) -> Clip`` renders one shot. It snaps frames and size to its
model's rules and records what it used in ``clip.meta`` (``num_frames``, ``width``, ``height``,
``steps``, ``seed``, ``model``). Progress goes to ``on_progress(step, total)``; a callback that
raises ``Cancelled`` stops the render at once. One engine instance per worker: pipelines are not
thread-safe.

``Capabilities`` say what an engine does (tasks, frames per call, chunking, whether clip quality
checks mean anything), so planners and workers never guess from an engine's name. ``revision``
identifies the weights: it is part of every render key, so new weights never reuse old clips.

``ChunkEngine`` is the second, separate protocol: an engine that renders one call from given
conditioning images, so temporal autoregression (``botkit.engine.longvideo``) and factorized
text-to-video can chain calls. ``botkit.testing.engines`` checks both contracts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict, Field

from botkit.domain import Clip, ProgressFn, ShotRequest

if TYPE_CHECKING:
    from botkit.engine.conditioning import Conditioning
    from botkit.engine.snapping import FrameRule

CapabilityTask = Literal["t2v", "i2v", "v2v"]
TASK_WORDS: dict[str, str] = {"t2v": "text-to-video", "i2v": "image-to-video", "v2v": "video-to-video"}


class Capabilities(BaseModel):
    """What an engine can do. Data on the engine (and in its registry entry), never guessed from a name."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    tasks: frozenset[CapabilityTask] = frozenset({"t2v"})
    """Shot tasks it renders: ``t2v`` (from text), ``i2v`` (from an image: a panel, a product photo), ``v2v``."""
    max_frames: int | None = Field(default=None, ge=1)
    """Frames one call renders at most; None: no limit."""
    chunking: bool = False
    """Longer shots than ``max_frames`` are rendered anyway (chained calls or a native long mode)."""
    quality_checks: bool = True
    """Clip quality checks mean something (False for random test weights: their pixels are noise)."""
    preview: bool = False
    """Not a diffusion render (the animatic): outputs are marked PREVIEW."""
    needs_last_image: bool = False
    """Image-to-video needs a last image as well as a first one (Wan FLF2V)."""
    real_images: bool = True
    """Image-to-video keeps a real photo (False for a model that knows only a toy world: the
    embedded one; its image shots are shown as stills instead)."""

    @property
    def takes_images(self) -> bool:
        return "i2v" in self.tasks

    def can(self, task: str) -> bool:
        return task in self.tasks

    def frames_fit(self, num_frames: int) -> bool:
        return self.max_frames is None or num_frames <= self.max_frames or self.chunking

    def describe(self) -> str:
        """``text-to-video and image-to-video`` ..."""
        words = [TASK_WORDS[task] for task in ("t2v", "i2v", "v2v") if task in self.tasks]
        return " and ".join(words) if len(words) < 3 else ", ".join(words[:-1]) + " and " + words[-1]


@runtime_checkable
class Engine(Protocol):
    @property
    def name(self) -> str:
        """Registry name of the model, stored with every clip."""

    @property
    def native_fps(self) -> int:
        """Frame rate the model was trained for; planners ask for ``duration * native_fps`` frames."""

    @property
    def native_size(self) -> tuple[int, int]:
        """(width, height) the model renders best at."""

    @property
    def capabilities(self) -> Capabilities:
        """What it can do (tasks, frames per call, chunking, whether quality checks make sense)."""

    @property
    def revision(self) -> str:
        """Identifies the weights (a content hash or a registry revision); part of every render key."""

    def generate(self, request: ShotRequest, on_progress: ProgressFn | None = None) -> Clip: ...


@runtime_checkable
class ChunkEngine(Engine, Protocol):
    """An engine whose single calls can be chained: it renders from given conditioning images."""

    @property
    def frame_rule(self) -> FrameRule:
        """Which frame counts one call may render (``4k+1``, ``fixed:49`` ...)."""

    @property
    def default_steps(self) -> int:
        """Denoising steps when a request does not say (progress totals over chunks use it)."""

    @property
    def continues_from(self) -> Literal["frames", "image"] | None:
        """How a next chunk picks up: from several frames (LTX Condition), from one image (i2v), or not at all."""

    def first_conditioning(self, request: ShotRequest) -> Conditioning:
        """The request's own images, loaded and checked (the first chunk's conditioning)."""

    def render(
        self,
        request: ShotRequest,
        conditioning: Conditioning,
        *,
        on_progress: ProgressFn | None = None,
        progress_offset: int = 0,
        progress_total: int | None = None,
    ) -> Clip:
        """One call of at most ``capabilities.max_frames`` frames, conditioned on ``conditioning``."""


ENGINE_MEMBERS = ("name", "native_fps", "native_size", "capabilities", "revision", "generate")


def check_engine_interface(engine: object) -> None:
    """Raise ``TypeError`` naming what an object handed in as an engine lacks (an engine written
    for an older interface gets a sentence, not an ``AttributeError`` deep inside a render)."""
    missing = [member for member in ENGINE_MEMBERS if not hasattr(engine, member)]
    if missing:
        raise TypeError(
            f"{type(engine).__name__} is not a botkit engine: it lacks {', '.join(missing)} "
            "(see botkit.engine.Engine; botkit.testing.engines checks the whole contract)"
        )
