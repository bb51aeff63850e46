"""Runs the Alembic migrations in ``alembic/`` (``botkit_migrations`` when installed)."""

from __future__ import annotations

from pathlib import Path

from alembic.config import Config
from sqlalchemy import Engine

from alembic import command

SLACK_SDK_TABLES = frozenset({"slack_installations", "slack_bots", "slack_oauth_states"})
"""slack-sdk's SQLAlchemy installation and OAuth state stores create these (default names)."""


def include_object(obj, name, type_, reflected, compare_to) -> bool:  # type: ignore[no-untyped-def]
    """Tables that live in botkit's database but belong to libraries (slack-sdk's installation and
    OAuth state stores create and own theirs) are not ours to migrate."""
    return not (type_ == "table" and reflected and compare_to is None and str(name) in SLACK_SDK_TABLES)


def script_location() -> Path:
    """The migrations folder. It has no ``__init__.py`` (it must not shadow the ``alembic``
    library), so it is a namespace package: take its directory that holds ``env.py``."""
    import botkit_migrations

    for entry in botkit_migrations.__path__:
        if (Path(entry) / "env.py").is_file():
            return Path(entry)
    raise FileNotFoundError("botkit's migrations (env.py) are not installed")


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(script_location()))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply the migrations; a database that cannot be reached is a ``StoreError`` naming it."""
    from sqlalchemy.exc import DBAPIError, OperationalError

    from botkit.errors import StoreError
    from botkit.store.db import describe

    try:
        command.upgrade(alembic_config(engine), revision)
    except (OperationalError, DBAPIError) as exc:
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0][:200]
        raise StoreError(
            f"cannot open the database {describe(engine)}: {reason}; check BOTKIT_DATABASE_URL "
            "(or --data-dir) and that the database server is running"
        ) from None


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
