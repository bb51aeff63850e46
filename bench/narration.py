"""Benchmark: where narration costs time. Before, every line was spoken with Piper when the plan was
made (the chat reply waited for it); now the plan is fitted to estimates and the render job speaks.

For each request, in fresh processes, alternating the two code trees (so load falls on both alike):
a warm-up turn of another request first (its plan and job are the "fresh process" columns: the
voice model loads in the first plan before, in the first job now), then the measured request as a
running server and worker see it: the time to the reply (``Bot.plan`` with narration on) and the
job's total (``Bot.render``, tiny real engine, one 1280x720 output for X), and the two together.

    .venv/bin/python bench/narration.py [--before f925c05] [--repeats 2] [--engine tiny-wan] [--only demo]

``--before`` is a git revision of this repository with the old behaviour (default: the commit this
work started from); it is extracted with ``git archive`` into a temporary folder.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REQUESTS = {
    "demo (make demo-text)": "Make a 10 second TikTok teaser for our new trail running shoes",
    "30 s marketing": (
        "A 30 second promo for our Aurora desk lamp: warm light on a desk, a writer at night, "
        "a cosy reading corner, end on 'Order today'"
    ),
    "30 s six-step training (bench/audio.py)": (
        "How to set up your workstation in 30 seconds: 1. Adjust the chair so your feet rest flat 2. Raise the screen "
        "to eye level 3. Keep your wrists straight 4. Put the keyboard close 5. Turn the lamp away from the screen "
        "6. Take a short break every hour"
    ),
}
WARM_UP = "a 10 second promo for our ceramic mug, end on 'Buy it now'"

CHILD = r"""
import json, resource, sys, tempfile, time
from pathlib import Path
from botkit.bot import Bot
from botkit.settings import Settings
request, warm_up, engine, steps = sys.argv[1:5]

def cpu():  # this process's threads and the ffmpeg children: steadier than wall time on a loaded machine
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime

def timed(call):
    started = time.perf_counter(); result = call(); return result, time.perf_counter() - started

with tempfile.TemporaryDirectory(prefix="bench-narration-") as data:
    bot = Bot.open(Settings(data_dir=Path(data), engine=engine, narration=True, steps=int(steps)))
    first, cold_plan = timed(lambda: bot.plan(warm_up, platforms=["x"]))  # a fresh process: voice, engine load
    _, cold_job = timed(lambda: bot.render(first))
    turn, plan_s = timed(lambda: bot.plan(request, platforms=["x"]))  # a running server and worker
    job_cpu = cpu()
    _, job_s = timed(lambda: bot.render(turn))
    job_cpu = cpu() - job_cpu
    status = bot.jobs.status(turn.job_id)
    lines = sum(1 for shot in turn.plan.shots if shot.narration)
    print("RESULT" + json.dumps({"cold_plan_s": cold_plan, "cold_job_s": cold_job, "plan_s": plan_s, "job_s": job_s,
                                 "job_cpu_s": job_cpu, "lines": lines, "timings": status.timings}))
"""


def extract(revision: str, into: Path) -> Path:
    archive = into / "before.tar"
    subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", "-o", str(archive), revision], check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(into / "tree", filter="data")
    return into / "tree"


def run(tree: Path, request: str, engine: str, steps: int) -> dict:
    env = {**os.environ, "PYTHONPATH": str(tree), "OMP_NUM_THREADS": "1", "BOTKIT_MUSIC": "none"}
    done = subprocess.run(
        [sys.executable, "-c", CHILD, request, WARM_UP, engine, str(steps)],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    found = [line for line in done.stdout.splitlines() if line.startswith("RESULT")]
    if done.returncode or not found:
        raise SystemExit(f"child failed in {tree}:\n{done.stderr[-3000:]}")
    result = json.loads(found[-1].removeprefix("RESULT"))
    result["load"] = os.getloadavg()[0]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default="f925c05", help="git revision with plan-time synthesis")
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--engine", default="tiny-wan")
    parser.add_argument("--steps", type=int, default=4, help="denoising steps (the engine is not what is measured)")
    parser.add_argument("--only", default="", help="only the requests whose name contains this (e.g. demo)")
    args = parser.parse_args()
    requests = {name: text for name, text in REQUESTS.items() if args.only in name}
    with tempfile.TemporaryDirectory(prefix="bench-before-") as scratch:
        trees = {"before": extract(args.before, Path(scratch)), "after": ROOT}
        results: dict[tuple[str, str], list[dict]] = {}
        for _ in range(args.repeats):
            for name, request in requests.items():
                for which, tree in trees.items():
                    results.setdefault((name, which), []).append(run(tree, request, args.engine, args.steps))
    print(f"Narration with the plan vs in the job: {args.engine}, {args.steps} steps, median of {args.repeats} "
          f"fresh processes per cell, 2-core machine shared with other work\n")  # fmt: skip
    print("| request | code | lines | reply (plan) s | job s | job CPU s | job's narration step s | plan + job s "
          "| fresh process: first plan s | first job s | load |")  # fmt: skip
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    med = {}
    for (name, which), runs in results.items():
        cell = {
            key: statistics.median(r[key] for r in runs)
            for key in ("plan_s", "job_s", "job_cpu_s", "cold_plan_s", "cold_job_s")
        }
        cell["turn_s"] = statistics.median(r["plan_s"] + r["job_s"] for r in runs)
        cell["cold_s"] = statistics.median(r["cold_plan_s"] + r["cold_job_s"] for r in runs)
        narration = [r["timings"].get("narration_s") for r in runs]
        spoken = f"{statistics.median(narration):.2f}" if all(n is not None for n in narration) else "-"
        med[(name, which)] = cell
        loads = "-".join(f"{r['load']:.1f}" for r in runs)
        print(f"| {name} | {which} | {runs[0]['lines']} | {cell['plan_s']:.3f} | {cell['job_s']:.2f} | {cell['job_cpu_s']:.2f} | {spoken} | "
              f"{cell['turn_s']:.2f} | {cell['cold_plan_s']:.3f} | {cell['cold_job_s']:.2f} | {loads} |")  # fmt: skip
    print()
    for name in requests:
        before, after = med[(name, "before")], med[(name, "after")]
        print(f"{name}: reply ratio before/after {before['plan_s'] / after['plan_s']:.0f}x "
              f"({before['plan_s']:.3f} s -> {after['plan_s']:.3f} s); job ratio after/before "
              f"{after['job_s'] / before['job_s']:.2f}x (CPU {after['job_cpu_s'] / before['job_cpu_s']:.2f}x); plan + job ratio after/before "
              f"{after['turn_s'] / before['turn_s']:.2f}x; fresh process first plan + job ratio after/before "
              f"{after['cold_s'] / before['cold_s']:.2f}x")  # fmt: skip


if __name__ == "__main__":
    main()
