"""The web API on the S3 asset store (moto's server on loopback): an uploaded panel and the
rendered video live in the bucket and play back from a presigned URL (a 307 from botkit's own
signed link) with Range, or streamed through the web process when redirects are off; a bucket
refusing writes is a 503 that leaves no conversation behind."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from botkit.channels.web.options import WebOptions
from botkit.store import models

from .conftest import live_server
from .test_api import png_bytes, read_events

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def s3_overrides(s3_server, bucket: str) -> dict:  # type: ignore[no-untyped-def]
    return {"assets_url": f"s3://{bucket}/site", "s3_endpoint_url": s3_server.endpoint_url}


def render_a_panel(client, live) -> tuple[str, dict]:  # type: ignore[no-untyped-def]
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
    return cid, events[-1]["data"]["outputs"][0]


def test_a_panel_and_its_video_go_through_the_bucket(tmp_path: Path, tiny_engine, s3_server, s3_bucket: str) -> None:
    """The widget's link answers 307 to a presigned URL of the object: the bytes come from the
    bucket (Range, content type and disposition included), never through the web process."""
    with (
        live_server(tmp_path, tiny_engine, workers=True, **s3_overrides(s3_server, s3_bucket)) as live,
        live.client() as client,
    ):
        cid, output = render_a_panel(client, live)
        [row] = live.bot.repo.assets_of(cid, "video")
        live.bot.assets.local(row["path"]).unlink()  # only the bucket has it now
        redirect = client.get(output["url"])
        download = client.get(output["download_url"])
        tampered = client.get(output["url"].replace("sig=", "sig=0"))
    assert redirect.status_code == 307 and redirect.headers["cache-control"] == "no-store"
    location = redirect.headers["location"]
    assert location.startswith(f"{s3_server.endpoint_url}/{s3_bucket}/site/{row['path']}?") and "Signature" in location
    assert "X-Amz-Expires=900" in location  # BOTKIT_S3_REDIRECT_S: short-lived, signed again per request
    assert not live.bot.assets.local(row["path"]).exists()  # the web process did not fetch it
    stored = s3_server.client().get_object(Bucket=s3_bucket, Key=f"site/{row['path']}")["Body"].read()
    video = httpx.get(location)
    part = httpx.get(location, headers={"Range": "bytes=0-99"})
    assert video.status_code == 200 and video.content == stored and stored[4:8] == b"ftyp"
    assert video.headers["content-type"] == "video/mp4"
    assert video.headers["content-disposition"].startswith("inline;")
    assert part.status_code == 206 and part.content == stored[:100]
    assert download.status_code == 307
    saved = httpx.get(download.headers["location"])
    assert saved.headers["content-disposition"] == f'attachment; filename="{Path(row["path"]).name}"'
    assert tampered.status_code == 403  # botkit's own signature is still checked before any redirect
    [panel] = live.bot.repo.assets_of(cid, "input_image")
    s3_server.client().head_object(Bucket=s3_bucket, Key=f"site/{panel['path']}")


def test_streaming_from_the_bucket_when_redirects_are_off(
    tmp_path: Path, tiny_engine, s3_server, s3_bucket: str
) -> None:
    options = WebOptions(sse_poll_s=0.05, asset_redirect=False)  # BOTKIT_S3_REDIRECT=false
    with (
        live_server(tmp_path, tiny_engine, workers=True, options=options, **s3_overrides(s3_server, s3_bucket)) as live,
        live.client() as client,
    ):
        cid, output = render_a_panel(client, live)
        [row] = live.bot.repo.assets_of(cid, "video")
        live.bot.assets.local(row["path"]).unlink()
        video = client.get(output["url"])
        part = client.get(output["url"], headers={"Range": "bytes=0-99"})
    stored = s3_server.client().get_object(Bucket=s3_bucket, Key=f"site/{row['path']}")["Body"].read()
    assert video.status_code == 200 and video.content == stored
    assert part.status_code == 206 and part.content == stored[:100]


def test_the_local_store_streams_and_never_redirects(live_rendering) -> None:  # type: ignore[no-untyped-def]
    with live_rendering.client() as client:
        _cid, output = render_a_panel(client, live_rendering)
        video = client.get(output["url"])
    assert video.status_code == 200 and video.content[4:8] == b"ftyp"


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
