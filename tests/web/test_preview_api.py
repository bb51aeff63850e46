"""Preview first over HTTP: a message with preview=on|auto gets an animatic job; approve renders
that revision once; cancel, an old revision, nothing pending and another user's preview are refused."""

from __future__ import annotations

from .conftest import Live

REQUEST = "a 2 second promo for X of our desk lamp"


def send(live: Live, client, text: str = REQUEST, path: str = "/api/conversations", **fields) -> dict:  # type: ignore[no-untyped-def]
    response = client.post(path, data={"text": text, **fields}, headers=live.headers())
    assert response.status_code == 201, response.text
    return response.json()


def post(live: Live, client, path: str, user: str = "alice"):  # type: ignore[no-untyped-def]
    return client.post(path, headers=live.headers(user))


def test_preview_approve_once(live: Live) -> None:
    with live.client() as client:
        schema = client.get("/openapi.json").json()
        assert {"/api/previews/{preview_id}/approve", "/api/previews/{preview_id}/cancel"} <= set(schema["paths"])
        turn = send(live, client, preview="auto")  # a promo: marketing previews first
        assert turn["preview"] is True
        preview = live.bot.jobs.status(turn["job_id"])
        assert preview.purpose == "preview" and preview.state.value == "succeeded"  # no workers: drawn in the request
        conversation = client.get(f"/api/conversations/{turn['conversation_id']}", headers=live.headers()).json()
        assert [(j["purpose"], j["decision"]) for j in conversation["jobs"]] == [("preview", None)]
        assert conversation["outputs"][0]["job_id"] == turn["job_id"]

        assert post(live, client, f"/api/previews/{turn['job_id']}/approve", user="mallory").status_code == 404
        approved = post(live, client, f"/api/previews/{turn['job_id']}/approve")
        assert approved.status_code == 200, approved.text
        body = approved.json()
        assert body["decision"] == "approved" and body["created"] is True
        render = live.bot.jobs.status(body["job_id"])
        assert render.preview_id == turn["job_id"] and render.plan_id == turn["plan_id"] and render.purpose == "render"

        again = post(live, client, f"/api/previews/{turn['job_id']}/approve")  # a double click
        assert (
            again.status_code == 200 and again.json()["job_id"] == body["job_id"] and again.json()["created"] is False
        )
        assert len(live.bot.jobs.of_conversation(turn["conversation_id"])) == 2
        cancel = post(live, client, f"/api/previews/{turn['job_id']}/cancel")
        assert cancel.status_code == 409 and "approved already" in cancel.json()["error"]


def test_preview_refusals(live: Live) -> None:
    with live.client() as client:
        plain = send(live, client, preview="off")
        assert plain["preview"] is False and live.bot.jobs.status(plain["job_id"]).purpose == "render"
        missing = post(live, client, f"/api/previews/{plain['job_id']}/approve")  # a render, not a preview
        assert missing.status_code == 404 and "no preview" in missing.json()["error"]
        assert post(live, client, "/api/previews/nope/approve").status_code == 404

        first = send(live, client, "a 2 second video for X of a lighthouse", preview="on")
        cid = first["conversation_id"]
        # a change while a preview waits previews again (no field needed); the old one is replaced
        second = send(live, client, "make it 3 seconds", path=f"/api/conversations/{cid}/messages")
        assert second["preview"] is True and second["job_id"] != first["job_id"]
        stale = post(live, client, f"/api/previews/{first['job_id']}/approve")
        assert stale.status_code == 409 and "revision 1 of the plan" in stale.json()["error"], stale.text
        cancelled = post(live, client, f"/api/previews/{second['job_id']}/cancel")
        assert cancelled.status_code == 200 and cancelled.json()["decision"] == "cancelled"
        refused = post(live, client, f"/api/previews/{second['job_id']}/approve")
        assert refused.status_code == 409 and "cancelled" in refused.json()["error"]
        assert all(job.purpose == "preview" for job in live.bot.jobs.of_conversation(cid))  # nothing rendered
        bad = client.post("/api/conversations", data={"text": REQUEST, "preview": "maybe"}, headers=live.headers())
        assert bad.status_code == 422 and "preview" in bad.json()["error"]
