"""Usage per job and quotas per tenant: a succeeded job writes its cost; a tenant over a limit is
refused with when it resets, while what already runs finishes; other tenants and the CLI are not
affected; `botkit usage` and GET /api/usage report it."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from botkit.bot import Bot
from botkit.domain.jobs import JobState
from botkit.errors import BotkitError
from botkit.jobs.render import RenderWorker
from botkit.settings import Settings
from botkit.store import models
from botkit.store.usage import QuotaExceeded, Quotas, Standing, refusal, tenant_parts, window_end, window_start

OWNER = "site:shop1:user:alice"


@pytest.fixture
def quota_bot(database_url: str, tmp_path, tiny_engine):
    settings = Settings(
        data_dir=tmp_path / "data",
        database_url=database_url,
        engine="tiny-wan",
        quotas={"site:shop1": {"daily_jobs": 2}, "*": {"daily_jobs": 100}},
    )
    bot = Bot.open(settings, engine=tiny_engine)
    yield bot
    bot.db.dispose()


def web_turn(bot: Bot, owner: str = OWNER, text: str = "a 1 second teaser for our lamp"):
    return bot.plan(text, platforms=["x"], channel="web", owner=owner)


def test_tenants_windows_and_the_refusal_text() -> None:
    assert tenant_parts("site:abc:user:u1") == ("site:abc", "abc", None)
    assert tenant_parts("slack:T1:U2") == ("slack:T1", None, "T1")
    assert tenant_parts(None) == (None, None, None)
    assert tenant_parts("cli") == (None, None, None)
    at = datetime(2026, 12, 31, 22, 30, tzinfo=UTC)
    assert window_start("day", at) == datetime(2026, 12, 31, tzinfo=UTC)
    assert window_end("day", at) == datetime(2027, 1, 1, tzinfo=UTC)
    assert window_start("month", at) == datetime(2026, 12, 1, tzinfo=UTC)
    assert window_end("month", at) == datetime(2027, 1, 1, tzinfo=UTC)
    text = refusal("site:abc", Standing("daily_jobs", 5, 5, window_end("day", at)), at)
    assert "daily quota of 5 videos for site:abc is used up" in text
    assert "resets at 2027-01-01 00:00 UTC (in 1 h 30 min)" in text
    with pytest.raises(ValueError, match="unknown quota limit"):
        Quotas.from_mapping({"*": {"daily_gpus": 1}})


def test_over_quota_is_refused_with_reset_time_and_nothing_is_stored(quota_bot: Bot) -> None:
    first, second = web_turn(quota_bot), web_turn(quota_bot)
    quota_bot.submit(first)
    quota_bot.submit(second)
    third = web_turn(quota_bot)
    with pytest.raises(QuotaExceeded) as refused:
        quota_bot.submit(third)
    assert "daily quota of 2 videos for site:shop1" in str(refused.value)
    assert "resets at" in str(refused.value)
    assert 0 < refused.value.retry_after_s <= 24 * 3600
    # planned and queued in one transaction (the web path): refused means no turn is stored
    with pytest.raises(QuotaExceeded):
        web_turn_queued(quota_bot)
    with quota_bot.repo.sessions() as session:
        owned = session.scalar(
            select(models.Conversation.id)
            .where(models.Conversation.owner == OWNER)
            .order_by(models.Conversation.created_at.desc())
        )
        assert session.scalars(select(models.RenderJob).where(models.RenderJob.conversation_id == owned)).all() == []
    # another site, and turns with no tenant (CLI, Python) are not limited by shop1's quota
    quota_bot.submit(web_turn(quota_bot, owner="site:other:user:bob"))
    quota_bot.submit(quota_bot.plan("a 1 second teaser for our chair", platforms=["x"]))


def web_turn_queued(bot: Bot):
    from botkit.bot import Queue

    return bot.plan("a 1 second teaser for our desk", platforms=["x"], channel="web", owner=OWNER, queue=Queue())


def test_a_running_job_finishes_and_records_its_cost_then_the_next_is_refused(quota_bot: Bot, tiny_engine) -> None:
    quota_bot.context.jobs.usage.quotas = Quotas.from_mapping({"site:shop1": {"daily_jobs": 1}})
    turn = web_turn(quota_bot)
    job_id = quota_bot.submit(turn)
    with pytest.raises(QuotaExceeded):  # the quota is used up while the first job is still queued
        quota_bot.submit(web_turn(quota_bot))
    assert RenderWorker(quota_bot.context, tiny_engine).run(job_id) is JobState.SUCCEEDED
    with quota_bot.repo.sessions() as session:
        usage = session.scalars(select(models.JobUsage)).one()
    assert (usage.job_id, usage.tenant, usage.site, usage.user) == (job_id, "site:shop1", "shop1", OWNER)
    assert usage.engine_s > 0 and usage.video_s > 0.5 and usage.bytes > 1000
    with quota_bot.repo.sessions() as session:
        stored = session.scalars(select(models.Asset.bytes).where(models.Asset.job_id == job_id)).all()
    assert usage.bytes == sum(stored)  # every file the job stored
    # a limit on video seconds: the next job is refused once the seconds are used up
    quota_bot.context.jobs.usage.quotas = Quotas.from_mapping({"*": {"monthly_video_s": usage.video_s}})
    with pytest.raises(QuotaExceeded, match=r"monthly quota of .* seconds of video"):
        quota_bot.submit(web_turn(quota_bot))
    report = quota_bot.context.jobs.usage.report(by="tenant")
    assert [(r["tenant"], r["jobs"]) for r in report] == [("site:shop1", 1)]


def test_usage_command_and_api_route(tmp_path, tiny_engine) -> None:
    from fastapi.testclient import TestClient

    from botkit.channels.cli import app as cli
    from botkit.channels.web import create_app, create_site, mint_user_token

    settings = Settings(data_dir=tmp_path / "data", engine="tiny-wan", quotas={"*": {"daily_jobs": 3}})
    bot = Bot.open(settings, engine=tiny_engine)
    site = create_site(bot.repo.sessions, "shop", [])
    owner = f"site:{site.site_key}:user:alice"
    job_id = bot.submit(web_turn(bot, owner=owner))
    assert RenderWorker(bot.context, tiny_engine).run(job_id) is JobState.SUCCEEDED

    with TestClient(create_app(bot, settings)) as client:
        token = mint_user_token(site.secret, site.site_key, "alice", 600)
        response = client.get("/api/usage", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["tenant"] == f"site:{site.site_key}"
        assert body["today"]["jobs"] == 1 and body["today"]["video_s"] > 0.5
        assert body["quotas"][0]["limit"] == "daily_jobs"
        assert (body["quotas"][0]["used"], body["quotas"][0]["left"]) == (1, 2)
        assert client.get("/api/usage").status_code == 401
        # over quota on the web: 429 with Retry-After, and the message says when it resets
        bot.context.jobs.usage.quotas = Quotas.from_mapping({"*": {"daily_jobs": 1}})
        posted = client.post(
            "/api/conversations", data={"text": "a 1 second teaser for X"}, headers={"Authorization": f"Bearer {token}"}
        )
        assert posted.status_code == 429, posted.text
        assert "resets at" in posted.json()["error"] and int(posted.headers["Retry-After"]) > 0

    result = CliRunner().invoke(
        cli,
        ["usage", "--json", "--data-dir", str(tmp_path / "data")],
        env={"BOTKIT_QUOTAS": '{"*": {"daily_jobs": 3}}'},
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["rows"][0]["tenant"] == f"site:{site.site_key}" and out["rows"][0]["jobs"] == 1
    assert out["quotas"][f"site:{site.site_key}"][0]["used"] == 1
    users = CliRunner().invoke(cli, ["usage", "--by", "user", "--json", "--data-dir", str(tmp_path / "data")])
    assert users.exit_code == 0, users.output
    assert [row["user"] for row in json.loads(users.output)["rows"]] == [owner]
    table = CliRunner().invoke(cli, ["usage", "--period", "day", "--data-dir", str(tmp_path / "data")])
    assert table.exit_code == 0 and "usage since" in table.output
    wrong = CliRunner().invoke(cli, ["usage", "--period", "week", "--data-dir", str(tmp_path / "data")])
    assert wrong.exit_code == 2 and "--period is day, month or all" in wrong.output
    bot.db.dispose()


def test_concurrent_submits_at_the_edge_of_a_quota_never_both_pass(quota_bot: Bot) -> None:
    """Eight users of one site submit at once with one job left in its quota, three times over:
    exactly one job is queued each time (submits go straight to the job store, as several web
    processes would, without this process's write gate)."""
    jobs = quota_bot.context.jobs
    quota_bot.submit(web_turn(quota_bot))  # the site has used one job today
    for used in range(1, 4):
        jobs.usage.quotas = Quotas.from_mapping({"site:shop1": {"daily_jobs": used + 1}})  # one left
        turns = [web_turn(quota_bot, owner=f"site:shop1:user:u{i}") for i in range(8)]
        barrier = threading.Barrier(len(turns))
        outcomes: list[str] = []

        def submit(turn, barrier: threading.Barrier = barrier, outcomes: list[str] = outcomes) -> None:  # type: ignore[no-untyped-def]
            barrier.wait()
            try:
                jobs.create(turn.conversation_id, turn.plan_id, "tiny-wan")
                outcomes.append("queued")
            except QuotaExceeded:
                outcomes.append("refused")

        threads = [threading.Thread(target=submit, args=(turn,)) for turn in turns]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert sorted(outcomes) == ["queued"] + ["refused"] * 7, outcomes
        with quota_bot.repo.sessions() as session:
            assert len(session.scalars(select(models.RenderJob.id)).all()) == used + 1


class FailsAfterRendering:
    """The tiny engine, except that every shot fails once rendered (the GPU time is spent)."""

    def __init__(self, engine) -> None:  # type: ignore[no-untyped-def]
        self.engine = engine

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        return getattr(self.engine, name)

    def generate(self, request, **kwargs):  # type: ignore[no-untyped-def]
        self.engine.generate(request, **kwargs)
        raise BotkitError("the engine ran out of memory")


def test_a_failed_job_pays_its_engine_seconds_and_no_video(quota_bot: Bot, tiny_engine) -> None:
    job_id = quota_bot.submit(web_turn(quota_bot))
    with pytest.raises(BotkitError, match="out of memory"):
        RenderWorker(quota_bot.context, FailsAfterRendering(tiny_engine)).run(job_id)  # type: ignore[arg-type]
    assert quota_bot.jobs.status(job_id).state is JobState.FAILED
    with quota_bot.repo.sessions() as session:
        usage = session.scalars(select(models.JobUsage)).one()
    assert (usage.job_id, usage.tenant, usage.user, usage.video_s) == (job_id, "site:shop1", OWNER, 0.0)
    assert usage.engine_s > 0
    # the failed render counts against an engine-seconds quota like a delivered one
    quota_bot.context.jobs.usage.quotas = Quotas.from_mapping({"site:shop1": {"daily_engine_s": usage.engine_s}})
    with pytest.raises(QuotaExceeded, match="engine seconds"):
        quota_bot.submit(web_turn(quota_bot))
