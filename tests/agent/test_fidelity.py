"""Fidelity of the planners on labelled descriptive requests: do the user's content words reach the
shot prompts, and do production words stay out? ``python tests/agent/test_fidelity.py`` prints the
per-language report (offline planner, content-word extraction, LLM planner repair loop).

``labelled_fidelity.toml`` (80 requests: 4 skills x 10 languages x 2) was written before the planner
was tuned on it. Measured on it: the v1 planner (before issue 13) recall 51.4%, production leakage
43.2%, fields 63.6%; the v2 planner's first run recall 96.2%, leakage 3.9%, fields 81.4%; after
tuning 100%, 0%, 100%. ``labelled_fidelity_holdout.toml`` (40 requests, 4 per language) was written
after tuning and measured once: recall 100%, leakage 1.6% (it "verticale di 9 secondi", ja "研修用"),
fields 99.1% (es "un Short de YouTube" routed to marketing), LLM repair named 139 of 140 dropped
words (ja "夜" joined to the word before a cut colon); those four were fixed after that measurement.

Scores: content-word recall (labelled content words found in some shot prompt, on the folded form:
by word for Latin scripts, by substring for CJK), production leakage (labelled production words
found in a prompt) and the production fields the label states (skill, shot count, total and
per-shot lengths, platforms, captions, end-card text).
"""

from __future__ import annotations

import re
import sys
import time
import tomllib
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from botkit.agent import OfflinePlanner, PlanRequest
from botkit.agent.config import LLMSettings, make_planner
from botkit.agent.content import is_kept
from botkit.agent.llm import LLMPlanner
from botkit.agent.recall import content_words
from botkit.domain import ShotPlan
from botkit.skills.text import fold

if not __package__:  # run as a script: python tests/agent/test_fidelity.py
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.agent.fake_openai import FakeOpenAI, tool_call

TUNED = Path(__file__).with_name("labelled_fidelity.toml")
HOLDOUT = Path(__file__).with_name("labelled_fidelity_holdout.toml")
LANGUAGES = ("en", "es", "fr", "de", "it", "pt", "ja", "zh-Hans", "zh-Hant", "ko")
SKILLS = ("marketing", "social", "storyboard", "training")
# the tuned set must stay at 100% recall and no leak; fields may lose one request in 40
THRESHOLDS = {
    TUNED: {"recall": 1.0, "leakage": 0.0, "fields": 0.975},
    HOLDOUT: {"recall": 0.95, "leakage": 0.05, "fields": 0.85},
}


def load(path: Path) -> list[dict[str, Any]]:
    return tomllib.loads(path.read_text(encoding="utf-8"))["request"]


def found(word: str, text: str) -> bool:
    """``word`` in ``text`` on the folded form: CJK by substring, Latin by whole word."""
    word, text = fold(word), fold(text)
    if re.search(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]", word):
        return word in text
    return re.search(rf"(?<![\w]){re.escape(word)}(?![\w])", text) is not None


def request_for(label: dict[str, Any]) -> PlanRequest:
    images = [f"inputs/{i + 1:02d}.png" for i in range(label.get("images", 0))]
    return PlanRequest(text=label["text"], images=images)


def fields(plan: ShotPlan, label: dict[str, Any]) -> dict[str, bool]:
    """Field -> right, for the fields the label states."""
    checks: dict[str, Callable[[], bool]] = {
        "skill": lambda: plan.skill == label["skill"],
        "shots": lambda: len(plan.shots) == label["shots"],
        "duration_s": lambda: abs(plan.total_duration_s - label["duration_s"]) < 0.05,
        "shot_durations": lambda: [s.duration_s for s in plan.shots] == [float(d) for d in label["shot_durations"]],
        "platforms": lambda: set(plan.platforms) == set(label["platforms"]),
        "captions": lambda: plan.captions == label["captions"],
        "cta": lambda: plan.end_card is not None and plan.end_card.cta == label["cta"],
    }
    return {name: check() for name, check in checks.items() if name in label}


