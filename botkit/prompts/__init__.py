"""Loads versioned prompt templates from the ``prompts/`` folder (``botkit_prompts`` when installed)."""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import Any


@cache
def load_template(name: str) -> dict[str, Any]:
    """``load_template("offline/v1")`` -> the parsed ``prompts/offline/v1.toml``."""
    folder, _, version = name.rpartition("/")
    node = resources.files("botkit_prompts")
    for part in folder.split("/") if folder else []:
        node = node / part
    return tomllib.loads((node / f"{version}.toml").read_text(encoding="utf-8"))
