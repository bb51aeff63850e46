"""Benchmark: a mixed job through botkit's media modules against one hand-written ffmpeg command.

The job: 2 footage shots (a 1280x720 pan over the demo photo with a ball crossing it; a 1920x1080
phone clip with rotation metadata, played at 1.5x), 2 stills (the demo photo pushed in, a wide
crop panned), 1 generated shot (the embedded model), 2 s each, joined by a cross-fade, a dip to
black, a wipe and a slide (0.4 s each), for TikTok (9:16), YouTube (16:9) and Instagram feed (1:1),
H.264 veryfast crf 20. botkit: probe, footage with subject following, stills, xfade join, encode
(``botkit.post.encode.encode_platforms``), per platform at a working size of 720 px on the short
side, upscaled by the encoder. Hand-written: one ffmpeg command with the same cuts, speeds,
zoompan/crop camera moves, centre crops, xfade chain and three encodes. The generated shot is
rendered once, before either is timed (both use it). Runs alternate; medians; one table.

    .venv/bin/python bench/media.py [--repeats 1] [--out /tmp/botkit-bench-media]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import cv2
import numpy as np

from botkit.domain import Clip, ShotRequest
from botkit.engine import load_engine
from botkit.media.demo import demo_photo, demo_photo_array
from botkit.media.footage import FootageShot, render_footage
from botkit.media.probe import check_video
from botkit.media.stills import fit_picture, render_still
from botkit.media.transitions import Transition, join_clips, plan_timeline
from botkit.post.assemble import retime
from botkit.post.decode import read_frames
from botkit.post.encode import encode_platforms
from botkit.post.ffmpeg import run_ffmpeg
from botkit.post.presets import PRESETS
from botkit.post.preview import contact_sheet

FPS = 24
SHOT_S = 2.0
PLATFORMS = ["tiktok", "youtube", "instagram-feed"]
WORK = {"tiktok": (720, 1280), "youtube": (1280, 720), "instagram-feed": (720, 720)}
TRANSITIONS = [Transition(kind=k, duration_s=0.4) for k in ("crossfade", "dip-black", "wipe-left", "slide-up")]
X264 = ["-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-pix_fmt", "yuv420p", "-movflags", "+faststart"]


def make_inputs(root: Path) -> dict[str, Path]:
    photo = demo_photo(root)
    wide = root / "wide.png"
    cv2.imwrite(str(wide), cv2.cvtColor(demo_photo_array()[262:762], cv2.COLOR_RGB2BGR))
    pan = root / "pan.mp4"
    if not pan.exists():  # a camera panning across the product while a ball rolls past
        run_ffmpeg([
            "-loop", "1", "-framerate", "30", "-t", "4", "-i", str(photo),
            "-f", "lavfi", "-i", "color=c=red:s=80x80:r=30:d=4",
            "-filter_complex",
            "[0:v]scale=1600:1600,crop=1280:720:x='t*60':y=420[bg];"
            "[1:v]format=rgba,geq=r='230':g='40':b='30':a='if(lt(hypot(X-40,Y-40),38),255,0)'[ball];"
            "[bg][ball]overlay=x='100+t*250':y=560,format=yuv420p",
            *X264, str(pan),
        ])  # fmt: skip
    phone = root / "phone.mp4"
    if not phone.exists():  # a phone held upright: coded landscape, displayed portrait
        landscape = root / "landscape.mp4"
        run_ffmpeg(["-f", "lavfi", "-i", "testsrc2=s=1920x1080:r=30:d=4", *X264, str(landscape)])
        run_ffmpeg(["-display_rotation", "-90", "-i", str(landscape), "-c", "copy", str(phone)])
    return {"photo": photo, "wide": wide, "pan": pan, "phone": phone}


def generated_shot(root: Path) -> tuple[Clip, Path, float]:
    started = time.perf_counter()
    engine = load_engine("embedded")
    request = ShotRequest(task="t2v", prompt="a red circle moving left on a blue background", num_frames=16,
                          width=256, height=256, fps=8, seed=3)  # fmt: skip
    clip = engine.generate(request)
    seconds = time.perf_counter() - started
    path = root / "generated.mp4"
    height, width = clip.frames.shape[1:3]
    run_ffmpeg(["-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{width}x{height}", "-r", "8", "-i", "pipe:0",
                *X264, str(path)], stdin=clip.frames.tobytes())  # fmt: skip
    return clip, path, seconds


STAGES: dict[str, float] = {}


class stage:  # a lower-case name: it reads as a label in the job below
    def __init__(self, name: str) -> None:
        self.name = name

    def __enter__(self) -> None:
        self.started = time.perf_counter()

    def __exit__(self, *_: object) -> None:
        STAGES[self.name] = STAGES.get(self.name, 0.0) + time.perf_counter() - self.started


def botkit_job(inputs: dict[str, Path], generated: Clip, out: Path) -> dict[str, Clip]:
    with stage("probe"):
        pan, phone = check_video(inputs["pan"]), check_video(inputs["phone"])
    photo = cv2.cvtColor(cv2.imread(str(inputs["photo"])), cv2.COLOR_BGR2RGB)
    wide = cv2.cvtColor(cv2.imread(str(inputs["wide"])), cv2.COLOR_BGR2RGB)
    frames = round(SHOT_S * FPS)
    generated_frames = retime(generated, SHOT_S, FPS)
    timelines = {}
    for platform in PLATFORMS:
        width, height = WORK[platform]
        with stage("footage (subject following)"):
            opening = render_footage(FootageShot(source=pan.path, in_s=0.5), pan, width=width, height=height,
                                     fps=FPS, duration_s=SHOT_S)  # fmt: skip
            closing = render_footage(FootageShot(source=phone.path, speed=1.5), phone, width=width, height=height,
                                     fps=FPS, duration_s=SHOT_S)  # fmt: skip
        with stage("stills"):
            push = render_still(photo, camera="slow push in", num_frames=frames, width=width, height=height, fps=FPS)
            pan_left = render_still(wide, camera="pan left", num_frames=frames, width=width, height=height, fps=FPS)
        with stage("generated shot fitted (blur-pad)"):
            fitted = Clip(np.stack([fit_picture(f, width, height, "pad") for f in generated_frames]), float(FPS))
        with stage("join (xfade)"):
            timeline = join_clips([opening, push, fitted, pan_left, closing], TRANSITIONS)
        with stage("encode (encode_platforms)"):
            encode_platforms(timeline, [PRESETS[platform]], out, mode="crop", stem="botkit", crf=20)
        timelines[platform] = timeline
    return timelines


def handwritten_job(inputs: dict[str, Path], generated: Path, out: Path) -> None:
    """What a user who knows ffmpeg writes: one command, centre crops, zoompan, an xfade chain."""
    args = [
        "-ss", "0.5", "-t", "2.05", "-i", str(inputs["pan"]),
        "-loop", "1", "-framerate", str(FPS), "-t", "2", "-i", str(inputs["photo"]),
        "-i", str(generated),
        "-loop", "1", "-framerate", str(FPS), "-t", "2", "-i", str(inputs["wide"]),
        "-t", "3.05", "-i", str(inputs["phone"]),
    ]  # fmt: skip
    frames = round(SHOT_S * FPS)
    graph = [f"[{i}:v]split=3" + "".join(f"[i{i}p{p}]" for p in range(3)) for i in range(5)]
    outputs = []
    layout = plan_timeline([frames] * 5, TRANSITIONS, FPS)
    for p, platform in enumerate(PLATFORMS):
        width, height = WORK[platform]
        cover = f"scale={width}:{height}:force_original_aspect_ratio=increase,crop={width}:{height},setsar=1"
        chains = [
            f"[i0p{p}]fps={FPS},{cover}",
            f"[i1p{p}]{cover},zoompan=z='1+0.15*on/{frames}':x='iw/2-iw/zoom/2':y='ih/2-ih/zoom/2':d=1:s={width}x{height}:fps={FPS}",
            f"[i2p{p}]fps={FPS},scale={width}:{height}:force_original_aspect_ratio=decrease,pad={width}:{height}:(ow-iw)/2:(oh-ih)/2,setsar=1",
            f"[i3p{p}]scale={round(width * 1.1) // 2 * 2}:{round(height * 1.1) // 2 * 2}:force_original_aspect_ratio=increase,"
            f"crop={width}:{height}:x='(iw-ow)*(1-t/2)':y=(ih-oh)/2,setsar=1",
            f"[i4p{p}]setpts=PTS/1.5,fps={FPS},{cover}",
        ]  # fmt: skip
        for i, chain in enumerate(chains):
            graph.append(f"{chain},format=yuv420p,trim=end_frame={frames},setpts=PTS-STARTPTS[s{i}p{p}]")
        current = f"s0p{p}"
        for k, transition in enumerate(TRANSITIONS):
            name = {"crossfade": "fade", "dip-black": "fadeblack", "wipe-left": "wipeleft", "slide-up": "slideup"}[
                transition.kind
            ]
            label = f"x{k}p{p}"
            graph.append(
                f"[{current}][s{k + 1}p{p}]xfade=transition={name}:duration=0.4:offset={layout.offsets_s()[k]:.4f}[{label}]"
            )
            current = label
        preset = PRESETS[platform]
        graph.append(f"[{current}]fps={preset.fps},scale={preset.width}:{preset.height}:flags=lanczos,setsar=1[out{p}]")
        outputs += ["-map", f"[out{p}]", "-frames:v", str(round(layout.duration_s * preset.fps)), *X264, "-an",
                    str(out / f"hand-{platform}.mp4")]  # fmt: skip
    run_ffmpeg([*args, "-filter_complex", ";".join(graph), *outputs])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--out", type=Path, default=Path("/tmp/botkit-bench-media"))
    args = parser.parse_args()
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    inputs = make_inputs(out)
    generated, generated_path, generation_s = generated_shot(out)
    times: dict[str, list[float]] = {"botkit": [], "hand": []}
    timelines: dict[str, Clip] = {}
    for _ in range(args.repeats):
        started = time.perf_counter()
        timelines = botkit_job(inputs, generated, out)
        times["botkit"].append(time.perf_counter() - started)
        started = time.perf_counter()
        handwritten_job(inputs, generated_path, out)
        times["hand"].append(time.perf_counter() - started)
    botkit_s, hand_s = statistics.median(times["botkit"]), statistics.median(times["hand"])
    sheets = []
    for platform in PLATFORMS:
        mine = check_video(out / f"botkit-{platform}.mp4")
        theirs = check_video(out / f"hand-{platform}.mp4")
        assert mine.frames == theirs.frames, (mine.frames, theirs.frames)
        sheets.append(contact_sheet(timelines[platform], out / f"botkit-{platform}-contact.png", count=10, columns=5,
                                    thumb_width=160))  # fmt: skip
        hand = read_frames(out / f"hand-{platform}.mp4", width=360)
        sheets.append(contact_sheet(hand, out / f"hand-{platform}-contact.png", count=10, columns=5, thumb_width=160))
    duration = plan_timeline([round(SHOT_S * FPS)] * 5, TRANSITIONS, FPS).duration_s
    print(
        f"mixed job: 5 shots x {SHOT_S:g} s, 4 transitions x 0.4 s -> {duration:.2f} s, 3 platforms, "
        f"{args.repeats} run(s), medians\n"
    )
    print("| pipeline | wall s | ratio |")
    print("|---|---|---|")
    print(f"| botkit media modules + encode_platforms | {botkit_s:.1f} | {botkit_s / hand_s:.2f}x |")
    print(f"| one hand-written ffmpeg command | {hand_s:.1f} | 1.00x |")
    print(f"| (generated shot, embedded model, before both) | {generation_s:.1f} | - |")
    print("\n| botkit stage (3 platforms, all runs) | s |\n|---|---|")
    for name, seconds in STAGES.items():
        print(f"| {name} | {seconds:.1f} |")
    print("\ncontact sheets:\n" + "\n".join(str(sheet) for sheet in sheets))


if __name__ == "__main__":
    main()
