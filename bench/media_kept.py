"""Calibration of the *input kept* signal: real cases that must pass against real cases that must fail.

Must pass: stills made from photos (every camera move, crop and pad, three sizes, plus the same
after an H.264 round trip). Must fail: the embedded toy model's image-to-video of the same photos
(several seeds and prompts), the shape the issue reported: the photo for a frame, then stripes.
Prints each case's score and the margin around ``botkit.media.kept.THRESHOLD``.

    .venv/bin/python bench/media_kept.py [--seeds 3]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import cv2
import numpy as np

from botkit.domain import Clip, ShotRequest
from botkit.engine import load_engine
from botkit.media.demo import demo_photo, demo_photo_array
from botkit.media.kept import THRESHOLD, input_kept
from botkit.media.stills import render_still
from botkit.post.ffmpeg import ffmpeg_output

CAMERAS = ["static", "slow push in", "fast push in", "pull out", "pan left", "fast pan right", "tilt up",
           "fast tilt down", "orbit"]  # fmt: skip
SIZES = [(720, 1280, "crop", 3.0), (1280, 720, "pad", 2.0), (256, 256, "crop", 1.5)]


def photos(directory: Path) -> dict[str, tuple[Path, np.ndarray]]:
    """The demo photo, a wide crop of it, and a busy street-like scene drawn from shapes."""
    bottle = demo_photo(directory)
    wide = directory / "wide.png"
    cv2.imwrite(str(wide), cv2.cvtColor(demo_photo_array()[262:762], cv2.COLOR_RGB2BGR))
    rng = np.random.default_rng(11)
    scene = np.full((600, 900, 3), (120, 160, 200), np.uint8)
    scene[380:] = (90, 90, 80)
    for _ in range(40):  # buildings, windows, cars
        x, y, w, h = (
            int(rng.integers(0, 860)),
            int(rng.integers(80, 380)),
            int(rng.integers(30, 140)),
            int(rng.integers(40, 300)),
        )
        colour = tuple(int(c) for c in rng.integers(40, 230, 3))
        cv2.rectangle(scene, (x, y), (x + w, min(599, y + h)), colour, -1)
    scene = cv2.GaussianBlur(scene, (0, 0), 1.2)
    street = directory / "street.png"
    cv2.imwrite(str(street), cv2.cvtColor(scene, cv2.COLOR_RGB2BGR))
    return {name: (path, cv2.cvtColor(cv2.imread(str(path)), cv2.COLOR_BGR2RGB)) for name, path in
            (("bottle", bottle), ("wide bottle", wide), ("street", street))}  # fmt: skip


def h264_round_trip(clip: Clip) -> Clip:
    width, height = clip.size
    data = ffmpeg_output([
        "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{width}x{height}", "-r", f"{clip.fps:g}", "-i", "pipe:0",
        "-c:v", "libx264", "-crf", "28", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-f", "matroska", "pipe:1",
    ], stdin=clip.frames.tobytes())  # fmt: skip
    raw = ffmpeg_output(["-i", "pipe:0", "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"], stdin=data)
    return Clip(np.frombuffer(raw, np.uint8).reshape(-1, height, width, 3).copy(), clip.fps)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args()
    rows: list[tuple[str, str, float, bool]] = []
    with tempfile.TemporaryDirectory() as scratch:
        images = photos(Path(scratch))
        for name, (_path, picture) in images.items():
            for camera in CAMERAS:
                for width, height, fit, seconds in SIZES:
                    clip = render_still(picture, camera=camera, num_frames=round(24 * seconds), width=width,
                                        height=height, fps=24, fit=fit)  # fmt: skip
                    if camera in ("fast push in", "pan left") and width == 256:
                        clip = h264_round_trip(clip)
                        fit_label = f"{fit}, H.264 crf 28"
                    else:
                        fit_label = fit
                    score = input_kept(clip, picture, fit=fit).score
                    rows.append(
                        ("pass", f"still {name}: {camera}, {width}x{height} {fit_label}", score, score >= THRESHOLD)
                    )
        engine = load_engine("embedded")
        prompts = ["our water bottle, slow push in", "the product on a table", "a red circle moving left"]
        for name, (path, picture) in images.items():
            for seed in range(args.seeds):
                prompt = prompts[seed % len(prompts)]
                request = ShotRequest(task="i2v", prompt=prompt, image=path, num_frames=17, width=256, height=256,
                                      fps=8, seed=seed)  # fmt: skip
                clip = engine.generate(request)
                score = input_kept(clip, picture, fit="stretch").score  # the embedded model squashes to 32x32
                rows.append(("fail", f"embedded i2v {name}: {prompt!r} seed {seed}", score, score < THRESHOLD))
    print(f"| must | case | score | right at threshold {THRESHOLD} |")
    print("|---|---|---|---|")
    for must, case, score, right in rows:
        print(f"| {must} | {case} | {score:.3f} | {'yes' if right else 'NO'} |")
    passing = [score for must, _, score, _ in rows if must == "pass"]
    failing = [score for must, _, score, _ in rows if must == "fail"]
    print(f"\nstills: {len(passing)} cases, lowest {min(passing):.3f}; embedded drift: {len(failing)} cases, "
          f"highest {max(failing):.3f}; threshold {THRESHOLD}; all right: {all(r for *_, r in rows)}")  # fmt: skip


if __name__ == "__main__":
    main()