def score(plan: ShotPlan, label: dict[str, Any]) -> dict[str, Any]:
    prompts = "\n".join(shot.prompt for shot in plan.shots)
    missing = [word for word in label["content"] if not found(word, prompts)]
    leaked = [word for word in label["production"] if found(word, prompts)]
    return {"missing": missing, "leaked": leaked, "fields": fields(plan, label)}


def evaluate(plan_for: Callable[[PlanRequest], ShotPlan], path: Path) -> dict[str, Any]:
    """Per language: content words (found, total), production words (leaked, total), fields (right,
    total), and the misses."""
    table: dict[str, dict[str, list[int]]] = defaultdict(
        lambda: {"recall": [0, 0], "leakage": [0, 0], "fields": [0, 0], "requests": [0, 0]}
    )
    misses: list[str] = []
    for label in load(path):
        row = table[label["lang"]]
        row["requests"][1] += 1
        try:
            result = score(plan_for(request_for(label)), label)
        except ValueError as exc:  # refused: every word missing, every field wrong
            result = {"missing": list(label["content"]), "leaked": [], "fields": dict.fromkeys(fields_of(label), False)}
            misses.append(f"[{label['lang']}] refused {label['text'][:50]!r}: {exc}")
        row["recall"][0] += len(label["content"]) - len(result["missing"])
        row["recall"][1] += len(label["content"])
        row["leakage"][0] += len(result["leaked"])
        row["leakage"][1] += len(label["production"])
        row["fields"][0] += sum(result["fields"].values())
        row["fields"][1] += len(result["fields"])
        row["requests"][0] += not result["missing"] and not result["leaked"] and all(result["fields"].values())
        if result["missing"]:
            misses.append(f"[{label['lang']}] missing {result['missing']} in {label['text'][:60]!r}")
        if result["leaked"]:
            misses.append(f"[{label['lang']}] leaked {result['leaked']} in {label['text'][:60]!r}")
        wrong = [name for name, right in result["fields"].items() if not right]
        if wrong:
            misses.append(f"[{label['lang']}] wrong {wrong} in {label['text'][:60]!r}")
    return {"table": dict(table), "misses": misses}


def fields_of(label: dict[str, Any]) -> list[str]:
    return [f for f in ("skill", "shots", "duration_s", "shot_durations", "platforms", "captions", "cta") if f in label]


def totals(table: dict[str, dict[str, list[int]]]) -> dict[str, float]:
    sums = {
        key: [sum(row[key][0] for row in table.values()), sum(row[key][1] for row in table.values())]
        for key in ("recall", "leakage", "fields")
    }
    return {
        key: (right / count if count else 1.0) if key != "leakage" else (right / count if count else 0.0)
        for key, (right, count) in sums.items()
    }


def extraction(path: Path) -> dict[str, list[int]]:
    """How well ``content_words`` (what the LLM planner checks prompts against) finds the labels:
    per language [labels found, labels, extracted words that are labelled, extracted words]."""
    rows: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for label in load(path):
        extracted = content_words(label["text"])
        joined = fold(" ".join(extracted))
        row = rows[label["lang"]]
        row[0] += sum(is_kept(word, joined) for word in label["content"])
        row[1] += len(label["content"])
        labels = fold(" ".join(label["content"]))
        row[2] += sum(is_kept(word, labels) or covered(word, label["content"]) for word in extracted)
        row[3] += len(extracted)
    return dict(rows)


def covered(chunk: str, labels: list[str]) -> bool:
    """A CJK chunk made of labelled words ("骑士走进城堡" of 骑士, 走进, 城堡) is labelled too."""
    rest = fold(chunk)
    if not re.search(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]", rest):
        return False
    if any(rest.startswith(fold(label)) for label in labels if re.fullmatch(r"[가-힣]+", label)):
        return True  # a Korean label is a stem: "뛰어다" of "뛰어다닌다"
    for label in sorted(labels, key=len, reverse=True):
        rest = rest.replace(fold(label), "")
    return len(rest) <= 1


# -- tests -------------------------------------------------------------------------------------


def test_the_set_covers_four_skills_in_ten_languages() -> None:
    labels = load(TUNED)
    assert len(labels) >= 60
    assert {(label["skill"], label["lang"]) for label in labels} == {(s, lang) for s in SKILLS for lang in LANGUAGES}
    for label in labels:  # every label names words the request really has
        assert label["content"], label["text"]
        assert all(found(word, label["text"]) for word in label["content"] + label["production"]), label["text"]


