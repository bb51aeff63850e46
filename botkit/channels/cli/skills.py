"""``botkit skills``: list the installed skills, and the ones refused at load with the reason."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from botkit.skills import load_skills

app = typer.Typer(help="Installed skills (entry-point group botkit.skills).", no_args_is_help=True)


@app.callback()
def skills() -> None:
    """Installed skills (entry-point group botkit.skills)."""


@app.command("list")
def list_skills(
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object with the schemas.")] = False,
) -> None:
    """List installed skills; a skill refused at load is shown with the reason (exit status 1)."""
    registry = load_skills()
    if as_json:
        payload = {"skills": [skill.describe() for skill in registry], "refused": registry.refused}
        sys.stdout.write(json.dumps(payload) + "\n")
    else:
        console = Console()
        table = Table("skill", "version", "description", box=None, show_edge=False)
        for skill in registry:
            table.add_row(skill.name, skill.version, skill.description)
        console.print(table)
        for reason in registry.refused.values():
            Console(stderr=True).print(f"[bold red]refused:[/] {reason}", highlight=False, soft_wrap=True)
    if registry.refused:
        raise typer.Exit(code=1)
