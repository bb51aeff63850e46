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
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
