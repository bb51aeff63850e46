"""The ``botkit`` command line: one request in, MP4s out; plus database and admin commands."""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from botkit.channels.cli.credentials import register as register_credentials
from botkit.channels.cli.history import ConversationArg, history_command
from botkit.channels.cli.library import app as library_app
from botkit.channels.cli.models import app as models_app
from botkit.channels.cli.skills import app as skills_app
from botkit.channels.cli.slack import slack_command
from botkit.channels.cli.usage import register as register_usage
from botkit.channels.cli.web import sites_app
from botkit.domain import Progress as BotProgress
from botkit.domain.library import LOCAL_TENANT
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
app.add_typer(library_app, name="library", help="The media library and brand kit: add, list, remove, kit.")
register_credentials(app)
app.command("slack")(slack_command)
register_usage(app)

DataDir = Annotated[Path | None, typer.Option("--data-dir", help="Where the database and assets live [./botkit-data].")]


def _settings(data_dir: Path | None, **overrides) -> Settings:
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
    conversation: Annotated[
        str | None,
        typer.Option(
            "--conversation", "-c", help="Follow up in this conversation (its id or first characters): revise its plan."
        ),
    ] = None,
    continue_: Annotated[
        bool, typer.Option("--continue", help="Follow up in the latest conversation of the data dir.")
    ] = False,
    platform: Annotated[
        list[str] | None, typer.Option("--platform", "-p", help="Target platform (repeatable).")
    ] = None,
    skill: Annotated[str | None, typer.Option(help="marketing | social | storyboard | training.")] = None,
    image: Annotated[
        list[Path] | None,
        typer.Option("--image", "-i", help="Storyboard panel / product image, or a video clip (repeatable)."),
    ] = None,
    media: Annotated[
        list[Path] | None,
        typer.Option("--media", "-m", help="Your own footage (MP4, MOV, WebM, animated GIF) or photo (repeatable)."),
    ] = None,
    export: Annotated[
        str | None,
        typer.Option("--export", help="Also write the edit for an editor: otio, fcpxml, fcp7 (comma-separated)."),
    ] = None,
    seed: Annotated[int | None, typer.Option(help="Seed for reproducible shots.")] = None,
    out: Annotated[Path | None, typer.Option(help="Also copy the videos and posters into this folder.")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Plan only; render nothing.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object on stdout.")] = False,
    engine: Annotated[str | None, typer.Option(help="Video engine [embedded].")] = None,
    reframe: Annotated[
        str, typer.Option(help="auto | crop | blur-pad | follow (a crop that follows the subject).")
    ] = "auto",
    skills_config: Annotated[
        Path | None,
        typer.Option("--skills-config", help="TOML with skill configs, e.g. a [marketing] brand kit [settings]."),
    ] = None,
    voice: Annotated[
        str | None, typer.Option(help="Voice id for the narration (see the voice table), e.g. joe or espeak:de.")
    ] = None,
    no_voice: Annotated[bool, typer.Option("--no-voice", help="No narration: a silent or music-only video.")] = False,
    music: Annotated[
        str | None, typer.Option(help="Music: a built-in bed (calm, bright, focus), a music file, or none.")
    ] = None,
    preview: Annotated[
        bool,
        typer.Option(
            "--preview",
            help="Render a quick animatic for approval first; then: botkit chat -c ID approve | cancel | a change.",
        ),
    ] = False,
    data_dir: DataDir = None,
) -> None:
    """Plan and render one request, or a follow-up that revises a conversation's plan (only the
    shots it changes are rendered again); prints the plan, the quality checks' reply and the videos.
    With --preview an animatic comes first; in a conversation with a preview waiting, "approve"
    renders it, "cancel" drops it, and a change previews again."""
    from botkit.agent.revise import changed_shots
    from botkit.agent.suggest import suggestions_for
    from botkit.bot import Bot
    from botkit.channels.cli.preview import decide, decision_word, next_steps
    from botkit.post.reframe import REFRAME_MODES
    from botkit.provenance.disclosure import ai_generated_line, assistant_intro
    from botkit.render.handoff import timeline_formats
    from botkit.store.history import History

    console = Console(stderr=as_json, soft_wrap=True)  # paths stay whole for copy and paste
    if reframe not in REFRAME_MODES:
        raise _fail(f"unknown reframe mode {reframe!r}; choose from: {', '.join(REFRAME_MODES)}")
    if conversation is not None and continue_:
        raise _fail("give --conversation ID or --continue, not both")
    if seed is not None and not 0 <= seed < 2**32:
        raise _fail(f"--seed must be a whole number from 0 to {2**32 - 1}, got {seed}")
    repeated = sorted({p for p in platform or [] if (platform or []).count(p) > 1})
    if repeated:
        raise _fail(f"--platform {repeated[0]} is given more than once; name each platform once")
    if voice and no_voice:
        raise _fail("give --voice NAME or --no-voice, not both")
    sound = _sound_choice(voice, no_voice, music)
    reply = ""
    changed: list[int] | None = None
    note = ""
    decided: dict | None = None
    try:
        settings = _settings(data_dir, engine=engine, skills_config=skills_config,
                             timeline_export=",".join(timeline_formats(export)) if export else None)  # fmt: skip
        bot = Bot.open(settings)
        uploads = [*(image or []), *(media or [])]
        conversation_id = None
        if conversation is not None:
            conversation_id = History(bot.repo.sessions).resolve(conversation)
        elif continue_:
            conversation_id = History(bot.repo.sessions).latest()
            if conversation_id is None:
                raise BotkitError(f'no conversation in {settings.data_dir} to continue; start one: botkit chat "..."')
        word = decision_word(request)
        if word is not None and conversation_id is None:
            raise BotkitError(f'"{word}" is for a preview: botkit chat --conversation ID {word} (or --continue {word})')
        previewing = preview or (conversation_id is not None and bot.pending_preview(conversation_id) is not None)
        if word is not None:
            assert conversation_id is not None
            turn, reply, note, decided = decide(
                bot, conversation_id, word, render=_render, reframe=reframe, transient=as_json
            )
            changed = [] if word == "cancel" else None
        elif conversation_id is None:
            turn = bot.plan(
                request, images=uploads, platforms=platform or [], skill=skill, seed=seed, channel="cli",
                sound=sound, tenant=LOCAL_TENANT,
            )  # fmt: skip
        else:
            _plan_id, previous = bot.repo.latest_plan(conversation_id)
            turn = bot.follow_up(
                conversation_id, request, images=uploads, platforms=platform or [], skill=skill, seed=seed,
                sound=sound, tenant=LOCAL_TENANT,
            )  # fmt: skip
            changed = changed_shots(previous, turn.plan)
        revision = (bot.repo.latest_revision(turn.conversation_id) or (1, turn.plan))[0]
        if not as_json and word is None:
            if conversation_id is None:  # a new conversation's first message says the bot is an AI (Art. 50(1))
                console.print(assistant_intro(), highlight=False, markup=False)
            _print_plan(console, turn.plan, turn.conversation_id, revision, changed)
        if not dry_run and word is None:
            turn, reply = _render(bot, turn, reframe, transient=as_json, run=bot.preview if previewing else None)
            if previewing:
                note, decided = next_steps(turn.conversation_id), {"preview_id": turn.job_id, "decision": None}
    except BotkitError as exc:
        raise _fail(str(exc)) from None
    outputs = [output.model_dump() for output in turn.outputs]
    timelines = [
        str(bot.assets.path(row["path"])) for row in bot.repo.assets_of(turn.conversation_id, "timeline", job_id=turn.job_id)
    ] if turn.job_id else []  # fmt: skip
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        for output in outputs:
            sidecars = _sidecars(output)
            for key in ("path", "poster"):
                output[key] = str(shutil.copy2(output[key], out / Path(output[key]).name))
            for sidecar in sidecars:
                shutil.copy2(sidecar, out / sidecar.name)
    if as_json:
        payload = {
            "conversation_id": turn.conversation_id,
            "plan_id": turn.plan_id,
            "revision": revision,
            "job_id": turn.job_id,
            "plan": turn.plan.model_dump(mode="json"),
            "rendered_again": changed if changed is not None else [shot.index for shot in turn.plan.shots],
            "reply": reply,
            "outputs": outputs,
            "disclosure": ai_generated_line() if outputs else None,
            "timelines": timelines,
        }
        if conversation_id is None:
            payload["intro"] = assistant_intro()
        if decided is not None:
            payload["preview"] = decided
        sys.stdout.write(json.dumps(payload) + "\n")
        return
    for output in outputs:
        console.print(
            f"[green]{output['platform']}[/] {output['width']}x{output['height']} {output['duration_s']:g} s: "
            f"{output['path']}",
            highlight=False,
        )
        for sidecar in _sidecars(output):
            console.print(f"  subtitles: {sidecar}", highlight=False, markup=False)
    if outputs:
        console.print(f"{ai_generated_line()} ({_credentials_note(bot)})", highlight=False, markup=False)
    for timeline in timelines:
        console.print(f"[cyan]timeline[/] {timeline}", highlight=False)
    if reply:
        flagged = "Quality checks still flag" in reply
        console.print(f"[yellow]{reply}[/]" if flagged else reply, highlight=False, markup=flagged)
    if note:
        console.print(note, highlight=False, markup=False)
        if decided is not None and decided.get("decision") != "approved":
            return
    example = next((s.text for s in suggestions_for(turn.plan) if s.id != "take"), "another take")
    console.print(
        f'conversation {turn.conversation_id[:8]}: follow up with  botkit chat --continue "{example}"',
        highlight=False,
        markup=False,
    )


