"""A deployment's skill configs from one TOML file: a table per skill, checked by its ``Config``.

# skills.toml (BOTKIT_SKILLS_CONFIG=skills.toml)
[marketing]
brand_name = "Lumo"
colours = ["#FF6600", "#222222"]
logo = "brand/logo.png"      # relative paths are relative to this file
cta = "Shop now"
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import ValidationError

from botkit.errors import InputError
from botkit.skills.registry import SkillRegistry


def load_skill_configs(path: Path, skills: SkillRegistry) -> None:
    """Validate ``path`` and set each of its tables as that skill's config in ``skills``.
    Raises ``InputError`` naming the file, the table and the field at fault."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"skills config {path} does not exist") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"skills config {path} is not valid TOML: {exc}") from None
    for name, table in data.items():
        if name not in skills:
            raise InputError(
                f"skills config {path}: [{name}] is not an installed skill; installed: {', '.join(skills.names())}"
            )
        if not isinstance(table, dict):
            raise InputError(f"skills config {path}: {name} must be a table ([{name}] followed by its settings)")
        try:
            config = skills.get(name).parse_config(table)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(map(str, first["loc"]))
            raise InputError(f"skills config {path}: [{name}] {where}: {first['msg']}") from None
        relative = {
            key: (path.parent / value).resolve()
            for key, value in config
            if isinstance(value, Path) and not value.is_absolute()
        }
        for key, value in relative.items():
            if not value.exists():
                raise InputError(f"skills config {path}: [{name}] {key}: {value} does not exist")
        skills.configure(name, config.model_copy(update=relative))
