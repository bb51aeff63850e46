"""mypy with a reviewed baseline that may only shrink.

    .venv/bin/python .ci/mypy_baseline.py            # fail on any error not in the baseline
    .venv/bin/python .ci/mypy_baseline.py --update   # after fixing some: rewrite the baseline

The baseline (``.ci/mypy-baseline.txt``) holds one line per remaining error, ``path: [code] message``
without line numbers (so edits elsewhere in a file do not churn it). An error that is not in it
fails the check; the same error counted more times than the baseline allows fails too. ``--update``
refuses to add errors: it only drops the ones that are gone.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / ".ci" / "mypy-baseline.txt"
ERROR = re.compile(r"^(?P<path>[^:]+):\d+(?::\d+)?: error: (?P<message>.*?)(?:  \[(?P<code>[\w-]+)\])?$")


def current_errors() -> Counter[str]:
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-pretty", "--no-error-summary", "--hide-error-context"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if done.returncode not in (0, 1):
        sys.exit(f"mypy did not run:\n{done.stdout}{done.stderr}")
    errors: Counter[str] = Counter()
    for line in done.stdout.splitlines():
        match = ERROR.match(line)
        if match:
            errors[f"{match['path']}: [{match['code'] or 'misc'}] {match['message']}"] += 1
    return errors


def read_baseline() -> Counter[str]:
    if not BASELINE.exists():
        return Counter()
    return Counter(
        line for line in BASELINE.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")
    )


def write_baseline(errors: Counter[str]) -> None:
    lines = sorted(errors.elements())
    header = "# mypy errors not fixed yet (.ci/mypy_baseline.py): this list may only shrink\n"
    BASELINE.write_text(header + "".join(f"{line}\n" for line in lines), encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--update", action="store_true", help="drop fixed errors from the baseline")
    parser.add_argument("--init", action="store_true", help="write the baseline from scratch (review it!)")
    args = parser.parse_args()
    errors, baseline = current_errors(), read_baseline()
    if args.init:
        write_baseline(errors)
        print(f"baseline written: {sum(errors.values())} errors")
        return 0
    new = errors - baseline
    fixed = baseline - errors
    if new:
        print(f"mypy: {sum(new.values())} error(s) not in the baseline (fix them; the baseline only shrinks):")
        for line in sorted(new.elements()):
            print(f"  {line}")
        return 1
    if fixed and args.update:
        write_baseline(errors)
        print(f"baseline shrank by {sum(fixed.values())} to {sum(errors.values())} errors")
    elif fixed:
        print(
            f"mypy: {sum(fixed.values())} baseline error(s) are fixed; run `.ci/mypy_baseline.py --update` to shrink it"
        )
        return 1
    print(f"mypy: {sum(errors.values())} known errors, none new")
    return 0


if __name__ == "__main__":
    sys.exit(main())