@pytest.mark.parametrize("path", [TUNED, HOLDOUT], ids=["tuned-set", "holdout"])
def test_offline_planner_keeps_the_users_words(path: Path) -> None:
    if not path.exists():
        pytest.skip(f"{path.name} not written yet")
    planner = OfflinePlanner()
    result = evaluate(planner.plan, path)
    figures = totals(result["table"])
    limits = THRESHOLDS[path]
    report = render(path.name, result)
    assert figures["recall"] >= limits["recall"], report
    assert figures["leakage"] <= limits["leakage"], report
    assert figures["fields"] >= limits["fields"], report


def test_content_word_extraction_finds_the_labelled_words() -> None:
    rows = extraction(TUNED)
    found_labels = sum(row[0] for row in rows.values()) / sum(row[1] for row in rows.values())
    precise = sum(row[2] for row in rows.values()) / sum(row[3] for row in rows.values())
    assert found_labels >= 0.97, rows
    assert precise >= 0.9, rows


def draft_of(plan: ShotPlan, prompts: list[str] | None = None) -> dict[str, Any]:
    """The structured answer a model would give for ``plan`` (with other ``prompts``, if given)."""
    images = {image: number for number, image in enumerate(sorted({s.image for s in plan.shots if s.image}), 1)}
    return {
        "skill": plan.skill,
        "title": plan.title,
        "platforms": list(plan.platforms),
        "shots": [
            {
                "prompt": prompts[i] if prompts else shot.prompt,
                "duration_s": shot.duration_s,
                "camera": shot.camera,
                "caption": shot.caption,
                "image": images.get(shot.image) if shot.image else None,
            }
            for i, shot in enumerate(plan.shots)
        ],
        "style": plan.style,
        "captions": plan.captions,
    }


def llm_round_trip(path: Path) -> dict[str, Any]:
    """Each labelled request through the LLM planner and the scripted server: the first answer
    drops every other content word; the repair request must name the dropped words, and the second
    answer (the words kept) must be accepted. Per language: [dropped words named, dropped words],
    [plans accepted after one repair, requests], and the final plans' recall [found, labelled]."""
    labels = load(path)
    offline = OfflinePlanner()
    script, expected = [], []
    for label in labels:
        plan = offline.plan(request_for(label))
        dropped = label["content"][::2]
        kept = [word for word in label["content"] if word not in dropped] or ["scene"]
        script += [
            tool_call("DraftPlan", draft_of(plan, [" ".join(kept)] * len(plan.shots))),
            tool_call("DraftPlan", draft_of(plan)),
        ]
        expected.append((label, dropped, " ".join(kept)))
    rows: dict[str, dict[str, list[int]]] = defaultdict(lambda: {"named": [0, 0], "accepted": [0, 0], "recall": [0, 0]})
    misses: list[str] = []
    with FakeOpenAI(script) as server:
        settings = LLMSettings(base_url=server.url, model="fake-model", api_key="sk-test", max_retries=0, timeout_s=10)
        planner = make_planner(settings)
        assert isinstance(planner, LLMPlanner)
        for label, dropped, kept_text in expected:
            sent = len(server.requests)
            final = planner.plan(request_for(label))
            repair = (
                server.requests[sent + 1]["body"]["messages"][-1]["content"] if len(server.requests) > sent + 1 else ""
            )
            row = rows[label["lang"]]
            absent = [word for word in dropped if not is_kept(word, fold(kept_text))]
            named = [word for word in absent if is_kept(word, fold(repair))]
            row["named"][0] += len(named)
            row["named"][1] += len(absent)
            accepted = final.planner.startswith("llm/2") and len(server.requests) == sent + 2
            row["accepted"][0] += accepted
            row["accepted"][1] += 1
            prompts = "\n".join(shot.prompt for shot in final.shots)
            row["recall"][0] += sum(found(word, prompts) for word in label["content"])
            row["recall"][1] += len(label["content"])
            if len(named) < len(absent) or not accepted:
                misses.append(
                    f"[{label['lang']}] named {named} of {absent}, accepted {accepted}: {label['text'][:50]!r}"
                )
    return {"rows": dict(rows), "misses": misses}


