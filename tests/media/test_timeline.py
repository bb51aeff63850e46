"""Editor hand-off: the OTIO file round-trips with the right durations, clip order, captions, tracks."""

from __future__ import annotations

from pathlib import Path

import opentimelineio as otio
import pytest
from pydantic import ValidationError

from botkit.domain import Shot, ShotPlan
from botkit.errors import InputError
from botkit.media.timeline import AudioItem, Caption, EditTimeline, TimelineClip, export_timeline, timeline_from_plan
from botkit.media.transitions import Transition


def edit(tmp_path: Path) -> EditTimeline:
    return EditTimeline(
        name="lumo promo", fps=24, width=1080, height=1920,
        clips=[
            TimelineClip(name="opening clip", path=tmp_path / "phone.mp4", kind="footage", duration_s=2,
                         source_in_s=1.5, media_duration_s=12),
            TimelineClip(name="bottle photo", path=tmp_path / "still.mp4", kind="still", duration_s=3),
            TimelineClip(name="generated", path=tmp_path / "gen.mp4", duration_s=2),
        ],
        transitions=[Transition(kind="crossfade", duration_s=0.5), Transition(kind="wipe-left", duration_s=0.25)],
        captions=[Caption(start_s=0, end_s=1.5, text="Meet Lumo"), Caption(start_s=2.0, end_s=4.0, text="Cold 24 h")],
        narration=[AudioItem(name="voice", path=tmp_path / "vo.wav", start_s=0.5, duration_s=3)],
        music=AudioItem(name="music", path=tmp_path / "music.wav", duration_s=6.25),
    )  # fmt: skip


def video_track(timeline: otio.schema.Timeline) -> otio.schema.Track:
    return next(track for track in timeline.tracks if track.kind == otio.schema.TrackKind.Video)


def test_otio_round_trip_keeps_durations_order_and_captions(tmp_path: Path) -> None:
    timeline = edit(tmp_path)
    path = export_timeline(timeline, tmp_path / "edit.otio")
    back = otio.adapters.read_from_file(str(path))
    assert back.name == "lumo promo"
    assert back.duration().to_frames() == timeline.total_frames == 48 + 72 + 48 - 12 - 6
    track = video_track(back)
    clips = list(track.find_clips())
    assert [clip.name for clip in clips] == ["opening clip", "bottle photo", "generated"]
    # each shot's in point and on-track length: half of each transition is taken from either side
    assert [(c.source_range.start_time.to_frames(), c.source_range.duration.to_frames()) for c in clips] == [
        (36, 42), (6, 63), (3, 45),
    ]  # fmt: skip
    assert clips[0].media_reference.target_url == (tmp_path / "phone.mp4").resolve().as_uri()
    assert clips[0].media_reference.available_range.duration.to_frames() == 288
    assert [clip.metadata["botkit"]["kind"] for clip in clips] == ["footage", "still", "generated"]
    transitions = [item for item in track if isinstance(item, otio.schema.Transition)]
    assert [(t.name, t.in_offset.to_frames() + t.out_offset.to_frames()) for t in transitions] == [
        ("crossfade", 12), ("wipe-left", 6),
    ]  # fmt: skip
    markers = [(m.name, m.marked_range.start_time.to_frames(), m.marked_range.duration.to_frames())
               for clip in clips for m in clip.markers]  # fmt: skip
    assert markers == [("Meet Lumo", 36, 36), ("Cold 24 h", 12, 48)]
    audio = {track.name: track for track in back.tracks if track.kind == otio.schema.TrackKind.Audio}
    assert audio["Narration"].duration().to_frames() == 12 + 72  # a gap, then the voice
    assert audio["Music"].duration().to_frames() == 150


@pytest.mark.parametrize(("fmt", "suffix"), [("fcpxml", ".fcpxml"), ("fcp7", ".xml")])
def test_editor_xml_through_otio_adapters(tmp_path: Path, fmt: str, suffix: str) -> None:
    path = export_timeline(edit(tmp_path), tmp_path / f"edit{suffix}", fmt)  # type: ignore[arg-type]
    back = otio.adapters.read_from_file(str(path))
    clips = list(video_track(back).find_clips())
    assert [clip.source_range.duration.to_frames() for clip in clips] == [42, 63, 45]
    assert [m.name for clip in clips for m in clip.markers] == ["Meet Lumo", "Cold 24 h"]
    assert back.duration().to_frames() == 150


def test_timeline_from_a_plan(tmp_path: Path) -> None:
    plan = ShotPlan(
        request="a promo", title="Lumo", skill="marketing", platforms=["tiktok"], total_duration_s=5, captions=True,
        shots=[Shot(index=0, prompt="a bottle", duration_s=2, seed=1, caption="Meet Lumo"),
               Shot(index=1, prompt="a trail", duration_s=3, seed=2)],
    )  # fmt: skip
    timeline = timeline_from_plan(plan, [tmp_path / "0.mp4", tmp_path / "1.mp4"], fps=30, width=1080, height=1920,
                                  transitions=[Transition(kind="dip-black", duration_s=0.2)], kinds=["still", "footage"])  # fmt: skip
    assert timeline.total_frames == 60 + 90 - 6
    assert timeline.captions == [Caption(start_s=0, end_s=2, text="Meet Lumo")]
    assert [clip.kind for clip in timeline.clips] == ["still", "footage"]
    with pytest.raises(InputError, match="2 shots but 1 shot files"):
        timeline_from_plan(plan, [tmp_path / "0.mp4"], fps=30, width=64, height=64)


def test_bad_timelines_are_refused_and_leave_no_file(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="2 clips need 1 transitions"):
        EditTimeline(fps=24, width=64, height=64, clips=edit(tmp_path).clips[:2], transitions=[Transition()] * 2)
    with pytest.raises(InputError, match="unknown editor format"):
        export_timeline(edit(tmp_path), tmp_path / "x.edl", "edl")  # type: ignore[arg-type]
    crowded = edit(tmp_path).model_copy(update={"narration": [
        AudioItem(name="a", path=tmp_path / "a.wav", duration_s=2), AudioItem(name="b", path=tmp_path / "b.wav", start_s=1, duration_s=1)]})  # fmt: skip
    with pytest.raises(InputError, match="starts before the one before it ends"):
        export_timeline(crowded, tmp_path / "edit.otio")
    assert list(tmp_path.iterdir()) == []
