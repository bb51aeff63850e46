"""The S3 asset store against moto's S3 server on loopback: objects shared by processes with
separate data dirs, uploads then rows, presigned links with Range, the sweep, and the refusals a
real bucket gives (writes denied, revoked credentials, no such bucket) as clear errors that leave
no row and no object behind."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import httpx
import pytest
from PIL import Image
from sqlalchemy import func, select

from botkit.bot import Bot
from botkit.domain.jobs import JobState
from botkit.errors import AssetStoreError, InputError
from botkit.settings import Settings
from botkit.store import models
from botkit.store.objects import S3AssetStore, open_asset_store
from botkit.store.sweep import Janitor

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def keys(client, bucket: str, prefix: str = "") -> list[str]:  # type: ignore[no-untyped-def]
    listed = client.list_objects_v2(Bucket=bucket, Prefix=prefix)
    return sorted(item["Key"] for item in listed.get("Contents", []))


def store_at(root: Path, bucket: str, s3_server, **kwargs) -> S3AssetStore:  # type: ignore[no-untyped-def]
    store = open_asset_store(f"s3://{bucket}/tenant-a", root, endpoint_url=s3_server.endpoint_url, **kwargs)
    assert isinstance(store, S3AssetStore)
    return store


def s3_settings(tmp: Path, bucket: str, s3_server, name: str, **extra) -> Settings:  # type: ignore[no-untyped-def]
    return Settings(
        data_dir=tmp / name,
        database_url=f"sqlite:///{tmp / 'shared.db'}",  # the database is what the processes share, with the bucket
        engine="tiny-wan",
        task_engines={"i2v": "animatic"},
        assets_url=f"s3://{bucket}/botkit",
        s3_endpoint_url=s3_server.endpoint_url,
        **extra,
    )


def panel(path: Path, colour: tuple[int, int, int] = (200, 40, 40)) -> Path:
    Image.new("RGB", (96, 64), colour).save(path)
    return path


def test_an_object_put_by_one_store_is_read_by_another(tmp_path: Path, s3_bucket: str, s3_server) -> None:
    writer = store_at(tmp_path / "worker-a", s3_bucket, s3_server)
    reader = store_at(tmp_path / "web", s3_bucket, s3_server)
    with writer.staging(prefix="t-") as folder:
        staged = folder / "video.mp4"
        staged.write_bytes(b"\x00\x01" * 5000)
        stored = writer.put(staged, "conversations/c1/jobs/j1/video.mp4")
    assert not staged.exists() and writer.local(stored.path).is_file()  # kept as the writer's local copy
    assert keys(s3_server.client(), s3_bucket) == ["tenant-a/conversations/c1/jobs/j1/video.mp4"]
    head = s3_server.client().head_object(Bucket=s3_bucket, Key="tenant-a/conversations/c1/jobs/j1/video.mp4")
    assert head["ContentType"] == "video/mp4" and head["Metadata"]["sha256"] == stored.checksum

    assert not reader.local(stored.path).exists()
    fetched = reader.path(stored.path)  # fetched from the bucket into the reader's own folder
    assert fetched.is_relative_to(tmp_path / "web") and fetched.read_bytes() == b"\x00\x01" * 5000
    assert reader.exists(stored.path) and not reader.exists("conversations/c1/jobs/j1/nothing.mp4")
    assert not reader.path("conversations/c1/jobs/j1/nothing.mp4").exists()  # missing: no file, as on disk
    assert not list((tmp_path / "web").rglob("*.part"))

    writer.remove_tree("conversations/c1/jobs/j1")
    assert keys(s3_server.client(), s3_bucket) == []
    with pytest.raises(ValueError, match="escapes the store"):
        reader.path("../outside.txt")


def test_a_presigned_link_serves_ranges(tmp_path: Path, s3_bucket: str, s3_server) -> None:
    store = store_at(tmp_path / "web", s3_bucket, s3_server, presign_s=120)
    staged = tmp_path / "web" / "clip.mp4"
    staged.parent.mkdir(parents=True)
    staged.write_bytes(bytes(range(256)) * 4)
    store.put(staged, "conversations/c/jobs/j/x.mp4")
    url = store.presigned_url("conversations/c/jobs/j/x.mp4", filename="x.mp4", mime="video/mp4")
    assert url and "X-Amz-Expires=120" in url
    got = httpx.get(url, headers={"Range": "bytes=10-19"})
    assert got.status_code == 206 and got.content == bytes(range(10, 20))
    assert got.headers["content-disposition"] == 'attachment; filename="x.mp4"'
    assert open_asset_store(None, tmp_path / "local").presigned_url("a/b.mp4") is None  # local: served by the app


def test_inputs_and_renders_go_through_the_bucket(tmp_path: Path, s3_bucket: str, s3_server, tiny_engine) -> None:
    """A web process stores the panel; a worker with its own data dir renders (the panel fetched
    from the bucket) and stores outputs and clips there; a second worker re-uses the clips."""
    web = Bot.open(s3_settings(tmp_path, s3_bucket, s3_server, "web"), engine=tiny_engine)
    turn = web.plan("a 1 second teaser for our red lamp", images=[panel(tmp_path / "p.png")], platforms=["x"])
    image = web.repo.assets_of(turn.conversation_id, "input_image")[0]["path"]
    assert f"botkit/{image}" in keys(s3_server.client(), s3_bucket)

    worker = Bot.open(s3_settings(tmp_path, s3_bucket, s3_server, "worker-a"), engine=tiny_engine)
    rendered = worker.render(turn)
    assert rendered.outputs and all(Path(o.path).is_relative_to(tmp_path / "worker-a") for o in rendered.outputs)
    stored = keys(s3_server.client(), s3_bucket, f"botkit/conversations/{turn.conversation_id}/jobs/")
    assert {Path(k).suffix for k in stored} >= {".mp4", ".png", ".webp"}
    clips = keys(s3_server.client(), s3_bucket, "botkit/clips/")
    assert clips

    # the web plays back what the worker made: its outputs, fetched into the web's own folder
    [output] = web.outputs(turn.conversation_id, job_id=turn.job_id)
    assert Path(output.path).is_relative_to(tmp_path / "web")
    assert Path(output.path).read_bytes() == Path(rendered.outputs[0].path).read_bytes()

    # another take on a second worker: every shot comes from the clip cache in the bucket
    other = Bot.open(s3_settings(tmp_path, s3_bucket, s3_server, "worker-b"), engine=tiny_engine)
    again = other.plan("a 1 second teaser for our red lamp", images=[panel(tmp_path / "p.png")], platforms=["x"])
    other.render(again)
    [video] = other.repo.assets_of(again.conversation_id, "video")
    assert all(shot["reused"] for shot in video["metrics"]["shots"])
    assert keys(s3_server.client(), s3_bucket, "botkit/clips/") == clips
    for bot in (web, worker, other):
        bot.db.dispose()


def test_the_sweep_removes_unrecorded_inputs_from_the_bucket(
    tmp_path: Path, s3_bucket: str, s3_server, tiny_engine
) -> None:
    bot = Bot.open(s3_settings(tmp_path, s3_bucket, s3_server, "web"), engine=tiny_engine)
    turn = bot.plan("a 1 second teaser for our lamp", images=[panel(tmp_path / "p.png")], platforms=["x"])
    recorded = bot.repo.assets_of(turn.conversation_id, "input_image")[0]["path"]
    # what a web process killed between the upload and the row leaves: an object nobody recorded
    orphan = f"conversations/{turn.conversation_id}/inputs/deadbeef-01.png"
    s3_server.client().put_object(Bucket=s3_bucket, Key=f"botkit/{orphan}", Body=b"png")
    report = Janitor(bot.assets, bot.repo.sessions, older_than_s=-60).sweep()  # everything counts as old
    assert report.input_images == 1
    left = keys(s3_server.client(), s3_bucket, f"botkit/conversations/{turn.conversation_id}/inputs/")
    assert left == [f"botkit/{recorded}"]
    bot.db.dispose()


# -- refusals a real bucket gives ------------------------------------------------------------------


@pytest.fixture
def iam_users(s3_server, s3_bucket: str):  # type: ignore[no-untyped-def]
    """Three IAM users on the moto server (read-write, read-only, one whose key is deleted), then
    authentication switched on: from here the server checks every request's signature and policy."""
    import boto3

    iam = boto3.session.Session().client(
        "iam",
        endpoint_url=s3_server.endpoint_url,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    users = {}
    for name, actions in (("writer", ["s3:*"]), ("reader", ["s3:GetObject", "s3:ListBucket"]), ("revoked", ["s3:*"])):
        user = f"{name}-{uuid.uuid4().hex[:6]}"
        iam.create_user(UserName=user)
        policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": actions, "Resource": "*"}]}
        iam.put_user_policy(UserName=user, PolicyName="p", PolicyDocument=json.dumps(policy))
        key = iam.create_access_key(UserName=user)["AccessKey"]
        users[name] = (key["AccessKeyId"], key["SecretAccessKey"])
    iam.delete_access_key(UserName=user, AccessKeyId=users["revoked"][0])  # what an expired or rotated key looks like
    httpx.post(f"{s3_server.endpoint_url}/moto-api/reset-auth", content=b"0").raise_for_status()
    try:
        yield users
    finally:
        httpx.post(f"{s3_server.endpoint_url}/moto-api/reset-auth", content=b"inf").raise_for_status()


def use_key(monkeypatch: pytest.MonkeyPatch, key: tuple[str, str]) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", key[0])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", key[1])


