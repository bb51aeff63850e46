"""``botkit usage``: what each tenant (widget site, Slack workspace) or user used, and its quotas."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.console import Console
from rich.table import Table

from botkit.errors import BotkitError
from botkit.settings import Settings


def usage_command(
    period: Annotated[
        str, typer.Option("--period", help="day (today, UTC), month (this month, UTC) or all.")
    ] = "month",
    by: Annotated[str, typer.Option("--by", help="tenant or user.")] = "tenant",
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    data_dir: Annotated[
        Path | None, typer.Option("--data-dir", help="Where the database lives [./botkit-data].")
    ] = None,
) -> None:
    """Jobs, engine seconds (GPU-seconds on a GPU), video seconds and bytes stored per tenant or
    user, with each tenant's quotas (BOTKIT_QUOTAS) and what is left of them."""
    from botkit.jobs.context import quotas_of
    from botkit.store.db import open_db, session_factory
    from botkit.store.migrate import upgrade
    from botkit.store.usage import UsageRepository, window_start

    err = Console(stderr=True)
    if period not in ("day", "month", "all") or by not in ("tenant", "user"):
        err.print("[bold red]error:[/] --period is day, month or all; --by is tenant or user", highlight=False)
        raise typer.Exit(code=2)
    settings = Settings(data_dir=data_dir) if data_dir is not None else Settings()
    try:
        db = open_db(settings.resolved_database_url())
        upgrade(db)
        usage = UsageRepository(session_factory(db), quotas_of(settings))
        now = datetime.now(UTC)
        since = None if period == "all" else window_start(period, now)  # type: ignore[arg-type]
        grouping: Literal["tenant", "user"] = "user" if by == "user" else "tenant"
        rows = usage.report(since=since, by=grouping)
        quotas = {}
        if grouping == "tenant":
            with usage.sessions() as session:
                for row in rows:
                    standing = usage.standing(session, row["tenant"], now)
                    if standing:
                        quotas[row["tenant"]] = standing
    except BotkitError as exc:
        err.print(f"[bold red]error:[/] {exc}", highlight=False)
        raise typer.Exit(code=2) from None
    if as_json:
        out = {
            "period": period,
            "since": since.isoformat() if since else None,
            "rows": [{**row, "last": row["last"].isoformat() if row["last"] else None} for row in rows],
            "quotas": {
                tenant: [
                    {
                        "limit": s.name,
                        "used": s.used,
                        "max": s.limit,
                        "left": s.left,
                        "resets_at": s.resets_at.isoformat(),
                    }
                    for s in standing
                ]
                for tenant, standing in quotas.items()
            },
        }
        typer.echo(json.dumps(out))
        return
    title = f"usage {'since ' + since.strftime('%Y-%m-%d') + ' UTC' if since else '(all time)'}, succeeded jobs"
    table = Table(grouping, "jobs", "engine s", "video s", "MB stored", "quotas (used / limit)", title=title)
    for row in rows:
        shown = "; ".join(f"{s.name} {s.used:g}/{s.limit:g}" for s in quotas.get(row.get("tenant") or "", []))
        table.add_row(
            str(row[grouping] or "(none: CLI, Python)"),
            str(row["jobs"]),
            f"{row['engine_s']:.1f}",
            f"{row['video_s']:.1f}",
            f"{row['bytes'] / 1e6:.1f}",
            shown or "-",
        )
    Console().print(table)


def register(root: typer.Typer) -> None:
    """Add ``usage`` to the root ``botkit`` app."""
    root.command("usage")(usage_command)
