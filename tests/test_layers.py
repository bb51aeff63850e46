"""The layering holds: no module imports a higher layer, lazily (inside a function) or not, and no
two modules import each other. Read from the source, so a new back-import fails here."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "botkit"

BELOW_RENDER = {
    "domain",
    "errors",
    "engine",
    "post",
    "quality",
    "store",
    "skills",
    "settings",
    "audio",
    "media",
    "provenance",
    "metrics",  # Prometheus counters: imports nothing of ours, counted by jobs and channels
}
ALLOWED: dict[str, set[str]] = {
    "domain": set(),
    "errors": set(),
    "metrics": set(),
    "uploads": {"errors"},
    "settings": {"post"},  # the x264 preset names only
    "store": {"domain", "errors"},
    "engine": {"domain", "errors"},
    "post": {"domain", "errors"},
    "quality": {"domain", "errors"},
    "audio": {"domain", "errors", "post"},
    "media": {"domain", "engine", "errors", "post"},
    "provenance": {"domain", "errors", "post", "settings"},
    "skills": {"domain", "errors"},
    "agent": {"domain", "errors", "skills", "prompts"},
    "render": BELOW_RENDER,
    "jobs": BELOW_RENDER | {"render"},
    "library": BELOW_RENDER | {"uploads"},  # the media library: upload probes + store
    "bot": BELOW_RENDER | {"render", "jobs", "agent", "uploads", "library"},
    "channels": BELOW_RENDER | {"render", "jobs", "agent", "uploads", "bot", "library"},
    "testing": BELOW_RENDER | {"agent", "bot", "testing.tiny"},
    "testing.tiny": {"engine", "domain", "errors"},
    "store.migrations": {"store", "settings"},  # env.py: the alembic CLI builds Settings for the URL
    "__main__": {"channels"},
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def layer(module: str) -> str:
    parts = module.split(".")
    if parts[1:3] == ["testing", "tiny"]:
        return "testing.tiny"
    if parts[1:3] == ["store", "migrations"]:
        return "store.migrations"
    return parts[1] if len(parts) > 1 else "botkit"


def imports() -> dict[str, set[str]]:
    """Every ``botkit`` module each module imports, wherever the import statement is."""
    found: dict[str, set[str]] = defaultdict(set)
    for path in ROOT.rglob("*.py"):
        source = module_name(path)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
            else:
                continue
            found[source].update(name for name in names if name.startswith("botkit."))
    modules = {module_name(path) for path in ROOT.rglob("*.py")}
    return {source: {name for name in names if name in modules} for source, names in found.items()}


def test_no_module_imports_a_higher_layer() -> None:
    wrong = []
    for source, targets in imports().items():
        for target in targets:
            if layer(target) != layer(source) and layer(target) not in ALLOWED[layer(source)]:
                wrong.append(f"{source} imports {target}")
    assert not wrong, "\n".join(sorted(wrong))


def test_no_two_modules_import_each_other() -> None:
    graph = imports()
    cycles = sorted(
        f"{a} <-> {b}"
        for a, targets in graph.items()
        for b in targets
        if a < b and a in graph.get(b, set()) and not b.startswith(a + ".") and not a.startswith(b + ".")
    )
    assert not cycles, "\n".join(cycles)
