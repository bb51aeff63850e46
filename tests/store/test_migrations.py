"""Migrations create the schema on SQLite and PostgreSQL, and match the models exactly."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from botkit.store.db import open_db
from botkit.store.migrate import SLACK_SDK_TABLES, current_revision, include_object, upgrade
from botkit.store.models import Base

TABLES = {
    "conversations",
    "messages",
    "shot_plans",
    "shots",
    "render_jobs",
    "assets",
    "job_events",
    "sites",
    "inbound_events",
    "slack_workspaces",
    "slack_job_watches",
    "slack_assistant_threads",
    "job_feedback",
    "library_items",
    "brand_kits",
}


def test_upgrade_creates_tables_without_drift(database_url: str) -> None:
    engine = open_db(database_url)
    upgrade(engine)
    assert TABLES <= set(inspect(engine).get_table_names())
    assert current_revision(engine) is not None
    # slack-sdk's OAuth stores share the database (botkit serve with SLACK_CLIENT_ID); revision 0010
    # creates their tables exactly as slack-sdk's own models describe them
    from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
    from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore

    assert SLACK_SDK_TABLES <= set(inspect(engine).get_table_names())
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True, "include_object": include_object})
        diff = compare_metadata(context, Base.metadata)
        assert diff == [], f"models and migrations differ: {diff}"
        for store in (
            SQLAlchemyInstallationStore(client_id="c", engine=engine),
            SQLAlchemyOAuthStateStore(expiration_seconds=60, engine=engine),
        ):
            names = set(store.metadata.tables)

            def its_tables(_obj, name, type_, *_rest, names=names) -> bool:
                return type_ != "table" or name in names

            slack_context = MigrationContext.configure(
                connection, opts={"compare_type": True, "include_object": its_tables}
            )
            slack_diff = compare_metadata(slack_context, store.metadata)
            assert slack_diff == [], f"revision 0010 and slack-sdk's models differ: {slack_diff}"
        store.create_tables()  # what slack-sdk does itself: a no-op on the migrated tables
    upgrade(engine)  # idempotent
    engine.dispose()
