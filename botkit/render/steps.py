"""Steps after ``produce``: an ordered list, each taking the staged outputs and returning them.

The built-in step runs the plan's skill's ``post_process`` hook. The next features slot in here,
in order, without touching the pipeline or the job layer: mixing narration and music into the
videos (``botkit.audio``), then signing every output with C2PA after its last write
(``botkit.provenance``), which is why signing must stay the last step. A step may replace a file
(write a new one into ``staged.staging`` and point the output at it) or add ``metrics`` for the
asset rows; every file must stay inside the staging folder, so a failed job leaves nothing behind.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from botkit.domain import Clip, Output, ShotPlan
from botkit.errors import BotkitError
from botkit.skills import SkillRegistry
from botkit.skills.errors import SkillHookError


@dataclass
class StagedFile:
    """A file made for the job besides the videos (a preview, a contact sheet)."""

    path: Path
    kind: str
    mime: str
    platform: str | None = None  # the video it belongs to (subtitle sidecars)
    metrics: dict[str, Any] | None = None  # recorded on its asset row (a subtitle file's language)


@dataclass
class Staged:
    """What ``produce`` made, in the staging folder, before anything is moved into place."""

    plan: ShotPlan
    staging: Path
    outputs: list[Output]  # one per platform: video and poster paths inside ``staging``
    timeline: Clip  # the assembled frames every output was encoded from
    extras: list[StagedFile] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    metrics: dict[str, Any] = field(default_factory=dict)  # merged into every video's asset metrics
    shots: list[dict[str, Any]] = field(default_factory=list)
    """Per shot: render key, model, weights revision, seed, ... (what a signing step puts in a manifest)."""
    sound: Any = None
    """The narration track, music and caption cues prepared before ``produce`` (``botkit.render.sound``)."""


class OutputStep(Protocol):
    """One step after ``produce`` (``name`` appears in errors and timings)."""

    @property
    def name(self) -> str: ...

    def __call__(self, staged: Staged) -> Staged: ...


class SkillPostProcess:
    """The plan's skill sees the staged outputs (``post_process`` hook); what it returns is kept."""

    name = "skill post_process"

    def __init__(self, skills: SkillRegistry) -> None:
        self.skills = skills

    def __call__(self, staged: Staged) -> Staged:
        staged.outputs = self.skills.post_process(staged.plan, staged.outputs)
        return staged


def check_staged(staged: Staged, step: OutputStep) -> None:
    """Every output a step returns is a file inside the staging folder."""
    root = staged.staging.resolve()
    for output in staged.outputs:
        for path in (output.path, output.poster):
            if Path(path).resolve().is_relative_to(root) and Path(path).is_file():
                continue
            if isinstance(step, SkillPostProcess):
                raise SkillHookError(
                    f"the {staged.plan.skill!r} skill returned an output outside its job's folder: {path}"
                )
            raise BotkitError(f"the {step.name!r} step returned an output outside its job's folder: {path}")


def run_steps(staged: Staged, steps: list[OutputStep]) -> Staged:
    """The steps in order; each one's outputs are checked before the next runs."""
    for step in steps:
        staged = step(staged)
        check_staged(staged, step)
    return staged