def rows(bot: Bot, model) -> int:  # type: ignore[no-untyped-def]
    with bot.repo.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_a_bucket_that_refuses_writes(
    tmp_path: Path, s3_bucket: str, s3_server, iam_users, monkeypatch, tiny_engine
) -> None:
    use_key(monkeypatch, iam_users["reader"])
    bot = Bot.open(s3_settings(tmp_path, s3_bucket, s3_server, "web"), engine=tiny_engine)
    bot.assets.check()  # reading is allowed: the start-up check passes
    with pytest.raises(AssetStoreError, match=r"could not write s3://.*inputs/.*AccessDenied.*s3:PutObject"):
        bot.plan("a 1 second teaser for our lamp", images=[panel(tmp_path / "p.png")], platforms=["x"])
    assert rows(bot, models.Conversation) == 0 and rows(bot, models.Asset) == 0  # nothing half-written
    assert not list((tmp_path / "web" / "assets" / ".staging").glob("*"))

    # a render whose outputs cannot be stored fails with the reason; no rows, no objects
    turn = bot.plan("a 1 second teaser for our lamp", platforms=["x"])  # text only: nothing to upload yet
    with pytest.raises(AssetStoreError):
        bot.render(turn)
    status = bot.jobs.status(turn.job_id or "")
    assert status.state is JobState.FAILED and "AccessDenied" in (status.error or "")
    assert rows(bot, models.Asset) == 0
    assert keys(s3_server.client(*iam_users["writer"]), s3_bucket) == []
    bot.db.dispose()


