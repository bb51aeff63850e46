"""``botkit library``: a tenant's media library (add, list, remove) and brand kit (kit).

The tenant is this machine's own library (``local``, what ``botkit chat`` uses) unless
``--site KEY`` (a widget site) or ``--slack-team T`` (a Slack workspace) names another.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from botkit.domain.library import LIBRARY_KINDS, LOCAL_TENANT
from botkit.errors import BotkitError
from botkit.settings import Settings

if TYPE_CHECKING:
    from botkit.library import Library

app = typer.Typer(no_args_is_help=True)

Site = Annotated[str | None, typer.Option("--site", help="A widget site's key (botkit sites list).")]
SlackTeam = Annotated[str | None, typer.Option("--slack-team", help="A Slack workspace's team id (T...).")]
DataDir = Annotated[Path | None, typer.Option("--data-dir", help="Where the database and assets live [./botkit-data].")]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON on stdout.")]


def _fail(message: str) -> typer.Exit:
    Console(stderr=True).print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(code=2)


def _open(data_dir: Path | None, site: str | None, slack_team: str | None) -> tuple[Library, str]:
    """(the library, the tenant) on an up-to-date database."""
    from botkit.library import Library
    from botkit.render.context import asset_store
    from botkit.store.db import open_db, session_factory
    from botkit.store.library import LibraryRepository
    from botkit.store.migrate import upgrade
    from botkit.store.sites import SiteRepository
    from botkit.uploads import ImageLimits

    if site and slack_team:
        raise _fail("give --site or --slack-team, not both")
    settings = Settings(data_dir=data_dir) if data_dir is not None else Settings()
    db = open_db(settings.resolved_database_url())
    upgrade(db)
    sessions = session_factory(db)
    tenant = LOCAL_TENANT
    if site:
        if site not in {record.site_key for record in SiteRepository(sessions).all()}:
            raise _fail(f"no site {site!r}; see botkit sites list")
        tenant = f"site:{site}"
    elif slack_team:
        tenant = f"slack:{slack_team}"
    limits = ImageLimits(settings.max_upload_bytes, settings.max_image_pixels, settings.min_image_side)
    library = Library(LibraryRepository(sessions), asset_store(settings), image_limits=limits)
    return library, tenant


@app.command("add")
def add_command(
    paths: Annotated[list[Path], typer.Argument(help="Files: photos, logos, panels, fonts, music, footage.")],
    kind: Annotated[str | None, typer.Option("--kind", help=f"{' | '.join(LIBRARY_KINDS)} [from the file].")] = None,
    name: Annotated[str | None, typer.Option("--name", help="The item's name [the file's name].")] = None,
    collection: Annotated[
        str | None, typer.Option("--collection", help='A collection, e.g. "spring lookbook".')
    ] = None,
    tag: Annotated[list[str] | None, typer.Option("--tag", help="A tag (repeatable).")] = None,
    site: Site = None,
    slack_team: SlackTeam = None,
    as_json: AsJson = False,
    data_dir: DataDir = None,
) -> None:
    """Check each file with the chat's upload probes and keep it in the library (the same file
    twice is one item). Files are added one by one: a refused file is reported, the rest go on."""
    console = Console(stderr=as_json, soft_wrap=True)
    if name and len(paths) > 1:
        raise _fail("--name names one file; add the files one by one, or use --collection")
    refused = 0
    out = []
    try:
        library, tenant = _open(data_dir, site, slack_team)
        for path in paths:
            try:
                added = library.add(tenant, path, kind=kind, name=name, collection=collection, tags=list(tag or []))
            except BotkitError as exc:
                refused += 1
                Console(stderr=True).print(f"[bold red]refused:[/] {path.name}: {exc}", highlight=False)
                continue
            out.append({**added.item.model_dump(mode="json"), "created": added.created})
            verb = "added" if added.created else "already in the library:"
            console.print(f"{verb} {added.item.label()} as {added.item.id}", highlight=False, markup=False)
    except BotkitError as exc:
        raise _fail(str(exc)) from None
    if as_json:
        print(json.dumps({"tenant": tenant, "items": out}, indent=2))
    if refused:
        raise typer.Exit(code=2)


@app.command("list")
def list_command(
    kind: Annotated[str | None, typer.Option("--kind", help="Only this kind.")] = None,
    site: Site = None,
    slack_team: SlackTeam = None,
    as_json: AsJson = False,
    data_dir: DataDir = None,
) -> None:
    """The library's items, oldest first."""
    try:
        library, tenant = _open(data_dir, site, slack_team)
        items = library.items(tenant, kind=kind)
    except BotkitError as exc:
        raise _fail(str(exc)) from None
    if as_json:
        print(json.dumps({"tenant": tenant, "items": [item.model_dump(mode="json") for item in items]}, indent=2))
        return
    table = Table(title=f"library of {tenant}")
    for column in ("id", "kind", "name", "collection", "size", "length", "bytes"):
        table.add_column(column, no_wrap=column in ("id", "name"))
    for item in items:
        size = f"{item.width}x{item.height}" if item.width else ""
        length = f"{item.duration_s:.1f} s" if item.duration_s else ""
        table.add_row(item.id, item.kind, item.name, item.collection or "", size, length, f"{item.bytes:,}")
    Console(soft_wrap=True).print(table)


@app.command("remove")
def remove_command(
    item_id: Annotated[str, typer.Argument(help="The item's id (botkit library list).")],
    site: Site = None,
    slack_team: SlackTeam = None,
    data_dir: DataDir = None,
) -> None:
    """Remove an item and its file (refused while a queued or running job uses it)."""
    try:
        library, tenant = _open(data_dir, site, slack_team)
        removed = library.remove(tenant, item_id)
    except BotkitError as exc:
        raise _fail(str(exc)) from None
    Console(soft_wrap=True).print(f"removed {removed.label()}", highlight=False, markup=False)


@app.command("kit")
def kit_command(
    set_: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            help="key=value (repeatable; an empty value unsets): brand_name, colours, cta, url, "
            "handle, voice, logo, font, music (logo/font/music: a library item's id or name).",
        ),
    ] = None,
    site: Site = None,
    slack_team: SlackTeam = None,
    as_json: AsJson = False,
    data_dir: DataDir = None,
) -> None:
    """Show the brand kit, or set fields of it. Unset fields fall back to the skills config."""
    values: dict[str, str] = {}
    for entry in set_ or []:
        key, sep, value = entry.partition("=")
        if not sep or not key.strip():
            raise _fail(f"--set takes key=value, got {entry!r}")
        values[key.strip()] = value.strip()
    try:
        library, tenant = _open(data_dir, site, slack_team)
        kit = library.set_kit(tenant, values) if values else library.kit(tenant)
    except BotkitError as exc:
        raise _fail(str(exc)) from None
    if as_json:
        print(json.dumps({"tenant": tenant, "kit": kit.model_dump(mode="json")}, indent=2))
        return
    console = Console(soft_wrap=True)
    console.print(f"brand kit of {tenant}:", highlight=False)
    shown = kit.set()
    if not shown:
        console.print("  (nothing set: the skills config decides)", highlight=False)
    for key, value in shown.items():
        if key in ("logo", "font", "music"):
            item = library.kit_item(tenant, kit, key)
            value = item.label() if item is not None else value
        console.print(
            f"  {key}: {', '.join(value) if isinstance(value, list) else value}", highlight=False, markup=False
        )
