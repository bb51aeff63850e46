"""Pins every ``>=`` floor of pyproject.toml (the dependencies and the extras the smoke tests need)
as ``==X.*`` (that release line), for ``.ci/min-versions``: ``python .ci/min_versions.py > constraints.txt``."""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FLOOR = re.compile(r"^(?P<name>[A-Za-z0-9_.-]+)(?:\[[^\]]*\])?\s*>=\s*(?P<version>[^,;\s]+)")
KEEP = {"torch"}  # the CPU wheel of the pinned torch is what every machine here has


def floors(extras: list[str]) -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = list(project["dependencies"])
    for extra in extras:
        requirements += [r for r in project["optional-dependencies"][extra] if not r.startswith("botkit")]
    found = {}
    for requirement in requirements:
        match = FLOOR.match(requirement)
        if match and match["name"].lower() not in KEEP:
            found[match["name"].lower()] = match["version"]
    return found


if __name__ == "__main__":
    for name, version in sorted(floors(sys.argv[1:] or ["web", "slack", "postgres", "llm"]).items()):
        print(f"{name}=={version}.*")  # the floor release line: 4.9 -> 4.9.0.80, 1.0 -> 1.0.1
