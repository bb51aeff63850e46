"""Domain models: pydantic types that cross every boundary. No I/O here."""

from botkit.domain.events import Progress, ProgressListener, Stage
from botkit.domain.media import Clip, Output, ProgressFn, ShotRequest, Task
from botkit.domain.plan import (
    DEFAULT_NEGATIVE_PROMPT,
    PLATFORM_IDS,
    EndCard,
    Limits,
    Narration,
    PlatformId,
    Shot,
    ShotKind,
    ShotMode,
    ShotPlan,
    TransitionKind,
)

__all__ = [
    "DEFAULT_NEGATIVE_PROMPT",
    "PLATFORM_IDS",
    "Clip",
    "EndCard",
    "Limits",
    "Narration",
    "Output",
    "PlatformId",
    "Progress",
    "ProgressFn",
    "ProgressListener",
    "Shot",
    "ShotKind",
    "ShotMode",
    "ShotPlan",
    "ShotRequest",
    "Stage",
    "Task",
    "TransitionKind",
]
