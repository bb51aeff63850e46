"""Benchmark: ``botkit chat`` for the demo request, end to end, against what it cannot avoid.

The baseline is what a person would do by hand for the same video: sample the same shots with
the same model in a warm process (model load not counted) and run one hand-written ffmpeg
command that turns those frames into the same 1080x1920 MP4 and poster (blur-pad, 30 fps, x264
veryfast crf 20, yuv420p, +faststart; no captions, preview, contact sheet or database, so the
baseline is the faster of the two by construction). ``botkit chat`` runs as a user runs it: a new
process, on a data dir as the second and every later run finds it (database migrated, the Piper
voice patched for word timing once and cached: a ``--dry-run`` made both).
Runs alternate so drift in machine load hits both alike; medians are printed with the ratio.

Extra rows: the first run on a fresh data dir (migrations applied), the start-up of a dry run
(imports, database check, planning), and interpreter teardown (process exit minus its last output).
``--compare DIR`` also runs ``botkit chat`` from another checkout (e.g. the commit before a change),
alternated with the others, so before and after are measured under the same load.

    .venv/bin/python bench/cli.py [--repeats 3] [--request "..."] [--compare /path/to/checkout]
"""

from __future__ import annotations

import argparse
import functools
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

DEMO = "Make a 10 second TikTok teaser for our new trail running shoes"
BOTKIT = [sys.executable, "-m", "botkit"]


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_cli(
    args: list[str], env: dict[str, str], cpu: list[float] | None = None, cwd: Path | None = None
) -> tuple[float, float]:
    """Wall seconds of one CLI process, and seconds from its last output line to its exit; its CPU
    seconds (with its ffmpeg) are appended to ``cpu``. ``cwd``: where ``-m botkit`` finds its package."""
    cpu_before = children_cpu()
    started = time.perf_counter()
    process = subprocess.Popen(
        [*BOTKIT, *args], env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    last = [started]

    def drain(stream) -> None:  # type: ignore[no-untyped-def]
        for _ in stream:
            last[0] = time.perf_counter()

    readers = [threading.Thread(target=drain, args=(s,)) for s in (process.stdout, process.stderr)]
    for reader in readers:
        reader.start()
    code = process.wait()
    ended = time.perf_counter()
    for reader in readers:
        reader.join()
    if code != 0:
        raise SystemExit(f"botkit {' '.join(args)} failed with exit {code}")
    if cpu is not None:
        cpu.append(children_cpu() - cpu_before)
    return ended - started, ended - last[0]


def baseline(request: str, scratch: Path, cpu: list[float], sound: bool = False) -> tuple[float, float]:
    """Seconds of sampling the plan's shots (warm model) and of one hand-written ffmpeg command;
    their CPU seconds together are appended to ``cpu``. ``sound``: the same output botkit makes has
    the plan's narration and music, so the hand-written job also speaks the lines (a warm Piper
    voice, counted in the first figure) and its one ffmpeg command mixes them with the music file,
    ducked under the voice, loudness-normalised (one loudnorm pass)."""
    import numpy as np
    import torch

    from botkit.agent import PlanRequest
    from botkit.agent.offline import OfflinePlanner
    from botkit.engine import load_engine
    from botkit.post.assemble import retime
    from botkit.post.ffmpeg import run_ffmpeg
    from botkit.post.presets import preset_for
    from botkit.post.reframe import reframe_filter
    from botkit.render.pipeline import shot_request
    from botkit.render.sources import EngineSource

    torch.set_num_threads(1)  # botkit's default for the embedded model (BOTKIT_TORCH_THREADS)
    engine = load_engine("embedded")
    plan = OfflinePlanner().plan(PlanRequest(text=request))
    context = _ContextStub(scratch)
    requests = [shot_request(plan, shot.index, EngineSource(engine), context) for shot in plan.shots]  # type: ignore[arg-type]
    started, cpu_started = time.perf_counter(), time.process_time()
    clips = [engine.generate(r) for r in requests]
    sampling = time.perf_counter() - started
    sampling_cpu = time.process_time() - cpu_started
    scratch.mkdir(parents=True, exist_ok=True)
    audio_inputs: list[str] = []
    audio_graph = ""
    if sound:
        audio_inputs, audio_graph, spoken, spoken_cpu = _hand_sound(plan, scratch)
        sampling += spoken
        sampling_cpu += spoken_cpu

    preset = preset_for(plan.platforms[0])
    fps = max(clip.fps for clip in clips)
    frames = np.concatenate([retime(clip, shot.duration_s, fps) for clip, shot in zip(clips, plan.shots, strict=True)])
    height, width = frames.shape[1:3]
    count = round(len(frames) / fps * preset.fps)
    graph = reframe_filter("blur-pad", preset.width, preset.height)
    out = scratch / "hand.mp4"
    started, ffmpeg_cpu = time.perf_counter(), children_cpu()
    audio_maps = ["-map", "[a]", "-c:a", "aac", "-b:a", "192k", "-t", f"{count / preset.fps:.3f}"] if sound else ["-an"]
    run_ffmpeg(
        ["-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{width}x{height}", "-r", f"{fps:g}", "-i", "pipe:0",
         *audio_inputs,
         "-filter_complex", f"[0:v]{graph},fps={preset.fps},format=yuv420p,split[v][p];[p]select='eq(n\\,{count // 2})'[poster]"
         + audio_graph,
         "-map", "[v]", "-frames:v", str(count), "-c:v", "libx264", "-preset", "veryfast", "-crf", "20",
         "-pix_fmt", "yuv420p", *audio_maps, "-movflags", "+faststart", str(out),
         "-map", "[poster]", "-frames:v", "1", "-update", "1", str(out.with_suffix(".png"))],
        stdin=frames.tobytes(),
    )  # fmt: skip
    cpu.append(sampling_cpu + children_cpu() - ffmpeg_cpu)
    return sampling, time.perf_counter() - started


@functools.lru_cache(maxsize=1)
def _warm_voice():  # type: ignore[no-untyped-def]
    """A Piper synthesiser with the English voice loaded (a user's script loads it once too)."""
    from botkit.audio.tts import Synthesizer
    from botkit.audio.voices import VoiceTable

    synthesizer, voice = Synthesizer(threads=1), VoiceTable.load().for_language("en")
    synthesizer.synthesize("Warm up.", voice)
    return synthesizer, voice


def _hand_sound(plan, scratch: Path) -> tuple[list[str], str, float, float]:  # type: ignore[no-untyped-def]
    """The plan's lines spoken (warm voice: loaded once, not counted) at their shots' starts into
    one WAV, and the music as a WAV file a user would have: the ffmpeg inputs, the audio part of
    the filter graph (voice ducking the music, loudnorm to -14 LUFS), seconds and CPU seconds."""
    import numpy as np

    from botkit.audio.music import BEDS, music_bed
    from botkit.audio.wav import write_wav

    synthesizer, voice = _warm_voice()
    total = sum(shot.duration_s for shot in plan.shots)
    music = scratch / "music.wav"
    bed = plan.music if plan.music in BEDS else "calm"  # a built-in bed name (a user's file: the same cost)
    write_wav(music, music_bed(bed, total), 48_000)
    started, cpu_started = time.perf_counter(), time.process_time()
    rate = 22_050
    track = np.zeros(round(total * rate) + rate, np.float32)
    start = 0.0
    for shot in plan.shots:
        if shot.narration is not None:
            speech = synthesizer.synthesize(shot.narration.text, voice)
            at = round((start + 0.2) * rate)
            samples = speech.samples[: len(track) - at]
            track[at : at + len(samples)] += samples
        start += shot.duration_s
    voice_wav = write_wav(scratch / "voice.wav", track, rate)
    spoken, spoken_cpu = time.perf_counter() - started, time.process_time() - cpu_started
    graph = (
        ";[1:a]aresample=48000,pan=stereo|c0=c0|c1=c0,asplit[voice][key]"
        ";[2:a]volume=-12dB[bed];[bed][key]sidechaincompress=threshold=0.02:ratio=8[ducked]"
        ";[voice][ducked]amix=inputs=2:duration=first:normalize=0,loudnorm=I=-14:TP=-1:LRA=11,aresample=48000[a]"
    )
    return ["-i", str(voice_wav), "-i", str(music)], graph, spoken, spoken_cpu


def job_timings(data: Path) -> dict[str, float]:
    import json
    import sqlite3

    with sqlite3.connect(data / "botkit.db") as connection:
        (row,) = connection.execute("SELECT timings FROM render_jobs").fetchall()
    timings: dict[str, float] = json.loads(row[0])
    return timings


class _ContextStub:
    """What ``shot_request`` reads from a render context: the asset store and the steps override."""

    def __init__(self, scratch: Path) -> None:
        from botkit.store.assets import AssetStore

        self.assets = AssetStore(scratch / "assets")
        self.denoise_steps = None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--request", default=DEMO)
    parser.add_argument("--compare", type=Path, default=None, help="another checkout to run botkit chat from")
    args = parser.parse_args()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    # `python -m botkit` imports the package from its working directory (sys.path[0]) before PYTHONPATH
    other_env = {**env, "PYTHONPATH": str(args.compare.resolve())} if args.compare else None
    other: list[float] = []
    ours, hand_sampling, hand_ffmpeg, teardown, dry, first = [], [], [], [], [], []
    silent_sampling: list[float] = []
    silent_ffmpeg: list[float] = []
    silent_cpu: list[float] = []
    timings: list[dict[str, float]] = []
    ours_cpu: list[float] = []
    hand_cpu: list[float] = []
    other_cpu: list[float] = []
    with tempfile.TemporaryDirectory(prefix="botkit-bench-cli-") as scratch_dir:
        scratch = Path(scratch_dir)
        template = scratch / "template"
        run_cli(["db", "upgrade", "--data-dir", str(template)], env)
        run_cli(["chat", args.request, "--dry-run", "--data-dir", str(template)], env)  # the voice cache
        seconds, _ = run_cli(["chat", args.request, "--data-dir", str(scratch / "first")], env)
        first.append(seconds)
        for repeat in range(args.repeats):
            data = scratch / f"run-{repeat}"
            shutil.copytree(template, data)

            def botkit_run(data: Path = data) -> None:
                seconds, tail = run_cli(["chat", args.request, "--data-dir", str(data)], env, ours_cpu)
                ours.append(seconds)
                teardown.append(tail)
                timings.append(job_timings(data))

            def hand_run(repeat: int = repeat) -> None:
                sampling, ffmpeg = baseline(args.request, scratch / f"hand-{repeat}", hand_cpu, sound=True)
                hand_sampling.append(sampling)
                hand_ffmpeg.append(ffmpeg)
                sampling, ffmpeg = baseline(args.request, scratch / f"silent-{repeat}", silent_cpu)
                silent_sampling.append(sampling)
                silent_ffmpeg.append(ffmpeg)

            actions: list[Callable[[], None]] = [botkit_run, hand_run]
            if other_env is not None:
                other_data = scratch / f"other-{repeat}"
                shutil.copytree(template, other_data)

                def other_run(data: Path = other_data) -> None:
                    assert other_env is not None
                    other.append(
                        run_cli(["chat", args.request, "--data-dir", str(data)], other_env, other_cpu, args.compare)[0]
                    )

                actions.append(other_run)
            for action in actions if repeat % 2 == 0 else actions[::-1]:
                action()
            dry_data = scratch / f"dry-{repeat}"
            shutil.copytree(template, dry_data)
            dry.append(run_cli(["chat", args.request, "--dry-run", "--data-dir", str(dry_data)], env)[0])
    med = statistics.median

    def row(what: str, values: list[float]) -> str:
        return f"| {what} | {med(values):.2f} | {min(values):.2f} |"

    base, best_base = med(hand_sampling) + med(hand_ffmpeg), min(hand_sampling) + min(hand_ffmpeg)
    rest = [o - t["total_s"] for o, t in zip(ours, timings, strict=True)]
    lines = [
        f"`botkit chat {args.request!r}` (embedded model, TikTok 1080x1920); {args.repeats} alternated runs, "
        f"{os.cpu_count()} CPUs. Best = fastest run: the estimate for a machine nobody else is using.",
        "",
        "| what | median s | best s |",
        "|---|---|---|",
        row("botkit chat, new process, migrated data dir", ours),
        row("of which: shots rendered and checked (job)", [t["render_s"] for t in timings]),
        row("of which: produce: encode, captions, preview, contact sheet (job)", [t["produce_s"] for t in timings]),
        row("of which: the rest (start-up, plan, rows, files, exit)", rest),
        row("baseline: sampling the same shots (warm model) + speaking the lines (warm voice)", hand_sampling),
        row("baseline: one hand-written ffmpeg command (same MP4 + poster, voice and music mixed)", hand_ffmpeg),
        f"| baseline total | {base:.2f} | {best_base:.2f} |",
        f"| **ratio botkit / baseline** | **{med(ours) / base:.2f}x** | **{min(ours) / best_base:.2f}x** |",
        f"| ratio botkit / a silent baseline (sampling + ffmpeg without sound, as before) | "
        f"{med(ours) / (med(silent_sampling) + med(silent_ffmpeg)):.2f}x | "
        f"{min(ours) / (min(silent_sampling) + min(silent_ffmpeg)):.2f}x |",
        f"| CPU s: botkit chat (with its ffmpeg) / baseline | {med(ours_cpu) / med(hand_cpu):.2f}x "
        f"({med(ours_cpu):.1f} / {med(hand_cpu):.1f}) | {min(ours_cpu) / min(hand_cpu):.2f}x |",
        *(
            [
                row(f"botkit chat from {args.compare} (same runs, alternated)", other),
                f"| ratio of that checkout / baseline | {med(other) / base:.2f}x | {min(other) / best_base:.2f}x |",
                f"| CPU s of that checkout / baseline | {med(other_cpu) / med(hand_cpu):.2f}x | "
                f"{min(other_cpu) / min(hand_cpu):.2f}x |",
            ]
            if other
            else []
        ),
        f"| botkit chat on a fresh data dir (migrations run) | {first[0]:.2f} | |",
        row("botkit chat --dry-run (start-up, database check, plan)", dry),
        row("interpreter teardown (exit after the last line)", teardown),
    ]
    print("\n".join(lines))


if __name__ == "__main__":
    main()