def _sound_choice(voice: str | None, no_voice: bool, music: str | None):
    from botkit.render.sound import SoundChoice

    if music and music.lower() not in ("none", "calm", "bright", "focus"):
        music = str(Path(music).expanduser().resolve())  # a file: stored as an absolute path
    if not (voice or no_voice or music):
        return None
    return SoundChoice(voice=voice, narration=False if no_voice else None, music=music)


def _sidecars(output: dict) -> list[Path]:
    """The SRT and WebVTT files next to an output video (the sound step writes them)."""
    video = Path(output["path"])
    return [path for path in (video.with_suffix(".srt"), video.with_suffix(".vtt")) if path.is_file()]


def _credentials_note(bot) -> str:
    signer = bot.context.render.signer
    if signer is None:
        return "content credentials are off: BOTKIT_SIGNING=off"
    who = "the botkit development certificate, untrusted" if signer.status.certificate.development else (
        signer.status.certificate.common_name)  # fmt: skip
    return f"content credentials inside each file, signed with {who}; check one: botkit verify FILE"


_FALLBACK = re.compile(r"\(llm fallback: ([^)]*)\)")


def _print_plan(console: Console, plan, conversation_id: str, revision: int, changed: list[int] | None) -> None:
    if changed is None:
        console.print(f"[bold]Plan[/] ({plan.planner}):", highlight=False)
    else:
        console.print(f"[bold]Revision {revision}[/] of {conversation_id[:8]} ({plan.planner}):", highlight=False)
    console.print(plan.summary(), highlight=False, markup=False)
    if plan.style:
        console.print(f"  style: {plan.style}", highlight=False, markup=False)
    fallback = _FALLBACK.search(plan.planner)
    if fallback:
        console.print(
            f"[yellow]note:[/] the LLM planner was not used ({fallback.group(1)}); the offline planner made this plan.",
            highlight=False,
        )
    if changed is not None:
        if not changed:
            console.print("renders no shot again: every clip is re-used", highlight=False)
        else:
            kept = len(plan.shots) - len(changed)
            shots = ", ".join(str(index + 1) for index in changed)
            console.print(f"renders shot(s) {shots} again; re-uses {kept} clip(s)", highlight=False)


