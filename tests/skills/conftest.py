"""Fixtures: install skills for real, as distributions on sys.path with entry_points.txt."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest


@pytest.fixture
def install_skills(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[dict[str, str]], None]:
    """``install_skills({"recipe": "tests.skills.sample_skills:RecipeSkill"})``: a real installed
    distribution (dist-info with entry points) that ``importlib.metadata`` finds."""

    def install(points: dict[str, str], name: str = "sample_skills") -> None:
        info = tmp_path / "site" / f"{name}-0.1.dist-info"
        info.mkdir(parents=True)
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.1\n")
        lines = "\n".join(f"{key} = {value}" for key, value in points.items())
        (info / "entry_points.txt").write_text(f"[botkit.skills]\n{lines}\n")
        monkeypatch.syspath_prepend(str(tmp_path / "site"))

    return install
