"""The labelled follow-ups: a base plan, each case's expectation, and a score per language.

``python -m tests.agent.follow_up_cases [file.toml]`` prints the score table and every miss.
"""

from __future__ import annotations

import sys
import tomllib
from collections import defaultdict
from pathlib import Path
from typing import Any

from botkit.agent.revise import EmptyFollowUp, NewRequest, RefusedFollowUp, UnclearRevision, render_inputs, revise
from botkit.domain import Shot, ShotPlan
from botkit.errors import InputError

HERE = Path(__file__).parent
LABELLED = HERE / "labelled_follow_ups.toml"
HOLDOUT = HERE / "holdout_follow_ups.toml"
LANGUAGES = ("en", "es", "fr", "de", "it", "pt", "ja", "zh-Hans", "zh-Hant", "ko")


def base_plan() -> ShotPlan:
    prompts = ["shoes on a trail", "close-up of the laces", "a runner on a hill", "the shoes by a lake"]
    cameras = ["push in", "pan right", "static", "orbit"]
    shots = [
        Shot(index=i, prompt=p, duration_s=3.0, camera=c, seed=100 + i)
        for i, (p, c) in enumerate(zip(prompts, cameras, strict=True))
    ]
    return ShotPlan(
        skill="marketing",
        request="a 12 second promo for our trail shoes, 4 shots",
        title="Promo: our trail shoes",
        platforms=["youtube"],
        shots=shots,
        total_duration_s=12.0,
        style="clean commercial look",
    )


def load(path: Path = LABELLED) -> list[dict[str, Any]]:
    return tomllib.loads(path.read_text())["case"]


def tokens(old: ShotPlan, new: ShotPlan) -> list[str]:
    """Each new shot as "k" (old shot k, same render inputs), "k*" (old shot k changed) or "new"."""
    result = []
    for shot in new.shots:
        same = [o for o in old.shots if render_inputs(old, o) == render_inputs(new, shot)]
        if same:
            result.append(str(same[0].index + 1))
            continue
        related = [o for o in old.shots if o.seed == shot.seed or shot.prompt.startswith(o.prompt)]
        result.append(f"{related[0].index + 1}*" if related else "new")
    return result


def error_kind(exc: Exception) -> str:
    for kind, cls in (("empty", EmptyFollowUp), ("refused", RefusedFollowUp), ("new", NewRequest)):
        if isinstance(exc, cls):
            return kind
    if isinstance(exc, UnclearRevision):
        return "unclear"
    return "input"


def check(case: dict[str, Any], plan: ShotPlan | None = None) -> list[str]:
    """What is wrong with the revision of ``case`` (empty when it does what the label says)."""
    plan = plan or base_plan()
    try:
        new = revise(plan, case["text"])
    except InputError as exc:
        got = error_kind(exc)
        if case.get("error") == got:
            return []
        return [f"raised {got}: {exc}"[:300]]
    problems = []
    if "error" in case:
        return [f"expected {case['error']}, got a plan {tokens(plan, new)}"]
    if "shots" in case and tokens(plan, new) != case["shots"]:
        problems.append(f"shots {tokens(plan, new)} != {case['shots']}")
    if "platforms" in case and new.platforms != case["platforms"]:
        problems.append(f"platforms {new.platforms}")
    if "captions" in case and new.captions is not case["captions"]:
        problems.append(f"captions {new.captions}")
    if "total" in case and abs(new.total_duration_s - case["total"]) > 0.01:
        problems.append(f"total {new.total_duration_s}")
    if "style_has" in case and case["style_has"] not in (new.style + " ".join(s.prompt for s in new.shots)):
        problems.append(f"style {new.style!r}")
    for field, attribute in (("caption", "caption"), ("camera", "camera"), ("duration", "duration_s")):
        for number, expected in case.get(field, {}).items():
            index = int(number) - 1
            value = getattr(new.shots[index], attribute) if index < len(new.shots) else None
            if value != expected:
                problems.append(f"shot {number} {attribute} {value!r} != {expected!r}")
    for number, expected in case.get("prompt_has", {}).items():
        index = int(number) - 1
        prompt = new.shots[index].prompt if index < len(new.shots) else ""
        if expected not in prompt:
            problems.append(f"shot {number} prompt {prompt!r} lacks {expected!r}")
    return problems


def score(cases: list[dict[str, Any]]) -> tuple[dict[str, tuple[int, int]], list[tuple[dict[str, Any], list[str]]]]:
    """{language: (right, total)} and the misses."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    misses = []
    for case in cases:
        problems = check(case)
        counts[case["lang"]][1] += 1
        if problems:
            misses.append((case, problems))
        else:
            counts[case["lang"]][0] += 1
    return {lang: (right, total) for lang, (right, total) in counts.items()}, misses


def table(scores: dict[str, tuple[int, int]]) -> str:
    lines = [f"{'language':<9} {'right':>5} {'cases':>5} {'score':>6}"]
    for lang in [*LANGUAGES, *(lang for lang in scores if lang not in LANGUAGES)]:
        if lang in scores:
            right, total = scores[lang]
            lines.append(f"{lang:<9} {right:>5} {total:>5} {right / total:>6.0%}")
    right = sum(r for r, _ in scores.values())
    total = sum(t for _, t in scores.values())
    lines.append(f"{'all':<9} {right:>5} {total:>5} {right / max(total, 1):>6.0%}")
    return "\n".join(lines)


if __name__ == "__main__":
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else LABELLED
    scores, misses = score(load(source))
    print(table(scores))
    for case, problems in misses:
        print(f"MISS [{case['lang']}] {case['text']!r}: {'; '.join(problems)}")
