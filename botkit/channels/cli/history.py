"""``botkit history``: the conversations in the data dir, and one conversation's revisions and videos.

Ids are shown shortened to 8 characters; any unique prefix works here and in
``botkit chat --conversation``. Lines fit 80 columns (paths get their own line).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from botkit.domain.history import ConversationSummary, RevisionSummary
from botkit.errors import BotkitError

SHORT_ID = 8


def _when(value) -> str:
    return value.strftime("%Y-%m-%d %H:%M")


def conversations_table(rows: list[ConversationSummary]) -> Table:
    table = Table(box=None, pad_edge=False, header_style="bold")
    table.add_column("id", no_wrap=True)
    table.add_column("last message", no_wrap=True)
    table.add_column("via", no_wrap=True)
    table.add_column("revs", justify="right", no_wrap=True)
    table.add_column("videos", justify="right", no_wrap=True)
    table.add_column("title", no_wrap=True, overflow="ellipsis", ratio=1)
    for row in rows:
        table.add_row(
            row.id[:SHORT_ID], _when(row.last_at), row.channel, str(row.revisions), str(row.outputs), row.title
        )
    return table


def print_revisions(console: Console, conversation_id: str, revisions: list[RevisionSummary], assets: Path) -> None:
    console.print(f"[bold]conversation {conversation_id}[/]", highlight=False)
    for revision in revisions:
        console.print()
        asked = f' "{revision.request}"' if revision.request else ""
        console.print(
            f"[bold]revision {revision.revision}[/] {_when(revision.created_at)}{asked}", highlight=False, markup=True
        )
        console.print(revision.summary, highlight=False, markup=False)
        console.print(f"  planner: {revision.planner}", highlight=False, markup=False)
        for job in revision.jobs:
            state = f"job {job.id[:SHORT_ID]}: {job.state}"
            if job.error:
                state += f" ({job.error})"
            console.print(f"  {state}", highlight=False, markup=False)
            if job.reply:
                console.print(f"    {job.reply}", highlight=False, markup=False)
            for video in job.videos:
                console.print(
                    f"    {video.platform} {video.width}x{video.height} {video.duration_s:.1f} s:",
                    highlight=False,
                    markup=False,
                )
                console.print(f"      {assets / video.path}", highlight=False, markup=False, soft_wrap=True)


def history_command(
    conversation: str | None, *, as_json: bool, limit: int, data_dir: Path | None, settings_for
) -> None:
    from botkit.store.db import open_db, session_factory
    from botkit.store.history import History
    from botkit.store.migrate import upgrade

    console = Console()
    try:
        settings = settings_for(data_dir)
        db = open_db(settings.resolved_database_url())
        upgrade(db)
        history = History(session_factory(db))
        if conversation is None:
            rows = history.conversations(limit=limit)
            if as_json:
                typer.echo(json.dumps([row.model_dump(mode="json") for row in rows]))
                return
            if not rows:
                console.print(f'no conversations in {settings.data_dir} yet; start one: botkit chat "..."')
                return
            console.print(conversations_table(rows))
            console.print(
                'details: botkit history ID · follow up: botkit chat --conversation ID "..."', highlight=False
            )
            return
        conversation_id = history.resolve(conversation)
        revisions = history.revisions(conversation_id)
    except BotkitError as exc:
        Console(stderr=True).print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    if as_json:
        typer.echo(json.dumps({"id": conversation_id, "revisions": [r.model_dump(mode="json") for r in revisions]}))
        return
    print_revisions(console, conversation_id, revisions, settings.data_dir.resolve() / "assets")


ConversationArg = Annotated[
    str | None, typer.Argument(help="A conversation id (or its first characters) to show in full.")
]
