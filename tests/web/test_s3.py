"""The web API on the S3 asset store (moto's server on loopback): an uploaded panel and the
rendered video live in the bucket and play back with Range; a bucket refusing writes is a 503
that leaves no conversation behind."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from botkit.store import models

from .conftest import live_server
from .test_api import png_bytes, read_events

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def s3_overrides(s3_server, bucket: str) -> dict:  # type: ignore[no-untyped-def]
    return {"assets_url": f"s3://{bucket}/site", "s3_endpoint_url": s3_server.endpoint_url}


def test_a_panel_and_its_video_go_through_the_bucket(tmp_path: Path, tiny_engine, s3_server, s3_bucket: str) -> None:
    with (
        live_server(tmp_path, tiny_engine, workers=True, **s3_overrides(s3_server, s3_bucket)) as live,
        live.client() as client,
    ):
        sent = client.post(
            "/api/conversations",
            data={"text": "animate this panel, 1 second, for X"},
            files=[("images", ("panel.png", png_bytes(), "image/png"))],
            headers=live.headers(),
        )
        assert sent.status_code == 201, sent.text
        cid = sent.json()["conversation_id"]
        with client.stream("GET", f"/api/conversations/{cid}/events", headers=live.headers()) as response:
            events = read_events(response)
        assert events[-1]["event"] == "done", events[-1]
        output = events[-1]["data"]["outputs"][0]
        live.bot.assets.local(live.bot.repo.assets_of(cid, "video")[0]["path"]).unlink()  # only the bucket has it now
        video = client.get(output["url"])
        part = client.get(output["url"], headers={"Range": "bytes=0-99"})
        [row] = live.bot.repo.assets_of(cid, "video")
    stored = s3_server.client().get_object(Bucket=s3_bucket, Key=f"site/{row['path']}")["Body"].read()
    assert video.status_code == 200 and video.content == stored and stored[4:8] == b"ftyp"
    assert part.status_code == 206 and part.content == stored[:100]
    [panel] = live.bot.repo.assets_of(cid, "input_image")
    s3_server.client().head_object(Bucket=s3_bucket, Key=f"site/{panel['path']}")


def test_a_bucket_refusing_writes_is_a_503_that_keeps_nothing(
    tmp_path: Path, tiny_engine, s3_server, s3_bucket: str, monkeypatch
) -> None:
    with live_server(tmp_path, tiny_engine, workers=False, **s3_overrides(s3_server, s3_bucket)) as live:
        live.bot.assets.bucket = "no-such-bucket-anywhere"  # what a deleted bucket answers: NoSuchBucket
        with live.client() as client:
            refused = client.post(
                "/api/conversations",
                data={"text": "animate this panel, 1 second, for X"},
                files=[("images", ("panel.png", png_bytes(), "image/png"))],
                headers=live.headers(),
            )
        with live.bot.repo.sessions() as session:
            conversations = session.scalar(select(func.count()).select_from(models.Conversation))
    assert refused.status_code == 503 and "file store" in refused.json()["error"]
    assert conversations == 0
    assert not list((tmp_path / "data" / "assets" / ".staging").glob("*"))
