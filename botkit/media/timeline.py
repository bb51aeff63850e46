"""A job's edit as an editor sees it: shots on a video track with in/out points and transitions,
captions as markers, narration and music on their own tracks; exported as OpenTimelineIO
(``.otio``), FCPXML for Final Cut Pro (``.fcpxml``) or FCP 7 XML (``.xml``, which Premiere and
Resolve import) through OTIO's adapters.

Time is kept in whole frames. A transition of ``t`` frames overlaps two shots (as rendered by
``botkit.media.transitions``); in OTIO it sits centred on the cut, each shot giving half of it
from its handles, so the track is exactly as long as the rendered video.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from botkit.domain import ShotPlan
from botkit.errors import InputError
from botkit.media.transitions import Transition, plan_timeline

logger = logging.getLogger(__name__)

EditorFormat = Literal["otio", "fcpxml", "fcp7"]
_ADAPTERS = {"otio": "otio_json", "fcpxml": "fcpx_xml", "fcp7": "fcp_xml"}
_PACKAGES = {"fcpxml": "otio-fcpx-xml-adapter", "fcp7": "otio-fcp-adapter"}
_SUFFIXES = {"otio": ".otio", "fcpxml": ".fcpxml", "fcp7": ".xml"}


class TimelineClip(BaseModel):
    """One shot: ``duration_s`` of the file at ``path`` starting at ``source_in_s``."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    path: Path
    kind: Literal["generated", "footage", "still"] = "generated"
    duration_s: float = Field(gt=0)
    source_in_s: float = Field(default=0.0, ge=0)
    media_duration_s: float | None = Field(default=None, gt=0, description="length of the whole file")


class Caption(BaseModel):
    model_config = ConfigDict(extra="forbid")

    start_s: float = Field(ge=0)
    end_s: float = Field(gt=0)
    text: str = Field(min_length=1, max_length=500)


class AudioItem(BaseModel):
    """A sound file placed at ``start_s`` on the timeline."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    path: Path
    start_s: float = Field(default=0.0, ge=0)
    duration_s: float = Field(gt=0)
    source_in_s: float = Field(default=0.0, ge=0)


class EditTimeline(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(default="botkit", min_length=1, max_length=200)
    fps: float = Field(gt=0, le=120)
    width: int = Field(ge=2)
    height: int = Field(ge=2)
    clips: list[TimelineClip] = Field(min_length=1)
    transitions: list[Transition] = Field(default_factory=list, description="between clips; empty means cuts")
    captions: list[Caption] = Field(default_factory=list)
    narration: list[AudioItem] = Field(default_factory=list)
    music: AudioItem | None = None

    @model_validator(mode="after")
    def _transitions_fit(self) -> EditTimeline:
        if not self.transitions:
            self.transitions = [Transition() for _ in self.clips[1:]]
        if len(self.transitions) != len(self.clips) - 1:
            raise ValueError(
                f"{len(self.clips)} clips need {len(self.clips) - 1} transitions, got {len(self.transitions)}"
            )
        for caption in self.captions:
            if caption.end_s <= caption.start_s:
                raise ValueError(
                    f"caption {caption.text!r} ends ({caption.end_s}) before it starts ({caption.start_s})"
                )
        return self

    def frames(self, seconds: float) -> int:
        return round(seconds * self.fps)

    def shot_frames(self) -> list[int]:
        return [max(1, self.frames(clip.duration_s)) for clip in self.clips]

    @property
    def total_frames(self) -> int:
        return plan_timeline(self.shot_frames(), self.transitions, self.fps).total_frames


def timeline_from_plan(
    plan: ShotPlan, shot_files: Sequence[Path], *, fps: float, width: int, height: int,
    transitions: list[Transition] | None = None, kinds: Sequence[str] | None = None,
    narration: list[AudioItem] | None = None, music: AudioItem | None = None,
) -> EditTimeline:  # fmt: skip
    """The edit of a rendered plan: one clip per shot file, the shots' captions as markers."""
    if len(shot_files) != len(plan.shots):
        raise InputError(f"the plan has {len(plan.shots)} shots but {len(shot_files)} shot files were given")
    clips = [
        TimelineClip(
            name=f"shot {shot.index + 1}",
            path=Path(path),
            duration_s=shot.duration_s,
            kind=(kinds[i] if kinds else "generated"),
        )
        for i, (shot, path) in enumerate(zip(plan.shots, shot_files, strict=True))
    ]
    transitions = transitions or [Transition() for _ in clips[1:]]
    layout = plan_timeline([max(1, round(c.duration_s * fps)) for c in clips], transitions, fps)
    captions = []
    for shot, start, frames in zip(plan.shots, layout.starts, layout.shot_frames, strict=True):
        if shot.caption:
            captions.append(Caption(start_s=start / fps, end_s=(start + frames) / fps, text=shot.caption))
    return EditTimeline(name=f"botkit {plan.skill}", fps=fps,
                        width=width, height=height, clips=clips, transitions=transitions, captions=captions,
                        narration=narration or [], music=music)  # fmt: skip


