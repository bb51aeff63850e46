"""Benchmark: what content credentials add to a 10 s job, through the real pipeline.

A 10 s TikTok request runs through ``Bot.chat`` (plan, render, quality, post, signing, assets)
with the embedded engine, once per setting, all in this run:

* signing ``off`` (what a user gets without credentials),
* ``required`` with the development chain (a key file, ES256): the default,
* ``required`` with a signing command (a KMS/HSM-style hook: one process per signature).

Each job has its own seed, so every job renders its shots (no clip is re-used). The signing
step's own time is measured inside each signed job (the step the pipeline runs, wrapped in a
timer), which is the precise figure; the ratio of whole-job medians is shown next to it (noisier:
the render dominates). A second table re-runs the same plans from the clip cache (post and signing
only), the harshest denominator. Target: signing <= 5% of a 10 s job.

    .venv/bin/python bench/provenance.py [--repeats 2] [--request "..."]
"""

from __future__ import annotations

import argparse
import shlex
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from botkit.bot import Bot, Turn
from botkit.provenance.certs import dev_chain_paths
from botkit.provenance.signer import credentials_dir
from botkit.render.signing import SignOutputs
from botkit.render.steps import Staged
from botkit.settings import Settings
from botkit.testing.credentials import assert_job_verifies

REQUEST = "Make a 10 second TikTok teaser for our new trail running shoes"
HOOK = """
import sys
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
key = serialization.load_pem_private_key(open(sys.argv[1], "rb").read(), None)
sys.stdout.buffer.write(key.sign(sys.stdin.buffer.read(), ec.ECDSA(hashes.SHA256())))
"""


@dataclass
class TimedStep:
    """The pipeline's own signing step, timed."""

    inner: SignOutputs
    seconds: list[float] = field(default_factory=list)
    name: str = "content credentials (timed)"

    def __call__(self, staged: Staged) -> Staged:
        started = time.perf_counter()
        try:
            return self.inner(staged)
        finally:
            self.seconds.append(time.perf_counter() - started)


def open_bot(settings: Settings) -> tuple[Bot, TimedStep | None]:
    bot = Bot.open(settings)
    step = bot.context.render.after_produce[-1]
    assert isinstance(step, SignOutputs), "signing is the last after-produce step"
    if step.signer is None:
        return bot, None
    timed = TimedStep(step)
    bot.context.render.after_produce[-1] = timed  # type: ignore[call-overload]
    return bot, timed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=2, help="jobs per setting (each renders its shots)")
    parser.add_argument("--request", default=REQUEST)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="botkit-bench-prov-") as scratch:
        root = Path(scratch)
        base = Settings(data_dir=root / "data")
        Bot.open(base).db.dispose()  # makes the development chain once, before any timing
        chain, key, _ = dev_chain_paths(credentials_dir(base.data_dir))
        hook = root / "kms_sign.py"
        hook.write_text(HOOK)
        command = " ".join(shlex.quote(part) for part in (sys.executable, str(hook), str(key)))
        variants = {
            "signing off": base.model_copy(update={"signing": "off"}),
            "signed, key file (ES256)": base,
            "signed, signing command (KMS-style hook)": base.model_copy(
                update={"signing_cert": chain, "signing_command": command}
            ),
        }
        bots = {name: open_bot(settings) for name, settings in variants.items()}
        jobs: dict[str, list[float]] = {name: [] for name in variants}
        cached: dict[str, list[float]] = {name: [] for name in variants}
        turns: dict[str, list[tuple[int, Turn]]] = {name: [] for name in variants}
        seed = 100
        for _ in range(args.repeats):
            for name, (bot, _step) in bots.items():  # interleaved: machine load hits every setting alike
                seed += 1
                started = time.perf_counter()
                turn = bot.chat(args.request, platforms=["tiktok"], seed=seed)
                jobs[name].append(time.perf_counter() - started)
                turns[name].append((seed, turn))
        render_signing = {name: list(step.seconds) if step else [] for name, (_bot, step) in bots.items()}
        for name, (bot, _step) in bots.items():  # the same plans again: every clip from the cache
            for seed_used, _turn in turns[name]:
                again = bot.plan(args.request, platforms=["tiktok"], seed=seed_used)
                started = time.perf_counter()
                bot.render(again)
                cached[name].append(time.perf_counter() - started)
        for name, (_bot, step) in bots.items():
            if step is not None:
                for _seed, turn in turns[name]:
                    assert_job_verifies(Path(turn.outputs[0].path).parent)
        first = turns["signing off"][0][1].outputs[0]
        duration = first.duration_s
        sizes = sum(p.stat().st_size for p in Path(first.path).parent.iterdir())
        for bot, _ in bots.values():
            bot.db.dispose()

    off = statistics.median(jobs["signing off"])
    off_cached = statistics.median(cached["signing off"])
    lines = [
        f"{args.request!r}: {duration:g} s TikTok 1080x1920 (embedded engine), job folder {sizes / 2**20:.1f} MiB; "
        f"medians of {args.repeats} job(s) per setting, interleaved, each with its own seed",
        "",
        "| setting | job (s) | signing step in the job (s) | signing / job | job vs unsigned job |",
        "|---|---|---|---|---|",
    ]
    for name in variants:
        job = statistics.median(jobs[name])
        signing = statistics.median(render_signing[name]) if render_signing[name] else 0.0
        share = f"{signing / job:.2%}" if signing else "-"
        lines.append(f"| {name} | {job:.2f} | {signing:.3f} | {share} | {job / off:.3f}x |")
    lines += [
        "",
        "re-rendered from the clip cache (post + signing only: the harshest denominator)",
        "",
        "| setting | job (s) | vs unsigned |",
        "|---|---|---|",
    ]
    for name in variants:
        job = statistics.median(cached[name])
        lines.append(f"| {name} | {job:.2f} | {job / off_cached:.3f}x |")
    key_share = statistics.median(render_signing["signed, key file (ES256)"]) / statistics.median(
        jobs["signed, key file (ES256)"]
    )
    lines += ["", f"signing adds {key_share:.2%} to a {duration:g} s job with the default key file (target <= 5%)"]
    print("\n".join(lines))


if __name__ == "__main__":
    main()
