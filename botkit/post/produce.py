"""The post-processing entry point: rendered shots + plan -> finished files for every platform
(captions, assembly, reframe, encode, poster, preview, contact sheet)."""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from botkit.domain import Clip, ShotPlan
from botkit.errors import InputError
from botkit.post.assemble import Transition, assemble, shot_starts
from botkit.post.captions import Brand, CaptionStyle, Overlay, end_card, step_captions
from botkit.post.encode import EncodedVideo, check_music, encode_platforms
from botkit.post.highlight import cue_overlays
from botkit.post.presets import PlatformPreset
from botkit.post.preview import PreviewFormat, contact_sheet, write_preview
from botkit.post.reframe import ReframeMode
from botkit.post.subtitles import Cue
from botkit.post.x264 import DEFAULT_X264_PRESET, X264Preset

logger = logging.getLogger(__name__)


class ProduceOptions(BaseModel):
    """Presentation choices for one video; the defaults follow the plan."""

    model_config = ConfigDict(extra="forbid")

    mode: ReframeMode = "auto"
    transition: Transition = "cut"
    crossfade_s: float = Field(default=0.25, ge=0, le=2)
    captions: bool | None = None  # None: the plan's ``captions``
    numbered: bool | None = None  # None: numbered when the plan's skill is "training"
    caption_style: CaptionStyle = CaptionStyle()
    brand: Brand | None = None  # an end card over the last ``end_card_s`` seconds
    end_card_s: float = Field(default=2.0, gt=0, le=10)
    music: Path | None = None  # trimmed to the video and faded; silent when None
    preview: PreviewFormat | None = "webp"
    contact_sheet: bool = True
    stem: str = Field(default="video", pattern=r"^[A-Za-z0-9_-]{1,40}$")
    crf: int = Field(default=20, ge=0, le=51)
    x264_preset: X264Preset = DEFAULT_X264_PRESET
    timed_captions: list[Cue] | None = None  # speech-timed cues drawn instead of the narrated shots' captions


@dataclass
class Production:
    videos: list[EncodedVideo]
    timeline: Clip
    preview: Path | None = None
    contact_sheet: Path | None = None
    overlays: dict[str, list[Overlay]] = field(default_factory=dict)  # geometry only: the PNGs were temporary
    warnings: list[str] = field(default_factory=list)


def _platform_warnings(duration: float, presets: list[PlatformPreset]) -> list[str]:
    notes = []
    for preset in presets:
        if duration < preset.min_duration_s:
            notes.append(f"{preset.name} wants at least {preset.min_duration_s:g} s; this video is {duration:.2f} s")
        if duration > preset.max_duration_s:
            notes.append(f"{preset.name} accepts at most {preset.max_duration_s:g} s; this video is {duration:.2f} s")
    return notes


def _looks(timeline: Clip, out_dir: Path, options: ProduceOptions) -> tuple[Path | None, Path | None]:
    """The preview and the contact sheet, as asked."""
    preview = (
        write_preview(timeline, out_dir / f"{options.stem}-preview.{options.preview}") if options.preview else None
    )
    sheet = contact_sheet(timeline, out_dir / f"{options.stem}-contact.png") if options.contact_sheet else None
    return preview, sheet


def timed_layers(plan: ShotPlan, preset: PlatformPreset, scratch: Path, options: ProduceOptions, *,
                 numbered: bool, captions: bool) -> list[Overlay]:  # fmt: skip
    """The speech-timed cues, plus the captions of shots that say nothing (a narrated shot's caption
    would repeat its line)."""
    cues = cue_overlays(options.timed_captions or [], preset, scratch, options.caption_style)
    if not captions:
        return cues
    silent = plan.model_copy(
        update={"shots": [s.model_copy(update={"caption": None}) if s.narration else s for s in plan.shots]}
    )
    return [*cues, *step_captions(silent, preset, scratch, options.caption_style, numbered=numbered)]


def produce(
    clips: list[Clip],
    plan: ShotPlan,
    presets: list[PlatformPreset],
    out_dir: Path,
    options: ProduceOptions | None = None,
    *,
    badge: Callable[[PlatformPreset, Path], Overlay] | None = None,
    timeline: Clip | None = None,
) -> Production:
    """Assemble ``clips`` (one per plan shot) and write, into ``out_dir``, one MP4 and one poster PNG
    per preset (``<stem>-<platform>.mp4/.png``), plus ``<stem>-preview.webp|gif`` and
    ``<stem>-contact.png`` when asked. ``badge(preset, png_path)`` draws a mark laid over everything
    else (the visible "AI" badge, ``botkit.provenance.label``). ``timeline``: the shots already
    joined, each at its planned duration (``botkit.render.media.join_shots``). Raises ``InputError``
    for bad input, ``PostError`` when ffmpeg fails."""
    options = options or ProduceOptions()
    if len(clips) != len(plan.shots):
        raise InputError(f"the plan has {len(plan.shots)} shots but {len(clips)} clips were rendered")
    if options.music is not None:
        check_music(options.music)  # before any work
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    durations = [shot.duration_s for shot in plan.shots]
    if timeline is None:  # else already joined by the caller (transitions between the user's media)
        timeline = assemble(clips, durations, transition=options.transition, crossfade_s=options.crossfade_s)
    duration = timeline.duration_s
    captions = plan.captions if options.captions is None else options.captions
    numbered = plan.skill == "training" if options.numbered is None else options.numbered
    warnings = _platform_warnings(duration, presets)
    for note in warnings:
        logger.warning(note)
    # The preview and the contact sheet are drawn (Pillow, which releases the GIL) while ffmpeg
    # encodes in its own process: on the demo that hid ~0.5 s of the produce stage.
    with tempfile.TemporaryDirectory(prefix="botkit-overlays-") as scratch, ThreadPoolExecutor(1) as side:
        looks = side.submit(_looks, timeline, out_dir, options)
        overlays: dict[str, list[Overlay]] = {}
        for preset in presets:
            layers = (
                step_captions(plan, preset, Path(scratch), options.caption_style, numbered=numbered) if captions else []
            )
            if options.timed_captions:
                layers = timed_layers(plan, preset, Path(scratch), options, numbered=numbered, captions=captions)
            if options.brand is not None:
                start = max(duration / 2, duration - options.end_card_s)
                card = end_card(options.brand, preset, start, duration + 1, Path(scratch) / f"card-{preset.id}.png",
                                options.caption_style)  # fmt: skip
                layers = [*(layer for layer in layers if layer.start_s < start), card]
            if badge is not None:
                layers = [*layers, badge(preset, Path(scratch) / f"badge-{preset.id}.png")]
            overlays[preset.id] = layers
        try:
            videos = encode_platforms(
                timeline,
                presets,
                out_dir,
                mode=options.mode,
                stem=options.stem,
                crf=options.crf,
                x264_preset=options.x264_preset,
                overlays=overlays,
                music=options.music,
                shot_starts_s=shot_starts(durations, timeline.fps),
            )
        except BaseException:
            wait([looks])  # no write may outlive the call; the encoder's error is the one to report
            raise
        preview, sheet = looks.result()
    production = Production(videos=videos, timeline=timeline, overlays=overlays, warnings=warnings)
    production.preview, production.contact_sheet = preview, sheet
    logger.info("produced", extra={"platforms": [v.platform for v in videos], "duration_s": duration})
    return production
