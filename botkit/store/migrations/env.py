"""Alembic environment: botkit passes its database (SQLAlchemy engine) as ``config.attributes["db"]``; the alembic CLI uses
BOTKIT_DATABASE_URL (default: sqlite file in ./botkit-data)."""

from alembic import context

from botkit.settings import Settings
from botkit.store.db import open_db
from botkit.store.migrate import include_object
from botkit.store.models import Base

config = context.config
db = config.attributes.get("db") or open_db(Settings().resolved_database_url())

with db.connect() as connection:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # batch mode copies a table and drops the old one; with foreign keys on, that drop cascades
        # into every row pointing at it (Slack watches, events, assets). Off for the migration
        # (a PRAGMA outside any transaction), checked after it, back on when the connection returns.
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.commit()
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=sqlite,
        compare_type=True,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()
        if sqlite:
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise RuntimeError(f"migration left rows pointing at nothing: {broken[:5]}")
    connection.commit()
    if sqlite:
        connection.exec_driver_sql("PRAGMA foreign_keys=ON")
