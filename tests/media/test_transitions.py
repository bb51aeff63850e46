"""Transitions by ffmpeg xfade: exact lengths (overlaps counted), and what a mid-transition frame shows."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import pytest

from botkit.domain import Clip
from botkit.errors import InputError
from botkit.media.decode import FrameSize, read_frames
from botkit.media.probe import check_video
from botkit.media.transitions import TRANSITION_KINDS, Transition, join_clips, join_files, plan_timeline, xfade_graph
from botkit.post.ffmpeg import ffmpeg_output

from .conftest import Footage, ffmpeg

RED, GREEN, BLUE = (230, 20, 20), (20, 230, 20), (20, 20, 230)


def solid(colour: tuple[int, int, int], frames: int, fps: float = 24.0) -> Clip:
    return Clip(frames=np.full((frames, 64, 96, 3), colour, np.uint8), fps=fps)


def test_total_length_accounts_for_overlaps() -> None:
    plan = plan_timeline([48, 24, 36], [Transition(kind="crossfade", duration_s=0.5), Transition(kind="cut")], 24)
    assert plan.transition_frames == [12, 0] and plan.starts == [0, 36, 60]
    assert plan.total_frames == 48 + 24 + 36 - 12 and plan.duration_s == pytest.approx(4.0)


@pytest.mark.parametrize("kind", [k for k in TRANSITION_KINDS if k != "cut"])
def test_every_kind_renders_at_the_exact_length(kind: str) -> None:
    joined = join_clips([solid(RED, 24), solid(GREEN, 24)], [Transition(kind=kind, duration_s=0.25)])
    assert joined.num_frames == 48 - 6
    assert np.abs(joined.frames[0].astype(int) - RED).max() < 3
    assert np.abs(joined.frames[-1].astype(int) - GREEN).max() < 3
    middle = joined.frames[18 + 3].astype(int)
    assert np.abs(middle - RED).max() > 30 and np.abs(middle - GREEN).max() > 30  # neither shot alone


def test_mid_transition_frames_show_the_transition() -> None:
    clips = [solid(RED, 24), solid(GREEN, 24)]
    mid = 12 + 6  # offset 12 frames, 12 frames long

    def frame(kind: str) -> np.ndarray:
        return join_clips(clips, [Transition(kind=kind, duration_s=0.5)]).frames[mid].astype(int)

    fade = frame("crossfade")
    assert np.abs(fade - (np.array(RED) + GREEN) / 2).max() <= 3  # half of each
    assert frame("dip-black").mean() < 0.5 * fade.mean()  # darker than either shot
    assert frame("dip-white").min() > 100  # towards white
    wipe = frame("wipe-left")
    assert np.abs(wipe[32, 5] - RED).max() < 3 and np.abs(wipe[32, 90] - GREEN).max() < 3
    slide = frame("slide-up")
    assert np.abs(slide[5, 48] - RED).max() < 3 and np.abs(slide[60, 48] - GREEN).max() < 3


def test_cuts_concatenate_exactly() -> None:
    joined = join_clips([solid(RED, 10), solid(GREEN, 7), solid(BLUE, 5)], [Transition(), Transition()])
    assert joined.num_frames == 22
    assert np.abs(joined.frames[9].astype(int) - RED).max() < 3
    assert np.abs(joined.frames[10].astype(int) - GREEN).max() < 3
    assert np.abs(joined.frames[17].astype(int) - BLUE).max() < 3


def test_transitions_that_do_not_fit_are_refused() -> None:
    with pytest.raises(InputError, match=r"shot 1 lasts 0.50 s but its transitions take 1.00 s"):
        plan_timeline([24, 12, 24], [Transition(kind="crossfade"), Transition(kind="wipe-left")], 24)
    with pytest.raises(InputError, match="3 shots need 2 transitions, got 1"):
        plan_timeline([24, 24, 24], [Transition()], 24)
    with pytest.raises(InputError, match="every clip must be 96x64"):
        join_clips([solid(RED, 4), Clip(frames=np.zeros((4, 32, 32, 3), np.uint8), fps=24)], [Transition()])


def test_graph_builder_for_an_assembler() -> None:
    plan = plan_timeline([24, 24, 24], [Transition(kind="dip-white", duration_s=0.5), Transition()], 24)
    graph = xfade_graph(["a", "b", "c"], [Transition(kind="dip-white", duration_s=0.5), Transition()], plan, out="v")
    assert graph == (
        "[a][b]xfade=transition=fadewhite:duration=0.500000:offset=0.500000[xf0];[xf0][c]concat=n=2:v=1:a=0[v]"
    )


def test_join_files_measures_right_and_keeps_sound(footage: Footage, tmp_path: Path) -> None:
    quiet = tmp_path / "quiet.mp4"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=s=640x360:r=25:d=1.5", "-c:v", "libx264", "-pix_fmt", "yuv420p", str(quiet))
    target = tmp_path / "joined.mp4"
    plan = join_files(
        [footage.mp4, quiet, footage.webm], [Transition(kind="slide-left", duration_s=0.4), Transition(kind="dip-black")],
        target, width=320, height=180, fps=24, audio=True,
    )  # fmt: skip
    info = check_video(target)
    assert info.frames == plan.total_frames == 48 + 36 + 24 - 10 - 12
    assert info.duration_s == pytest.approx(plan.duration_s, abs=1e-3) and (info.width, info.height) == (320, 180)
    assert info.has_audio
    wav = tmp_path / "sound.wav"
    ffmpeg("-i", str(target), "-map", "0:a", "-c:a", "pcm_s16le", str(wav))
    with wave.open(str(wav)) as handle:
        assert handle.getnframes() / handle.getframerate() == pytest.approx(plan.duration_s, abs=0.05)
    # the dip to black between shots 2 and 3 is at its darkest in the middle of its 12 frames
    frames = read_frames(info, "setsar=1", FrameSize(320, 180))
    middle = plan.starts[2] + 6
    assert frames[middle].mean() < 0.5 * frames[middle - 12].mean()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["joined.mp4", "quiet.mp4", "sound.wav"]


def test_join_files_failure_leaves_no_file(footage: Footage, tmp_path: Path) -> None:
    target = tmp_path / "joined.mp4"
    with pytest.raises(InputError):
        join_files([footage.mp4, footage.mov], [Transition(kind="crossfade", duration_s=3)], target,
                   width=64, height=64, fps=24)  # fmt: skip
    assert not any(tmp_path.iterdir())


def test_windowed_join_equals_one_xfade_run_over_everything() -> None:
    # join_clips sends only the transition frames through ffmpeg: it must match xfade over the whole video
    rng = np.random.default_rng(5)
    clips = [Clip(rng.integers(0, 255, (n, 32, 48, 3), dtype=np.uint8), 24.0) for n in (20, 15, 18)]
    transitions = [Transition(kind="wipe-up", duration_s=0.25), Transition(kind="dip-white", duration_s=0.2)]
    joined = join_clips(clips, transitions)
    plan = plan_timeline([20, 15, 18], transitions, 24)
    graph = ["[0:v]split=3[a][b][c]"]
    for label, (start, count) in zip("abc", ((0, 20), (20, 15), (35, 18)), strict=True):
        graph.append(f"[{label}]trim=start_frame={start}:end_frame={start + count},setpts=PTS-STARTPTS[{label}2]")
    graph.append(xfade_graph(["a2", "b2", "c2"], transitions, plan))
    data = ffmpeg_output(
        ["-f", "rawvideo", "-pix_fmt", "rgb24", "-s", "48x32", "-r", "24", "-i", "pipe:0", "-filter_complex",
         ";".join(graph), "-map", "[joined]", "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"],
        stdin=np.concatenate([c.frames for c in clips]).tobytes(),
    )  # fmt: skip
    reference = np.frombuffer(data, np.uint8).reshape(-1, 32, 48, 3)
    assert reference.shape == joined.frames.shape == (plan.total_frames, 32, 48, 3)
    assert np.array_equal(reference, joined.frames)
