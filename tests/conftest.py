"""Shared fixtures: settings in a temp data dir, a tiny real diffusers engine, PostgreSQL databases."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import torch

from botkit.settings import Settings

torch.set_num_threads(1)  # measured faster than 2 threads when both cores are busy (see README)


@pytest.fixture(autouse=True)
def _silent_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    """The suite renders silent videos unless a test asks for sound (``Settings(narration=True)``
    or ``BOTKIT_NARRATION=true``): speaking every plan's lines would add minutes to it."""
    monkeypatch.setenv("BOTKIT_NARRATION", "false")


@pytest.fixture(scope="session")
def tiny_engine():
    from botkit.engine import load_engine

    return load_engine("tiny-wan")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", engine="tiny-wan")


@pytest.fixture
def bot(settings: Settings, tiny_engine):
    from botkit.bot import Bot

    return Bot.open(settings, engine=tiny_engine)


def _postgres_admin_url() -> str | None:
    return os.environ.get("BOTKIT_TEST_POSTGRES_URL")


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A throwaway PostgreSQL database, dropped afterwards. Skips unless BOTKIT_TEST_POSTGRES_URL is set."""
    admin_url = _postgres_admin_url()
    if not admin_url:
        pytest.skip("BOTKIT_TEST_POSTGRES_URL is not set")
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from botkit.store.db import open_db

    name = f"botkit_test_{uuid.uuid4().hex[:12]}"
    admin = open_db(admin_url).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(admin.url).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def database_urls() -> list:
    """Parametrise a test over SQLite and (when configured) PostgreSQL."""
    return ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(params=database_urls())
def database_url(request, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'botkit.db'}"
    return request.getfixturevalue("postgres_url")


# -- S3: moto's server on loopback (the real S3 wire protocol, never a mock object) ----------------


@dataclass
class S3Server:
    endpoint_url: str

    def client(self, access_key: str = "testing", secret_key: str = "testing"):  # type: ignore[no-untyped-def]
        import boto3

        return boto3.session.Session().client(
            "s3",
            endpoint_url=self.endpoint_url,
            region_name="us-east-1",
            aws_access_key_id=access_key,
            aws_secret_access_key=secret_key,
        )

    def env(self, bucket: str) -> dict[str, str]:
        """What a botkit process needs to use ``bucket`` on this server."""
        return {
            "BOTKIT_ASSETS_URL": f"s3://{bucket}/botkit",
            "BOTKIT_S3_ENDPOINT_URL": self.endpoint_url,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": "us-east-1",
        }


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Server]:
    """moto's S3 server (``moto[server]``) in a thread on a free loopback port, for the session."""
    pytest.importorskip("boto3")
    server_module = pytest.importorskip("moto.server")
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = server_module.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield S3Server(f"http://127.0.0.1:{port}")
    finally:
        server.stop()


@pytest.fixture
def s3_bucket(s3_server: S3Server, monkeypatch: pytest.MonkeyPatch) -> str:
    """A fresh bucket; this process's AWS_* variables point at the test server's credentials."""
    for name, value in s3_server.env("unused").items():
        if name.startswith("AWS_"):
            monkeypatch.setenv(name, value)
    bucket = f"botkit-{uuid.uuid4().hex[:12]}"
    s3_server.client().create_bucket(Bucket=bucket)
    return bucket
