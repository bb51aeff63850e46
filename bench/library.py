"""What the media library costs and saves, on this machine's CPU.

    PYTHONPATH=. .venv/bin/python bench/library.py [--rounds 5] [--items 200]

1. ``botkit library add`` of a 12 MP JPEG (sniff, image checks, decode and re-encode as PNG,
   sha256, store, row) against what a team does without it: copy the file to a shared folder.
2. A request that names library photos ("use our spring lookbook photos", 3 of ``--items``)
   against the same request with the 3 photos uploaded again (what every request costs without a
   library: each upload is checked and re-encoded again). Planning only (``dry_run``).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from PIL import Image, ImageDraw

from botkit.bot import Bot
from botkit.settings import Settings


def photo(path: Path, size: tuple[int, int], colour: tuple[int, int, int]) -> Path:
    image = Image.new("RGB", size, colour)
    draw = ImageDraw.Draw(image)
    for step in range(0, size[0], 40):  # some detail, so the encoders have work to do
        draw.line((step, 0, size[0] - step, size[1]), fill=(step % 255, 120, 200), width=3)
    image.save(path, quality=90)
    return path


def median(samples: list[float]) -> float:
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--items", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        bot = Bot.open(Settings(data_dir=root / "data", engine="animatic", narration=False))
        big = [photo(root / f"big-{i}.jpg", (4000, 3000), (30 * i % 255, 80, 160)) for i in range(args.rounds)]
        adds, copies = [], []
        for index, path in enumerate(big):
            started = time.perf_counter()
            bot.library.add("local", path)
            adds.append(time.perf_counter() - started)
            started = time.perf_counter()
            shutil.copyfile(path, root / f"shared-{index}.jpg")
            copies.append(time.perf_counter() - started)
        print(f"add a 12 MP JPEG: library {median(adds) * 1000:.0f} ms, plain copy {median(copies) * 1000:.1f} ms "
              f"(x{median(adds) / median(copies):.0f}; the library checks and re-encodes once, a copy checks nothing)")  # fmt: skip
        small = [photo(root / f"item-{i}.jpg", (1600, 1200), (i % 255, 100, 50)) for i in range(args.items)]
        for index, path in enumerate(small):
            bot.library.add("local", path, collection="spring lookbook" if index < 3 else f"other {index}")
        uploads = small[:3]
        text = "a 9 second promo for our bottle, use our spring lookbook photos"
        named, uploaded = [], []
        for _ in range(args.rounds):
            started = time.perf_counter()
            bot.chat(text, dry_run=True, channel="cli", tenant="local")
            named.append(time.perf_counter() - started)
            started = time.perf_counter()
            bot.chat("a 9 second promo for our bottle", dry_run=True, channel="cli", images=uploads)
            uploaded.append(time.perf_counter() - started)
        print(f"plan with 3 photos: named from a {args.items}-item library {median(named) * 1000:.0f} ms, "
              f"uploaded again {median(uploaded) * 1000:.0f} ms (x{median(uploaded) / median(named):.1f} for the upload)")  # fmt: skip


if __name__ == "__main__":
    main()
