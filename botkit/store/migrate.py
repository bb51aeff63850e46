"""Runs the Alembic migrations shipped in ``botkit/store/migrations/``.

Every start checks for pending migrations, and usually there are none: ``pending`` compares the
database's ``alembic_version`` with the heads of the revision files (read as text, not imported),
so alembic itself (0.3 s to import) is loaded only when there is something to apply.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine as Database
from sqlalchemy import inspect, text

if TYPE_CHECKING:
    from alembic.config import Config

SLACK_SDK_TABLES = frozenset({"slack_installations", "slack_bots", "slack_oauth_states"})
"""slack-sdk's SQLAlchemy installation and OAuth state stores use these (default names); revision
0010 creates them, and their models are slack-sdk's, not ours (``tests/store`` compares them)."""

VERSION_TABLE = "alembic_version"


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Tables whose models belong to a library (slack-sdk's installation and OAuth state stores)
    are left out of the comparison with botkit's models; revision 0010 creates them."""
    return not (type_ == "table" and reflected and compare_to is None and str(name) in SLACK_SDK_TABLES)


def script_location() -> Path:
    """The migrations folder (``env.py``, ``versions/``), found through importlib.resources so an
    installed wheel and a checkout behave the same."""
    from importlib import resources

    folder = Path(str(resources.files("botkit.store") / "migrations"))
    if not (folder / "env.py").is_file():
        raise FileNotFoundError(f"botkit's migrations (env.py) are not installed in {folder}")
    return folder


def _declared(path: Path) -> tuple[str | None, tuple[str, ...]]:
    """A revision file's ``revision`` and ``down_revision`` (a tuple for merges), by reading it."""
    values: dict[str, object] = {}
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            name, value = node.target.id, node.value
        elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name, value = node.targets[0].id, node.value
        else:
            continue
        if name in ("revision", "down_revision"):
            values[name] = ast.literal_eval(value)
    down = values.get("down_revision")
    downs = tuple(down) if isinstance(down, tuple | list) else () if down is None else (str(down),)
    revision = values.get("revision")
    return (str(revision) if revision is not None else None), downs


def head_revisions(versions: Path | None = None) -> set[str]:
    """Revisions no other revision builds on: what ``alembic upgrade head`` ends at."""
    folder = versions or script_location() / "versions"
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in folder.glob("*.py"):
        revision, downs = _declared(path)
        if revision is not None:
            revisions.add(revision)
            parents.update(downs)
    return revisions - parents


def current_revisions(db: Database) -> set[str]:
    """The revisions recorded in the database (none for a new one)."""
    with db.connect() as connection:
        if not inspect(connection).has_table(VERSION_TABLE):
            return set()
        return {str(row[0]) for row in connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}"))}


def pending(db: Database) -> bool:
    """Whether ``upgrade`` has anything to do (without importing alembic)."""
    return current_revisions(db) != head_revisions()


def alembic_config(db: Database) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(script_location()))
    config.attributes["db"] = db
    return config


def upgrade(db: Database, revision: str = "head") -> None:
    """Apply the migrations (alembic is imported only when some are pending); a database that
    cannot be reached is a ``StoreError`` naming it."""
    from sqlalchemy.exc import DBAPIError, OperationalError

    from botkit.errors import StoreError
    from botkit.store.db import describe

    try:
        if revision == "head" and not pending(db):
            return
        from alembic import command

        command.upgrade(alembic_config(db), revision)
    except (OperationalError, DBAPIError) as exc:
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0][:200]
        raise StoreError(
            f"cannot open the database {describe(db)}: {reason}; check BOTKIT_DATABASE_URL "
            "(or --data-dir) and that the database server is running"
        ) from None


def current_revision(db: Database) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with db.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
