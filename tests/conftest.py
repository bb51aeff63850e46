"""Shared fixtures: settings in a temp data dir, a tiny real diffusers engine, PostgreSQL databases."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
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

    from botkit.store.db import make_engine

    name = f"botkit_test_{uuid.uuid4().hex[:12]}"
    admin = make_engine(admin_url).execution_options(isolation_level="AUTOCOMMIT")
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