def _render(bot, turn, reframe: str, *, transient: bool, run=None):
    """Render with a progress bar; returns the turn and the job's reply (what the quality checks
    still flag after their retry is in it). ``run``: what renders (``bot.render``; a preview, an approval)."""
    reply = ""
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=transient,
    ) as bar:
        task = bar.add_task("rendering", total=None)

        def show(event: BotProgress) -> None:
            nonlocal reply
            if event.stage == "rendering" and event.steps:
                bar.update(
                    task,
                    description=f"shot {(event.shot or 0) + 1}/{event.shots}",
                    completed=event.step,
                    total=event.steps,
                )
            elif event.stage == "post":
                bar.update(task, description="encoding", completed=0, total=None)
            elif event.stage == "done":
                reply = event.detail or ""
                bar.update(task, description="done", completed=1, total=1)

        turn = (run or bot.render)(turn, on_progress=show, mode=reframe)
    return turn, reply


@app.command()
def history(
    conversation: ConversationArg = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON on stdout.")] = False,
    limit: Annotated[int, typer.Option(min=1, max=1000, help="How many conversations to list.")] = 20,
    data_dir: DataDir = None,
) -> None:
    """List the conversations (id, last message, channel, revisions, videos, title), or show one:
    every revision with the message that asked for it, its jobs, replies and videos."""
    history_command(conversation, as_json=as_json, limit=limit, data_dir=data_dir, settings_for=_settings)


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
    if settings.metrics_port and settings.jobs == "embedded":
        from botkit import metrics

        if metrics.serve(settings.metrics_port):
            Console(stderr=True).print(f"metrics on :{settings.metrics_port}/metrics", highlight=False)
    if settings.jobs == "celery":
        from botkit.channels.extras import require

        try:
            require("celery", "BOTKIT_JOBS=celery")
        except BotkitError as exc:
            raise _fail(str(exc)) from None
        from botkit.jobs.celery_app import run_worker
        from botkit.store.db import open_db
        from botkit.store.migrate import upgrade

        upgrade(open_db(settings.resolved_database_url()))
        from botkit.render.context import asset_store

        asset_store(settings).check()  # a missing bucket or refused credentials: one line now, not per job
        run_worker(settings, engines, concurrency=concurrency)
        return
    import signal
    import threading

    from botkit.bot import Bot

    if len(engines) != 1:
        raise _fail("the embedded runner serves one engine; start one worker per engine")
    bot = Bot.open(settings.model_copy(update={"engine": engines[0], "workers": concurrency}))
    bot.assets.check()
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
    from botkit.channels.cli.report import report_command  # heavy (quality, OpenCV): load on use

    report_command(conversation_id, job=job, out=out, data_dir=data_dir)


