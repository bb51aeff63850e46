"""Pending migrations are found without importing alembic; alembic runs only when there are some."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from alembic.script import ScriptDirectory

from botkit.store.db import open_db
from botkit.store.migrate import alembic_config, current_revisions, head_revisions, pending, upgrade


def test_heads_read_from_the_files_are_alembics(tmp_path: Path) -> None:
    db = open_db(f"sqlite:///{tmp_path / 'botkit.db'}")
    assert head_revisions() == set(ScriptDirectory.from_config(alembic_config(db)).get_heads())


def test_pending_until_upgraded_and_after_a_downgrade(database_url: str) -> None:
    db = open_db(database_url)
    assert current_revisions(db) == set() and pending(db)
    upgrade(db, "0003")
    assert current_revisions(db) == {"0003"} and pending(db)
    upgrade(db)
    assert current_revisions(db) == head_revisions() and not pending(db)
    db.dispose()


def test_an_up_to_date_database_is_checked_without_alembic(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'botkit.db'}"
    db = open_db(url)
    upgrade(db)
    db.dispose()
    script = (
        "import sys\n"
        "from botkit.store.db import open_db\n"
        "from botkit.store.migrate import upgrade\n"
        f"upgrade(open_db({url!r}))\n"
        "print('alembic' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
