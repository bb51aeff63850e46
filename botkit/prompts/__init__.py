"""Versioned prompt templates (TOML data in this package's folders) and their loader."""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import Any


@cache
def load_template(name: str) -> dict[str, Any]:
    """``load_template("offline/v1")`` -> the parsed ``botkit/prompts/offline/v1.toml``."""
    folder, _, version = name.rpartition("/")
    node = resources.files(__name__)
    for part in folder.split("/") if folder else []:
        node = node / part
    return tomllib.loads((node / f"{version}.toml").read_text(encoding="utf-8"))
