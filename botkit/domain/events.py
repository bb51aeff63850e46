"""Progress of one turn, as every channel shows it (CLI bar, widget stream, Slack message)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from pydantic import BaseModel

Stage = Literal["planned", "rendering", "post", "done", "failed"]


class Progress(BaseModel):
    stage: Stage
    shot: int | None = None  # 0-based shot index while rendering
    shots: int = 0
    step: int = 0
    steps: int = 0
    detail: str = ""


ProgressListener = Callable[[Progress], None]
