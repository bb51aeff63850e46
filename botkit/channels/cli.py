"""The ``botkit`` command line: one request in, MP4s out; plus database and admin commands."""

from __future__ import annotations

import json
import logging
import os
import shutil
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from botkit.channels.cli_models import app as models_app
from botkit.channels.cli_skills import app as skills_app
from botkit.channels.cli_web import sites_app
from botkit.domain import Progress as BotProgress
from botkit.errors import BotkitError
from botkit.settings import Settings

app = typer.Typer(
    help="botkit: chatbots that make short videos.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(models_app, name="models", help="Video models in the registry: list, check.")
app.add_typer(skills_app, name="skills", help="Installed skills: list.")
app.add_typer(sites_app, name="sites", help="Websites that embed the chat widget.")

DataDir = Annotated[Path | None, typer.Option("--data-dir", help="Where the database and assets live [./botkit-data].")]


def _settings(data_dir: Path | None, **overrides) -> Settings:  # type: ignore[no-untyped-def]
    values = {k: v for k, v in overrides.items() if v is not None}
    if data_dir is not None:
        values["data_dir"] = data_dir
    return Settings(**values)


def _fail(message: str) -> typer.Exit:
    Console(stderr=True).print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(code=2)


@app.command()
def chat(
    request: Annotated[
        str, typer.Argument(help='What to make, e.g. "a 10 second TikTok teaser for our new trail shoes".')
    ],
    platform: Annotated[
        list[str] | None, typer.Option("--platform", "-p", help="Target platform (repeatable).")
    ] = None,
    skill: Annotated[str | None, typer.Option(help="marketing | social | storyboard | training.")] = None,
    image: Annotated[
        list[Path] | None, typer.Option("--image", "-i", help="Storyboard panel / product image (repeatable).")
    ] = None,
    seed: Annotated[int | None, typer.Option(help="Seed for reproducible shots.")] = None,
    out: Annotated[Path | None, typer.Option(help="Also copy the videos and posters into this folder.")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Plan only; render nothing.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object on stdout.")] = False,
    engine: Annotated[str | None, typer.Option(help="Video engine [embedded].")] = None,
    reframe: Annotated[str, typer.Option(help="auto | crop | blur-pad.")] = "auto",
    skills_config: Annotated[
        Path | None,
        typer.Option("--skills-config", help="TOML with skill configs, e.g. a [marketing] brand kit [settings]."),
    ] = None,
    data_dir: DataDir = None,
) -> None:
    """Plan and render one request; prints the plan and where the videos are."""
    from botkit.bot import Bot

    console = Console(stderr=as_json)
    if reframe not in ("auto", "crop", "blur-pad"):
        raise _fail(f"unknown reframe mode {reframe!r}; choose auto, crop or blur-pad")
    try:
        bot = Bot.open(_settings(data_dir, engine=engine, skills_config=skills_config))
        turn = bot.plan(request, images=image or [], platforms=platform or [], skill=skill, seed=seed, channel="cli")
        if not as_json:
            console.print(f"[bold]Plan[/] ({turn.plan.planner}):", highlight=False)
            console.print(turn.plan.summary(), highlight=False, markup=False)
        if not dry_run:
            with Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                transient=as_json,
            ) as bar:
                task = bar.add_task("rendering", total=None)

                def show(event: BotProgress) -> None:
                    if event.stage == "rendering" and event.steps:
                        bar.update(
                            task,
                            description=f"shot {event.shot + 1}/{event.shots}",
                            completed=event.step,
                            total=event.steps,
                        )
                    elif event.stage == "post":
                        bar.update(task, description="encoding", completed=0, total=None)
                    elif event.stage == "done":
                        bar.update(task, description="done", completed=1, total=1)

                turn = bot.render(turn, on_progress=show, mode=reframe)  # type: ignore[arg-type]
    except BotkitError as exc:
        raise _fail(str(exc)) from None
    outputs = [output.model_dump() for output in turn.outputs]
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        for output in outputs:
            for key in ("path", "poster"):
                output[key] = str(shutil.copy2(output[key], out / Path(output[key]).name))
    if as_json:
        payload = {
            "conversation_id": turn.conversation_id,
            "plan_id": turn.plan_id,
            "job_id": turn.job_id,
            "plan": turn.plan.model_dump(mode="json"),
            "outputs": outputs,
        }
        sys.stdout.write(json.dumps(payload) + "\n")
        return
    for output in outputs:
        console.print(
            f"[green]{output['platform']}[/]: {output['path']} ({output['width']}x{output['height']}, "
            f"{output['duration_s']:g} s)",
            highlight=False,
        )


@app.command()
def worker(
    engine: Annotated[list[str] | None, typer.Option("--engine", help="Engine queue(s) to serve [settings].")] = None,
    concurrency: Annotated[int, typer.Option(help="Worker processes (Celery) or threads (embedded).")] = 1,
    data_dir: DataDir = None,
) -> None:
    """Serve render jobs: a Celery worker when BOTKIT_JOBS=celery, else embedded worker threads
    that take queued jobs straight from SQL (no broker needed)."""
    settings = _settings(data_dir)
    engines = engine or [settings.engine]
    if settings.jobs == "celery":
        from botkit.jobs.celery_app import run_worker
        from botkit.store.db import make_engine
        from botkit.store.migrate import upgrade

        upgrade(make_engine(settings.resolved_database_url()))
        run_worker(settings, engines, concurrency=concurrency)
        return
    import signal
    import threading

    from botkit.bot import Bot

    if len(engines) != 1:
        raise _fail("the embedded runner serves one engine; start one worker per engine")
    bot = Bot.open(settings.model_copy(update={"engine": engines[0], "workers": concurrency}))
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    bot.start_workers()
    Console(stderr=True).print(f"embedded worker: engine {engines[0]}, {concurrency} thread(s)", highlight=False)
    try:
        stopped.wait()
    except KeyboardInterrupt:
        pass
    bot.stop_workers()


@app.command()
def report(
    conversation_id: Annotated[str, typer.Argument(help="The conversation to report on.")],
    job: Annotated[str | None, typer.Option(help="Only this render job.")] = None,
    out: Annotated[Path | None, typer.Option(help="HTML file to write [<data-dir>/reports/<id>.html].")] = None,
    data_dir: DataDir = None,
) -> None:
    """Write an HTML report: the plan, contact sheets and quality signals over time."""
    from botkit.channels.cli_report import report_command  # heavy (quality, OpenCV): load on use

    report_command(conversation_id, job=job, out=out, data_dir=data_dir)


@app.command()
def serve(
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    data_dir: DataDir = None,
) -> None:
    """Serve the web API and chat widget (and Slack when SLACK_SIGNING_SECRET is set), with the
    embedded job runner (or Celery workers when BOTKIT_JOBS=celery)."""
    from botkit.channels.cli_web import serve as serve_web

    Console(stderr=True).print(f"botkit serving on http://{host}:{port} (widget: /widget.js)", highlight=False)
    try:
        serve_web(_settings(data_dir), host, port)
    except BotkitError as exc:
        raise _fail(str(exc)) from None


@app.command()
def slack(
    socket: Annotated[bool, typer.Option("--socket", help="Use Socket Mode (no public URL needed).")] = False,
    data_dir: DataDir = None,
) -> None:
    """Run the Slack bot over Socket Mode (SLACK_BOT_TOKEN, SLACK_APP_TOKEN). HTTP mode runs inside
    ``botkit serve``."""
    if not socket:
        raise _fail("HTTP mode runs inside `botkit serve` (set SLACK_SIGNING_SECRET); use --socket for Socket Mode")
    from botkit.bot import Bot
    from botkit.channels.slack.app import run_socket_mode

    try:
        run_socket_mode(Bot.open(_settings(data_dir)))
    except BotkitError as exc:
        raise _fail(str(exc)) from None


@app.command(
    "train-embedded",
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True, "help_option_names": []},
    add_help_option=False,
)
def train_embedded(ctx: typer.Context) -> None:
    """Train the embedded video model (all options: botkit train-embedded --help)."""
    from botkit.engine.embedded.training.train import main as train_main

    train_main(list(ctx.args))


@db_app.command("upgrade")
def db_upgrade(data_dir: DataDir = None) -> None:
    """Apply the Alembic migrations (SQLite in the data dir, or BOTKIT_DATABASE_URL)."""
    from botkit.store.db import make_engine
    from botkit.store.migrate import current_revision, upgrade

    settings = _settings(data_dir)
    engine = make_engine(settings.resolved_database_url())
    upgrade(engine)
    Console().print(
        f"database at revision {current_revision(engine)}: {engine.url.render_as_string()}", highlight=False
    )


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        app()
        code: object = 0
    except SystemExit as done:
        code = done.code
    # Leave without tearing the interpreter down: freeing torch's module graph and the rest took
    # 0.9 s after the work was done, and by now every file is in place and every row committed.
    if isinstance(code, str):
        print(code, file=sys.stderr)
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    logging.shutdown()
    os._exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()