def to_otio(timeline: EditTimeline):  # -> otio.schema.Timeline (the import stays in this module)
    """The timeline as an ``opentimelineio`` object."""
    import opentimelineio as otio

    fps = timeline.fps

    def time(frames: float) -> otio.opentime.RationalTime:
        return otio.opentime.RationalTime(frames, fps)

    def span(start: float, duration: float) -> otio.opentime.TimeRange:
        return otio.opentime.TimeRange(time(start), time(duration))

    shot_frames = timeline.shot_frames()
    overlaps = plan_timeline(shot_frames, timeline.transitions, fps).transition_frames
    result = otio.schema.Timeline(name=timeline.name, global_start_time=time(0))
    result.metadata["botkit"] = {"width": timeline.width, "height": timeline.height, "fps": fps}
    video = otio.schema.Track(name="Video", kind=otio.schema.TrackKind.Video)
    for index, (clip, frames) in enumerate(zip(timeline.clips, shot_frames, strict=True)):
        before = overlaps[index - 1] - overlaps[index - 1] // 2 if index > 0 else 0  # the incoming half
        after = overlaps[index] // 2 if index < len(overlaps) else 0  # the outgoing half
        source_in = timeline.frames(clip.source_in_s)
        available = timeline.frames(clip.media_duration_s) if clip.media_duration_s else source_in + frames
        reference = otio.schema.ExternalReference(target_url=clip.path.resolve().as_uri(),
                                                  available_range=span(0, available))  # fmt: skip
        item = otio.schema.Clip(name=clip.name, media_reference=reference,
                                source_range=span(source_in + before, frames - before - after))  # fmt: skip
        item.metadata["botkit"] = {"kind": clip.kind}
        if index > 0 and overlaps[index - 1]:
            kind = timeline.transitions[index - 1].kind
            video.append(
                otio.schema.Transition(
                    name=kind,
                    transition_type=otio.schema.TransitionTypes.SMPTE_Dissolve
                    if kind == "crossfade"
                    else otio.schema.TransitionTypes.Custom,
                    in_offset=time(overlaps[index - 1] // 2),
                    out_offset=time(overlaps[index - 1] - overlaps[index - 1] // 2),
                    metadata={"botkit": {"kind": kind, "frames": overlaps[index - 1]}},
                )
            )
        video.append(item)
    # captions are markers on the clip where they start (editors import clip markers from every
    # format; track markers do not survive FCPXML or FCP 7 XML), in that clip's source time
    clips = list(video.find_clips())
    starts = plan_timeline(shot_frames, timeline.transitions, fps).starts
    for caption in timeline.captions:
        start = timeline.frames(caption.start_s)
        index = max(i for i, first in enumerate(starts) if first <= start or i == 0)
        owner = clips[index]
        track_start = video.range_of_child_at_index(video.index(owner)).start_time.to_frames()
        local = owner.source_range.start_time.to_frames() + start - track_start
        owner.markers.append(
            otio.schema.Marker(
                name=caption.text,
                marked_range=span(local, timeline.frames(caption.end_s) - start),
                color=otio.schema.MarkerColor.YELLOW,
                metadata={"botkit": {"caption": True}},
            )
        )
    result.tracks.append(video)
    for track_name, items in (("Narration", timeline.narration), ("Music", [timeline.music] if timeline.music else [])):
        if not items:
            continue
        track = otio.schema.Track(name=track_name, kind=otio.schema.TrackKind.Audio)
        cursor = 0
        for item in sorted(items, key=lambda a: a.start_s):
            start, frames = timeline.frames(item.start_s), max(1, timeline.frames(item.duration_s))
            if start < cursor:
                raise InputError(f"{track_name.lower()} item {item.name!r} starts before the one before it ends")
            if start > cursor:
                track.append(otio.schema.Gap(source_range=span(0, start - cursor)))
            source_in = timeline.frames(item.source_in_s)
            reference = otio.schema.ExternalReference(target_url=item.path.resolve().as_uri(),
                                                      available_range=span(0, source_in + frames))  # fmt: skip
            track.append(
                otio.schema.Clip(name=item.name, media_reference=reference, source_range=span(source_in, frames))
            )
            cursor = start + frames
        result.tracks.append(track)
    return result


def export_timeline(timeline: EditTimeline, target: Path, fmt: EditorFormat = "otio") -> Path:
    """Write ``timeline`` as ``fmt`` to ``target`` (a temporary name renamed at the end)."""
    if fmt not in _ADAPTERS:
        raise InputError(f"unknown editor format {fmt!r}; choose from: {', '.join(_ADAPTERS)}")
    import opentimelineio as otio

    adapter = _ADAPTERS[fmt]
    if adapter not in {a.name for a in otio.plugins.ActiveManifest().adapters}:
        raise InputError(f"{fmt} export needs the {_PACKAGES[fmt]} package (pip install {_PACKAGES[fmt]})")
    target = Path(target)
    partial = target.with_name(f".{target.stem}.partial{_SUFFIXES[fmt]}")
    try:
        otio.adapters.write_to_file(to_otio(timeline), str(partial), adapter_name=adapter)
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    logger.info("timeline exported", extra={"format": fmt, "clips": len(timeline.clips)})
    return target
