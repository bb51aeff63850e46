"""AI disclosure and content credentials over real HTTP: the first reply says the bot is an AI,
every delivered file verifies, the credentials routes show only the caller's own outputs, and a
site's badge setting reaches its plans."""

from __future__ import annotations

from pathlib import Path

from botkit.provenance import GENERATED
from botkit.store.sites import SiteRepository
from botkit.testing.credentials import assert_verifies

from .conftest import Live
from .test_api import read_events, start


def test_outputs_verify_and_only_their_owner_sees_their_credentials(live_rendering: Live, tmp_path: Path) -> None:
    live = live_rendering
    with live.client() as client:
        turn = start(live, client, text="a 1 second video for X of a lighthouse")
        assert "an AI assistant" in turn["intro"]  # the first bot message of a new conversation
        cid, job = turn["conversation_id"], turn["job_id"]
        with client.stream("GET", f"/api/conversations/{cid}/events", headers=live.headers()) as response:
            events = read_events(response)
        assert events[-1]["event"] == "done", events[-1]
        [output] = events[-1]["data"]["outputs"]
        assert output["disclosure"] == "AI-generated video"
        downloaded = tmp_path / "download.mp4"
        downloaded.write_bytes(client.get(output["download_url"]).content)
        poster = tmp_path / "poster.png"
        poster.write_bytes(client.get(output["poster_url"]).content)

        mine = client.get(output["credentials_url"], headers=live.headers())
        whole_job = client.get(f"/api/jobs/{job}/credentials", headers=live.headers())
        other_site = {"Authorization": f"Bearer {live.token('alice', site=live.other_site)}"}
        refused = [
            client.get(f"/api/assets/{output['id']}/credentials", headers=headers).status_code
            for headers in (live.headers("mallory"), other_site)
        ] + [client.get(f"/api/jobs/{job}/credentials", headers=headers).status_code
             for headers in (live.headers("mallory"), other_site)]  # fmt: skip
        unknown = client.get("/api/assets/nope/credentials", headers=live.headers())
        anonymous = client.get(output["credentials_url"])
        follow = client.post(f"/api/conversations/{cid}/messages", data={"text": "another take"},
                             headers=live.headers())  # fmt: skip

    # what a user downloads carries the credentials (signed after the last write)
    assert_verifies(downloaded, source_type=GENERATED, model="tiny-wan")
    assert_verifies(poster, source_type=GENERATED)
    assert mine.status_code == 200, mine.text
    body = mine.json()
    assert body["kind"] == "video" and body["disclosure"] == "AI-generated video"
    assert body["credentials"]["state"] == "untrusted" and body["credentials"]["binding"] == "intact"
    assert body["credentials"]["path"] == "video-x.mp4"  # a file name, never a server path
    assert body["credentials"]["signer"]["development"] is True
    files = whole_job.json()["files"]
    assert whole_job.json()["all_verified"] and sorted(f["kind"] for f in files) == [
        "contact_sheet", "poster", "preview", "video"]  # fmt: skip
    assert refused == [404, 404, 404, 404]  # no cross-user, no cross-site access, and no way to tell
    assert unknown.status_code == 404 and anonymous.status_code == 401
    assert follow.status_code == 201 and follow.json()["intro"] is None  # said once, when it started


def test_a_sites_badge_setting_reaches_its_plans(live: Live) -> None:
    # before the app's first request: its site directory has not cached the site yet
    SiteRepository(live.bot.repo.sessions).configure(live.site.site_key, ai_badge=False)
    with live.client() as client:
        off = start(live, client)
        other = client.post("/api/conversations", data={"text": "a 2 second video for X of a lighthouse"},
                            headers={"Authorization": f"Bearer {live.token('bob', site=live.other_site)}"})  # fmt: skip
    assert off["plan"]["ai_badge"] is False
    assert other.status_code == 201 and other.json()["plan"]["ai_badge"] is None  # not set: skill, then deployment
