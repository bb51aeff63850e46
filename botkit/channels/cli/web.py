"""``botkit serve`` (web API + widget on uvicorn, embedded job runner) and ``botkit sites`` admin."""

from __future__ import annotations

import json
import logging
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from botkit.errors import InputError
from botkit.settings import Settings

logger = logging.getLogger(__name__)

sites_app = typer.Typer(help="Websites that embed the chat widget (site keys, secrets, origins).", no_args_is_help=True)


def serve(
    settings: Settings, host: str = "127.0.0.1", port: int = 8000, *, workers: bool = True, processes: int = 1
) -> None:
    """Run the web API and widget (and Slack's endpoints when SLACK_SIGNING_SECRET is set) until
    interrupted; the embedded job runner serves renders in this process unless ``workers`` is False,
    ``BOTKIT_SERVE_JOBS=false`` (renders in ``botkit worker``) or ``BOTKIT_JOBS=celery``.
    ``processes`` > 1: that many web processes (uvicorn workers) on one port; the job runner then
    runs once, in this supervising process, never in the web processes."""
    from botkit.channels.extras import installed, require

    require("web", "botkit serve")
    import uvicorn

    workers = workers and settings.serve_jobs
    if processes > 1:
        serve_processes(settings, host, port, processes, run_jobs=workers)
        return

    from botkit.bot import Bot
    from botkit.channels.web import create_app

    bot = Bot.open(settings)
    bot.assets.check()  # a missing bucket or refused credentials: one line at start-up, not per request
    app = create_app(bot, settings, run_workers=workers)  # workers start and stop with the server
    slack = None
    if installed("slack"):
        from botkit.channels.slack.app import mount as mount_slack

        slack = mount_slack(app, bot)  # None unless SLACK_SIGNING_SECRET is set
    else:
        logger.info("botkit[slack] is not installed: the Slack endpoints are not mounted")
    try:
        # proxy_headers off: uvicorn would believe any X-Forwarded-For from 127.0.0.1; botkit reads it
        # itself, only from the proxies named in BOTKIT_TRUSTED_PROXIES
        uvicorn.run(app, host=host, port=port, log_level="warning", timeout_graceful_shutdown=5, proxy_headers=False)
    finally:
        if slack is not None:
            slack.close()


def serve_processes(settings: Settings, host: str, port: int, processes: int, *, run_jobs: bool) -> None:
    import os

    import uvicorn

    from botkit.bot import Bot
    from botkit.channels.web.process import SETTINGS_VARIABLE

    bot = Bot.open(settings)  # the migrations run once, before any web process starts
    embedded = run_jobs and settings.jobs == "embedded"
    if embedded:
        bot.start_workers()  # the one embedded runner: here, apart from the web processes
    os.environ[SETTINGS_VARIABLE] = settings.model_dump_json()  # the web processes build the same settings
    try:
        uvicorn.run(
            "botkit.channels.web.process:app",
            factory=True,
            host=host,
            port=port,
            workers=processes,
            log_level="warning",
            timeout_graceful_shutdown=5,
            proxy_headers=False,
        )
    finally:
        if embedded:
            bot.stop_workers()
        bot.close_listener()


def _bot(settings: Settings):
    from botkit.bot import Bot

    return Bot.open(settings)


@sites_app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="A name for the site, e.g. 'Trail shoes shop'.")],
    origin: Annotated[
        list[str] | None,
        typer.Option("--origin", "-o", help="Allowed origin, e.g. https://shop.example.com (repeatable)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    data_dir: Annotated[
        str | None, typer.Option("--data-dir", help="Where the database lives [./botkit-data].")
    ] = None,
    ai_badge: Annotated[
        bool | None,
        typer.Option(
            "--ai-badge/--no-ai-badge", help="The on-screen 'AI' badge on this site's videos [BOTKIT_AI_BADGE]."
        ),
    ] = None,
) -> None:
    """Create a site; prints its public site key and its secret (keep the secret on your backend)."""
    from botkit.channels.web import create_site
    from botkit.store.sites import SiteRepository

    settings = Settings(data_dir=data_dir) if data_dir else Settings()
    try:
        sessions = _bot(settings).repo.sessions
        site = create_site(sessions, name, origin or [])
        if ai_badge is not None:
            site = SiteRepository(sessions).configure(site.site_key, ai_badge=ai_badge)
    except InputError as exc:
        Console(stderr=True).print(f"[bold red]error:[/] {exc}", highlight=False)
        raise typer.Exit(code=2) from None
    if as_json:
        typer.echo(
            json.dumps(
                {"site_key": site.site_key, "secret": site.secret, "name": site.name, "origins": list(site.origins)}
            )
        )
        return
    typer.echo(f"site key: {site.site_key}")
    typer.echo(f"secret:   {site.secret}")
    typer.echo(f"origins:  {', '.join(site.origins) or '(none: only same-origin pages and server-side clients)'}")
    typer.echo(f'embed:    <script src="https://YOUR-BOTKIT-HOST/widget.js" data-site-key="{site.site_key}"></script>')


@sites_app.command("list")
def list_(
    data_dir: Annotated[
        str | None, typer.Option("--data-dir", help="Where the database lives [./botkit-data].")
    ] = None,
) -> None:
    """List sites (keys and origins; secrets are not shown)."""
    from botkit.channels.web import list_sites

    settings = Settings(data_dir=data_dir) if data_dir else Settings()
    table = Table("site key", "name", "origins")
    for site in list_sites(_bot(settings).repo.sessions):
        table.add_row(site.site_key, site.name, ", ".join(site.origins))
    Console().print(table)