def test_revoked_credentials_and_a_missing_bucket(
    tmp_path: Path, s3_bucket: str, s3_server, iam_users, monkeypatch
) -> None:
    use_key(monkeypatch, iam_users["revoked"])
    store = store_at(tmp_path / "w", s3_bucket, s3_server)
    with pytest.raises(AssetStoreError, match=r"refused the credentials \(InvalidAccessKeyId\).*revoked or expired"):
        store.check()
    staged = tmp_path / "w" / "f.png"
    staged.write_bytes(b"png")
    with pytest.raises(AssetStoreError, match="could not write"):
        store.put(staged, "conversations/c/inputs/f.png")
    assert staged.exists()  # a refused upload keeps the staged file for the caller to clean up
    use_key(monkeypatch, iam_users["writer"])
    missing = store_at(tmp_path / "m", "no-such-bucket-here", s3_server)
    with pytest.raises(AssetStoreError, match="bucket 'no-such-bucket-here' does not exist"):
        missing.check()


def test_bad_asset_urls_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="must be s3://bucket/prefix"):
        Settings(assets_url="ftp://example.com/x")
    with pytest.raises(InputError, match="not a bucket name"):
        open_asset_store("s3://Bad_Bucket/x", tmp_path)
    assert open_asset_store(f"file://{tmp_path / 'here'}", tmp_path / "other").root == (tmp_path / "here").resolve()


def test_the_local_copies_are_trimmed_least_recently_used_first(tmp_path: Path, s3_bucket: str, s3_server) -> None:
    import os
    import time

    store = store_at(tmp_path / "worker", s3_bucket, s3_server)
    for name in ("old", "used", "new"):
        staged = tmp_path / f"{name}.bin"
        staged.write_bytes(b"x" * 1000)
        store.put(staged, f"clips/aa/{name}.npz")
    hour_ago = time.time() - 3600
    for name in ("old", "used"):
        os.utime(store.local(f"clips/aa/{name}.npz"), (hour_ago, hour_ago))
    os.utime(store.local("clips/aa/old.npz"), (hour_ago - 60, hour_ago - 60))
    store.path("clips/aa/used.npz")  # a cache hit marks it used now
    with store.staging(prefix="job-") as folder:
        (folder / "work.mp4").write_bytes(b"y" * 5000)  # staging is never trimmed
        assert store.trim_cache(1000, keep_recent_s=600) == 1000
        assert (folder / "work.mp4").exists()
    assert not store.local("clips/aa/old.npz").exists()
    assert store.local("clips/aa/used.npz").exists() and store.local("clips/aa/new.npz").exists()
    assert store.path("clips/aa/old.npz").read_bytes() == b"x" * 1000  # the bucket still has it
    assert open_asset_store(None, tmp_path / "local").trim_cache(0) == 0  # a local store is the truth


def test_a_skewed_clock_and_an_unreachable_endpoint_read_clearly(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """moto does not check request times or session-token expiry, so the clock and expired-token
    cases are botocore's own error objects for S3's answers (RequestTimeTooSkewed, ExpiredToken)
    through the translation; the endpoint case is a real refused
    connection on a closed loopback port."""
    from botocore.exceptions import ClientError

    store = S3AssetStore(tmp_path, "some-bucket", "p", endpoint_url="http://127.0.0.1:9")
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    with pytest.raises(AssetStoreError, match="no credentials for the object store"):
        store.check()
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "a")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "b")
    store = S3AssetStore(tmp_path, "some-bucket", "p", endpoint_url="http://127.0.0.1:9")
    skewed = ClientError({"Error": {"Code": "RequestTimeTooSkewed", "Message": "too skewed"}}, "PutObject")
    assert "clock is too far off" in str(store._error(skewed, "write", "a.mp4"))
    expired = ClientError(
        {"Error": {"Code": "ExpiredToken", "Message": "The provided token has expired."}}, "GetObject"
    )
    assert "refused the credentials (ExpiredToken)" in str(store._error(expired, "read", "a.mp4"))
    assert "AWS_SESSION_TOKEN" in str(store._error(expired, "read", "a.mp4"))  # what to renew
    with pytest.raises(AssetStoreError, match=r"http://127.0.0.1:9 could not be reached"):
        store.check()