@app.command()
def serve(
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    workers: Annotated[
        int, typer.Option("--workers", min=1, help="Web processes on this port (share state via PostgreSQL/Redis).")
    ] = 1,
    data_dir: DataDir = None,
) -> None:
    """Serve the web API and chat widget (and Slack when SLACK_SIGNING_SECRET is set), with the
    embedded job runner (or Celery workers when BOTKIT_JOBS=celery)."""
    from botkit.channels.cli.web import serve as serve_web

    Console(stderr=True).print(f"botkit serving on http://{host}:{port} (widget: /widget.js)", highlight=False)
    try:
        serve_web(_settings(data_dir), host, port, processes=workers)
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
    from botkit.store.db import open_db
    from botkit.store.migrate import current_revision, upgrade

    settings = _settings(data_dir)
    db = open_db(settings.resolved_database_url())
    upgrade(db)
    Console().print(f"database at revision {current_revision(db)}: {db.url.render_as_string()}", highlight=False)


def main() -> None:
    from pydantic import ValidationError

    from botkit.channels.logs import configure

    try:
        configure(logging.WARNING)
    except ValueError as exc:
        _fail(str(exc))
        sys.exit(2)

    try:
        app()
        code: object = 0
    except SystemExit as done:
        code = done.code
    except BotkitError as exc:  # any command: a fault a person can fix is one line, exit 2
        _fail(str(exc))
        code = 2
    except ValidationError as exc:  # BOTKIT_* settings that do not parse
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first.get("loc", ())) or "settings"
        _fail(f"setting {where}: {first.get('msg')} (check the BOTKIT_{where.upper()} environment variable)")
        code = 2
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
