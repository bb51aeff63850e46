"""Benchmark: the offline planner per request, by language, with its caches cleared before each
request (a chat turn brings a new text), against the LLM planner's round trip to a local scripted
OpenAI-compatible server (no model time at all: the floor of what a deployment with an LLM pays),
and optionally against another checkout's planner (``--baseline DIR``, e.g. the release before).

The requests are the labelled sets in tests/agent (fidelity, its hold-out and the field set).

    .venv/bin/python bench/planner.py [--repeats 5] [--baseline /tmp/botkit-before]

A baseline checkout: ``git archive REV botkit | tar -x -C /tmp/botkit-before`` (since the skills,
prompts and migrations moved under ``botkit/``; an older REV also needs ``skills prompts`` and, in
the copy, ``ln -s skills botkit_skills && ln -s prompts botkit_prompts``).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
import tomllib
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SETS = ("labelled_fidelity.toml", "labelled_fidelity_holdout.toml", "labelled_requests.toml")


def labels() -> list[dict[str, Any]]:
    found = []
    for name in SETS:
        found += tomllib.loads((ROOT / "tests" / "agent" / name).read_text(encoding="utf-8"))["request"]
    return found


def clear_caches() -> None:
    from botkit.agent import reading, recall, subject, timing
    from botkit.skills import text

    for cached in (
        reading.read,
        subject.production_spans,
        subject.content,
        timing.read_timing,
        recall.content_words,
        text.fold_with_positions,
    ):
        cached.cache_clear()


def offline_ms(requests: list[dict[str, Any]], repeats: int) -> dict[str, float]:
    """Median ms per plan for each language (caches cleared before every request)."""
    from botkit.agent import OfflinePlanner, PlanRequest

    planner = OfflinePlanner()
    samples: dict[str, list[float]] = defaultdict(list)
    for _ in range(repeats):
        for label in requests:
            images = [f"inputs/{i + 1:02d}.png" for i in range(label.get("images", 0))]
            clear_caches()
            started = time.perf_counter()
            planner.plan(PlanRequest(text=label["text"], images=images))
            samples[label["lang"]].append((time.perf_counter() - started) * 1000)
    return {lang: statistics.median(values) for lang, values in samples.items()} | {
        "all": statistics.median([v for values in samples.values() for v in values])
    }


def llm_round_trip_ms(requests: list[dict[str, Any]]) -> float:
    """Median ms of an LLM plan against the scripted local server (a valid plan at the first answer)."""
    sys.path.insert(0, str(ROOT))
    from botkit.agent import OfflinePlanner, PlanRequest
    from botkit.agent.config import LLMSettings, make_planner
    from tests.agent.fake_openai import FakeOpenAI, tool_call
    from tests.agent.test_fidelity import draft_of

    offline = OfflinePlanner()
    sample = requests[:: max(1, len(requests) // 40)]
    drafts = [draft_of(offline.plan(PlanRequest(text=label["text"]))) for label in sample if not label.get("images")]
    times = []
    with FakeOpenAI([tool_call("DraftPlan", draft) for draft in drafts]) as server:
        planner = make_planner(LLMSettings(base_url=server.url, model="bench", api_key="sk-bench", max_retries=0))
        for label in [label for label in sample if not label.get("images")]:
            started = time.perf_counter()
            planner.plan(PlanRequest(text=label["text"]))
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def baseline_ms(checkout: Path, repeats: int) -> float:
    """Median ms per plan of the planner in another checkout (run in a subprocess on the same requests)."""
    code = f"""
import json, statistics, sys, time
sys.path.insert(0, {str(checkout)!r})
import botkit
from botkit.agent import OfflinePlanner, PlanRequest
labels = json.loads(sys.stdin.read())
planner = OfflinePlanner()
times = []
for _ in range({repeats}):
    for label in labels:
        started = time.perf_counter()
        try:
            planner.plan(PlanRequest(text=label["text"], images=[f"i{{i}}.png" for i in range(label.get("images", 0))]))
        except Exception:
            continue
        times.append((time.perf_counter() - started) * 1000)
print(statistics.median(times))
"""
    done = subprocess.run(
        [sys.executable, "-c", code], input=json.dumps(labels()), capture_output=True, text=True, check=True, cwd="/"
    )
    return float(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--baseline", type=Path, help="a checkout of an earlier botkit to compare with")
    options = parser.parse_args()
    requests = labels()
    per_language = offline_ms(requests, options.repeats)
    llm = llm_round_trip_ms(requests)
    rows = [("offline planner, per request (caches cleared)", per_language["all"], 1.0)]
    rows.append(("LLM planner, local scripted server (no model time)", llm, llm / per_language["all"]))
    if options.baseline:
        before = baseline_ms(options.baseline, options.repeats)
        rows.append((f"offline planner in {options.baseline}", before, before / per_language["all"]))
    out = ["| planner | ms per plan | ratio to the offline planner |", "|---|---:|---:|"]
    out += [f"| {name} | {ms:.2f} | {ratio:.2f}x |" for name, ms, ratio in rows]
    out += ["", "| language | offline ms per plan |", "|---|---:|"]
    out += [f"| {lang} | {ms:.2f} |" for lang, ms in per_language.items() if lang != "all"]
    sys.stdout.write("\n".join(out) + f"\n\n{len(requests)} requests x {options.repeats} repeats\n")


if __name__ == "__main__":
    main()
