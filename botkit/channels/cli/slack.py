"""``botkit slack --socket``: the Slack bot over Socket Mode, with the embedded job runner."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from botkit.errors import BotkitError
from botkit.settings import Settings


def slack_command(
    socket: Annotated[bool, typer.Option("--socket", help="Use Socket Mode (no public URL needed).")] = False,
    data_dir: Annotated[Path | None, typer.Option("--data-dir", help="Database and assets [./botkit-data].")] = None,
    engine: Annotated[str | None, typer.Option(help="Video engine [settings: embedded].")] = None,
    workers: Annotated[int | None, typer.Option(help="Embedded render threads [settings: 1].")] = None,
) -> None:
    """Run the Slack bot over Socket Mode (SLACK_BOT_TOKEN, SLACK_APP_TOKEN). HTTP mode runs inside
    ``botkit serve`` whenever SLACK_SIGNING_SECRET is set."""
    console = Console(stderr=True)
    if not socket:
        console.print(
            "[bold red]error:[/] HTTP mode runs inside `botkit serve` (set SLACK_SIGNING_SECRET); "
            "use --socket for Socket Mode",
            highlight=False,
        )
        raise typer.Exit(code=2)
    values: dict[str, Any] = {"data_dir": data_dir, "engine": engine, "workers": workers}
    settings = Settings(**{key: value for key, value in values.items() if value is not None})
    from botkit.bot import Bot
    from botkit.channels.extras import require

    try:
        require("slack", "botkit slack")
        from botkit.channels.slack.app import run_socket_mode
        from botkit.channels.slack.settings import SlackSettings

        slack = SlackSettings()
        logging.getLogger("botkit").setLevel(logging.INFO)
        bot = Bot.open(settings)
        console.print(f"Slack over Socket Mode, engine {settings.engine}; Ctrl-C stops", highlight=False)
        run_socket_mode(bot, slack)
    except BotkitError as exc:
        console.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(code=2) from None
    except KeyboardInterrupt:
        console.print("stopped", highlight=False)
