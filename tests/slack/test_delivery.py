"""The delivery contract: retries and duplicates never make a second job, even after a restart;
multi-workspace OAuth install, where each workspace's job talks with its own token."""

from __future__ import annotations

import threading
import urllib.parse

import pytest
from sqlalchemy import func, select

from botkit.settings import Settings
from botkit.store import models
from tests.slack.conftest import mention, slack_settings


@pytest.fixture
def bot_settings(tmp_path, database_url: str) -> Settings:
    """These scenarios run on SQLite and, when configured, on PostgreSQL."""
    return Settings(data_dir=tmp_path / "data", database_url=database_url, engine="tiny-wan", steps=1)


def count(bot, model) -> int:
    with bot.repo.sessions() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_retry_storm_makes_one_job_and_survives_a_restart(fake_slack, make_bot, serve):
    bot = make_bot()
    server, first_channel = serve(bot, slack_settings(fake_slack))
    body = mention("T1", "C1", "a 10 second TikTok teaser for our trail shoes")
    thread = body["event"]["ts"]

    def deliver(retry: int) -> None:
        headers = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"} if retry else {}
        # 409 while another delivery of the event is being handled: Slack retries later
        assert server.event(body, headers=headers).status_code in (200, 409)

    storm = [threading.Thread(target=deliver, args=(retry,)) for retry in range(4)]
    for delivery in storm:
        delivery.start()
    for delivery in storm:
        delivery.join()
    fake_slack.wait_for(lambda: len(fake_slack.thread("C1", thread)) == 2, what="plan and status")
    assert count(bot, models.Conversation) == 1
    assert count(bot, models.RenderJob) == 1
    assert count(bot, models.ShotPlanRow) == 1

    # a process restart (new bot, new app, same database) still knows the event
    first_channel.close()
    server.close()
    bot = make_bot()
    server, _ = serve(bot, slack_settings(fake_slack))
    assert (
        server.event(body, headers={"X-Slack-Retry-Num": "3", "X-Slack-Retry-Reason": "http_timeout"}).status_code
        == 200
    )
    # one message delivered both as app_mention and as a thread message: one revision
    reply = mention("T1", "C1", "make it 6 seconds", thread_ts=thread)
    echo = dict(
        reply, event_id=reply["event_id"] + "m", event=dict(reply["event"], type="message", channel_type="channel")
    )
    server.event(reply)
    server.event(echo)
    fake_slack.wait_for(lambda: len(fake_slack.thread("C1", thread)) == 4, what="revision and its status")
    assert count(bot, models.Conversation) == 1
    assert count(bot, models.RenderJob) == 2
    assert count(bot, models.ShotPlanRow) == 2
    assert len(fake_slack.thread("C1", thread)) == 4


def install(server, fake_slack, team: str) -> None:
    fake_slack.add_workspace(team, f"{team.lower()}-corp", oauth_code=f"code-{team}")
    start = server.http.get("/slack/install", follow_redirects=False)
    assert start.status_code == 302
    location = urllib.parse.urlsplit(start.headers["location"])
    assert location.path == "/oauth/v2/authorize"
    query = urllib.parse.parse_qs(location.query)
    assert query["client_id"] == [fake_slack.client_id] and "chat:write" in query["scope"][0]
    cookie = start.headers["set-cookie"].split(";", 1)[0]
    done = server.http.get(
        "/slack/oauth_redirect", params={"code": f"code-{team}", "state": query["state"][0]}, headers={"Cookie": cookie}
    )
    assert done.status_code == 200, done.text


def test_oauth_install_of_two_workspaces_each_job_uses_its_token(fake_slack, make_bot, serve):
    bot = make_bot()
    settings = slack_settings(
        fake_slack, bot_token=None, client_id=fake_slack.client_id, client_secret=fake_slack.client_secret
    )
    server, channel = serve(bot, settings)
    install(server, fake_slack, "T7")
    install(server, fake_slack, "T8")
    # a replayed state is refused
    assert server.http.get("/slack/oauth_redirect", params={"code": "x", "state": "forged"}).status_code != 200

    bodies = {team: mention(team, f"C{team}", "a promo for our lamp") for team in ("T7", "T8")}
    for body in bodies.values():
        assert server.event(body).status_code == 200
    for team, body in bodies.items():
        fake_slack.wait_for(lambda b=body, t=team: len(fake_slack.thread(f"C{t}", b["event"]["ts"])) == 2, what="plan")
    for call in fake_slack.calls_to("chat.postMessage"):
        team = call.params["channel"][1:]
        assert call.token == f"xoxb-{team}-token", call

    # after a restart the resumed watchers find each workspace's token in the installation store
    channel.close()
    server.close()
    bot = make_bot()
    server, channel = serve(bot, settings)
    jobs = [
        bot.jobs.events(conversation_id=bot.find_conversation(f"slack:{team}:C{team}:{body['event']['ts']}"))[0].job_id
        for team, body in bodies.items()
    ]
    for job_id in jobs:
        bot.jobs.cancel(job_id)
    updates = fake_slack.wait_for(
        lambda: len(fake_slack.calls_to("chat.update")) >= 2 and fake_slack.calls_to("chat.update"), what="updates"
    )
    assert {(call.params["channel"], call.token) for call in updates} == {
        ("CT7", "xoxb-T7-token"),
        ("CT8", "xoxb-T8-token"),
    }
    for team, body in bodies.items():
        assert fake_slack.thread(f"C{team}", body["event"]["ts"])[1]["text"] == ":no_entry_sign: Cancelled."
    # uninstalling removes the workspace's token; its events are no longer served
    server.event({**mention("T8", "CT8", "x"), "event": {"type": "app_uninstalled", "event_ts": "1.2"}})
    store = channel.app.installation_store
    fake_slack.wait_for(lambda: store.find_bot(enterprise_id=None, team_id="T8") is None, what="uninstall")
    assert store.find_bot(enterprise_id=None, team_id="T7") is not None
    # an event from a workspace that never installed the app is not served
    stranger = mention("T9", "CT9", "a promo")
    fake_slack.add_workspace("T9")
    server.event(stranger)
    assert bot.find_conversation(f"slack:T9:CT9:{stranger['event']['ts']}") is None


def test_the_job_is_queued_with_the_plan_even_when_the_reply_fails(fake_slack, make_bot, serve, monkeypatch):
    """One commit holds the turn and its render job: a reply that cannot be posted (Slack down, a
    crash after the commit) leaves no plan without its job."""
    from botkit.channels.slack.service import SlackService

    def unpostable(self, place, text, blocks=None):  # type: ignore[no-untyped-def]
        raise RuntimeError("chat.postMessage is down")

    monkeypatch.setattr(SlackService, "post", unpostable)
    bot = make_bot()
    server, _ = serve(bot, slack_settings(fake_slack))
    body = mention("T1", "C1", "a 10 second TikTok teaser for our trail shoes")
    assert server.event(body).status_code == 200
    fake_slack.wait_for(lambda: count(bot, models.ShotPlanRow) == 1, what="the plan stored")
    assert count(bot, models.RenderJob) == 1
    with bot.repo.sessions() as session:
        job = session.scalars(select(models.RenderJob)).one()
        plan = session.scalars(select(models.ShotPlanRow)).one()
    assert job.plan_id == plan.id and job.idempotency_key.startswith("slack:")
