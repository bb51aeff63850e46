"""Migration 0004 moves the Slack bookkeeping out of ``inbound_events`` into its own tables, and
its downgrade puts it back; delivery keys stay where they are."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import command

from botkit.store.db import open_db, session_factory
from botkit.store.migrate import alembic_config, current_revision, upgrade
from botkit.store.slack import JobRecord, SlackRecordsRepository

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)

# The tables as revision 0003 has them (the models follow the newest schema).
conversations = sa.table(
    "conversations", sa.column("id"), sa.column("channel"), sa.column("created_at", sa.DateTime(timezone=True))
)
shot_plans = sa.table(
    "shot_plans",
    sa.column("id"),
    sa.column("conversation_id"),
    sa.column("revision"),
    sa.column("skill"),
    sa.column("planner"),
    sa.column("plan", sa.JSON),
    sa.column("created_at", sa.DateTime(timezone=True)),
)
render_jobs = sa.table(
    "render_jobs",
    sa.column("id"),
    sa.column("conversation_id"),
    sa.column("plan_id"),
    sa.column("state"),
    sa.column("engine"),
    sa.column("attempts"),
    sa.column("timings", sa.JSON),
    sa.column("created_at", sa.DateTime(timezone=True)),
)
inbound_events = sa.table(
    "inbound_events",
    sa.column("key"),
    sa.column("channel"),
    sa.column("result", sa.JSON),
    sa.column("created_at", sa.DateTime(timezone=True)),
)


def job_record(job_id: str, **changes: object) -> dict[str, object]:
    return {
        "job_id": job_id,
        "conversation_id": "c1",
        "team": "T1",
        "channel": "C1",
        "thread_ts": "1700000000.000100",
        "status_ts": "1700000000.000200",
        "after": 7,
        "finished": False,
    } | changes


def inbound_rows(connection: sa.Connection) -> dict[str, tuple[str, dict]]:
    rows = connection.execute(sa.select(inbound_events.c.key, inbound_events.c.channel, inbound_events.c.result))
    return {key: (channel, result) for key, channel, result in rows}


def test_slack_rows_move_into_their_tables_and_back(database_url: str) -> None:
    engine = open_db(database_url)
    upgrade(engine, "0003")
    old_rows = {
        "slack-workspace:T1": ("slack-workspace", {"approve_before_render": True}),
        "slack-workspace:T2": ("slack-workspace", {}),
        "slack-job:j1": ("slack-job", job_record("j1")),
        "slack-job:j2": ("slack-job", job_record("j2", status_ts=None, after=0, finished=True, team="T2")),
        "slack:Ev0001": ("slack", {}),  # a delivery key: stays
        "web:abc": ("web", {"job_id": "j1"}),
    }
    with engine.begin() as connection:
        connection.execute(conversations.insert(), [{"id": "c1", "channel": "slack", "created_at": NOW}])
        connection.execute(
            shot_plans.insert(),
            [
                {
                    "id": "p1",
                    "conversation_id": "c1",
                    "revision": 1,
                    "skill": "marketing",
                    "planner": "offline",
                    "plan": {},
                    "created_at": NOW,
                }
            ],
        )
        connection.execute(
            render_jobs.insert(),
            [
                {
                    "id": job_id,
                    "conversation_id": "c1",
                    "plan_id": "p1",
                    "state": "queued",
                    "engine": "tiny-wan",
                    "attempts": 0,
                    "timings": {},
                    "created_at": NOW,
                }
                for job_id in ("j1", "j2", "j3")
            ],
        )
        connection.execute(
            inbound_events.insert(),
            [
                {"key": key, "channel": channel, "result": result, "created_at": NOW}
                for key, (channel, result) in old_rows.items()
            ]
            + [  # rows that describe nothing: a deleted job, a claim that was never filled in
                {"key": "slack-job:gone", "channel": "slack-job", "result": job_record("gone"), "created_at": NOW},
                {"key": "slack-job:j3", "channel": "slack-job", "result": {}, "created_at": NOW},
            ],
        )

    upgrade(engine)
    with engine.connect() as connection:
        assert inbound_rows(connection) == {key: old_rows[key] for key in ("slack:Ev0001", "web:abc")}
    store = SlackRecordsRepository(session_factory(engine))
    assert store.workspace_settings("T1") == {"approve_before_render": True}
    assert store.workspace_settings("T2") == {}
    assert store.get_watch("j1") == JobRecord.model_validate(job_record("j1"))
    assert store.get_watch("j2") == JobRecord.model_validate(old_rows["slack-job:j2"][1])
    assert store.get_watch("gone") is None and store.get_watch("j3") is None
    assert [record.job_id for record in store.unfinished_watches()] == ["j1"]
    assert not store.watch(JobRecord.model_validate(job_record("j1")))  # still watched: no second watcher

    command.downgrade(alembic_config(engine), "0003")
    assert current_revision(engine) == "0003"
    with engine.connect() as connection:
        assert inbound_rows(connection) == old_rows
        assert not {"slack_workspaces", "slack_job_watches"} & set(sa.inspect(connection).get_table_names())
    upgrade(engine)  # and forward again
    assert store.get_watch("j1") == JobRecord.model_validate(job_record("j1"))
    engine.dispose()
