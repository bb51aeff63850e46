"""The engine interface: one method, like httpx's transport.

A backend turns a ``ShotRequest`` into a ``Clip``. It snaps frames and size to its model's rules and
records what it used in ``clip.meta`` (``num_frames``, ``width``, ``height``, ``steps``, ``seed``,
``model``). Progress goes to ``on_progress(step, total)``; a callback that raises ``Cancelled``
stops the render at once. One engine instance per worker: pipelines are not thread-safe.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from botkit.domain import Clip, ProgressFn, ShotRequest


@runtime_checkable
class Engine(Protocol):
    name: str
    """Registry name of the model, stored with every clip and in render keys."""

    native_fps: int
    """Frame rate the model was trained for; planners ask for ``duration * native_fps`` frames."""

    native_size: tuple[int, int]
    """(width, height) the model renders best at."""

    def generate(self, request: ShotRequest, on_progress: ProgressFn | None = None) -> Clip: ...