def test_llm_planner_asks_back_for_dropped_words_on_the_labelled_set() -> None:
    result = llm_round_trip(TUNED)
    rows = result["rows"]
    named = sum(r["named"][0] for r in rows.values()) / sum(r["named"][1] for r in rows.values())
    accepted = sum(r["accepted"][0] for r in rows.values()) / sum(r["accepted"][1] for r in rows.values())
    recall = sum(r["recall"][0] for r in rows.values()) / sum(r["recall"][1] for r in rows.values())
    assert (named, accepted, recall) == (1.0, 1.0, 1.0), "\n".join(result["misses"])


def render(name: str, result: dict[str, Any]) -> str:
    table = result["table"]
    lines = [f"{name}", f"  {'lang':8s} {'requests':>9s} {'recall':>8s} {'leaks':>8s} {'fields':>8s}  all right"]
    for lang in [lang for lang in LANGUAGES if lang in table]:
        row = table[lang]
        recall = row["recall"][0] / row["recall"][1] if row["recall"][1] else 1.0
        lines.append(
            f"  {lang:8s} {row['requests'][1]:9d} {recall:8.1%} {row['leakage'][0]:4d}/{row['leakage'][1]:<3d}"
            f" {row['fields'][0] / max(1, row['fields'][1]):8.1%}  {row['requests'][0]}/{row['requests'][1]}"
        )
    figures = totals(table)
    lines.append(
        f"  {'all':8s} {sum(r['requests'][1] for r in table.values()):9d} {figures['recall']:8.1%} {figures['leakage']:8.1%} {figures['fields']:8.1%}"
    )
    lines += [f"  miss {miss}" for miss in result["misses"]]
    return "\n".join(lines)


if __name__ == "__main__":  # python tests/agent/test_fidelity.py: the report
    planner = OfflinePlanner()
    for path in (TUNED, HOLDOUT):
        if not path.exists():
            continue
        started = time.perf_counter()
        result = evaluate(planner.plan, path)
        elapsed = time.perf_counter() - started
        sys.stdout.write(
            render(f"offline planner, {path.name} ({elapsed / len(load(path)) * 1000:.1f} ms/request)", result) + "\n"
        )
        rows = extraction(path)
        sys.stdout.write(f"content-word extraction (LLM check), {path.name}: labels found / extracted words labelled\n")
        for lang in [lang for lang in LANGUAGES if lang in rows]:
            row = rows[lang]
            sys.stdout.write(f"  {lang:8s} {row[0] / row[1]:7.1%} {row[2] / max(1, row[3]):7.1%}\n")
        trip = llm_round_trip(path)
        sys.stdout.write(
            f"LLM planner (scripted server), {path.name}: dropped words named / accepted after one repair / recall\n"
        )
        for lang in [lang for lang in LANGUAGES if lang in trip["rows"]]:
            row = trip["rows"][lang]
            sys.stdout.write(
                f"  {lang:8s} {row['named'][0]:3d}/{row['named'][1]:<3d} {row['accepted'][0]:3d}/{row['accepted'][1]:<3d}"
                f" {row['recall'][0] / row['recall'][1]:7.1%}\n"
            )
        sys.stdout.write("".join(f"  miss {miss}\n" for miss in trip["misses"]))


def test_offline_plans_keep_every_word_the_llm_check_asks_for() -> None:
    """The offline planner and the LLM planner's check agree: an offline plan is never 'missing words'."""
    from botkit.agent.recall import missing_words

    planner = OfflinePlanner()
    misses = []
    for name in (
        "labelled_fidelity.toml",
        "labelled_fidelity_holdout.toml",
        "labelled_requests.toml",
        "labelled_holdout.toml",
    ):
        for label in load(Path(__file__).with_name(name)):
            plan = planner.plan(request_for(label))
            missing = missing_words(label["text"], [shot.prompt for shot in plan.shots])
            if missing:
                misses.append(f"{missing} in {label['text'][:60]!r}")
    assert not misses, "\n".join(misses)
