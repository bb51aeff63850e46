"""A missing optional part (pip extra) is a one-line error that names the extra to install."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from botkit.channels import extras
from botkit.errors import InputError

ROOT = Path(__file__).resolve().parents[1]


def test_a_missing_extra_names_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    real = extras.find_spec
    monkeypatch.setattr(extras, "find_spec", lambda name: None if name == "uvicorn" else real(name))
    assert not extras.installed("web")
    with pytest.raises(InputError, match=r"botkit serve needs botkit's \[web\] extra \(uvicorn not installed\)"):
        extras.require("web", "botkit serve")
    monkeypatch.setattr(extras, "find_spec", real)
    extras.require("web", "botkit serve")  # installed here (the dev extra pulls in all)


def test_every_extra_named_in_code_is_declared_in_pyproject() -> None:
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    assert set(extras.EXTRAS) <= set(declared)
    assert {"web", "slack", "celery", "postgres", "llm", "dev"} <= set(declared)
