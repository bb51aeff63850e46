"""Benchmark: preview first. What a person waits for before they can judge the plan, with and without
a preview, for the same request, in one warm process (engine loaded before timing).

Rows: the animatic preview (``Bot.preview``: plan drawn, produced for every platform, stored), the
full render a person would otherwise wait for to see anything (``Bot.render`` with the engine), and
preview + approve (the approved render, i.e. the price of looking first). The ratio row is full
render / preview: how much sooner the plan can be judged. Runs alternate; medians are printed.

    .venv/bin/python bench/preview.py [--engine embedded] [--repeats 2] [--request "..."]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

REQUEST = "a 4 second YouTube promo for our new trail running shoes in 2 shots"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", default="embedded")
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--request", default=REQUEST)
    args = parser.parse_args()

    from botkit.bot import Bot
    from botkit.engine import load_engine
    from botkit.settings import Settings

    engine = load_engine(args.engine)
    previews: list[float] = []
    renders: list[float] = []
    approves: list[float] = []
    stages: dict[str, list[dict[str, float]]] = {"preview": [], "render": []}  # the jobs' own timings
    with tempfile.TemporaryDirectory(prefix="bench-preview-") as folder:
        bot = Bot.open(Settings(data_dir=Path(folder), engine=args.engine, torch_threads=1), engine=engine)
        bot.preview(bot.plan(args.request, seed=1))  # warm: the animatic, ffmpeg, the database
        for repeat in range(args.repeats):
            # new seeds each round: nothing comes from the clip cache
            started = time.perf_counter()
            direct = bot.render(bot.plan(args.request, seed=100 + repeat))
            renders.append(time.perf_counter() - started)
            turn = bot.plan(args.request, seed=200 + repeat)
            started = time.perf_counter()
            bot.preview(turn)
            previews.append(time.perf_counter() - started)
            started = time.perf_counter()
            approval = bot.approve(turn.conversation_id)
            approves.append(time.perf_counter() - started)
            assert approval.created and direct.outputs and approval.turn.outputs
            assert approval.turn.outputs[0].duration_s == turn.outputs[0].duration_s  # timing kept
            stages["preview"].append(bot.jobs.status(turn.job_id or "").timings)
            stages["render"].append(bot.jobs.status(approval.job_id).timings)
        shots = len(turn.plan.shots)
        seconds = turn.plan.total_duration_s
        bot.db.dispose()
    preview, render, approve = (statistics.median(v) for v in (previews, renders, approves))
    print(f"request: {args.request!r} ({shots} shots, {seconds:g} s), engine {args.engine}, {args.repeats} runs")
    print(f"{'what':<44}{'median s':>10}{'runs':>30}")
    for name, value, runs in (
        ("preview (animatic, produced, stored)", preview, previews),
        ("full render without a preview (baseline)", render, renders),
        ("render after approve", approve, approves),
    ):
        print(f"{name:<44}{value:>10.2f}{' '.join(f'{r:.2f}' for r in runs):>30}")
    for kind, rows in stages.items():
        shots_s = statistics.median(row.get("render_s", 0.0) for row in rows)
        post_s = statistics.median(row.get("produce_s", 0.0) for row in rows)
        print(f"{'  ' + kind + ' job: shots / produce (encode)':<44}{shots_s:>10.2f}{post_s:>30.2f}")
    print(f"{'ratio: baseline / preview (sooner to judge)':<44}{render / preview:>10.1f}x")
    print(f"{'ratio: (preview + approve) / baseline':<44}{(preview + approve) / render:>10.2f}x")


if __name__ == "__main__":
    main()
