"""The sweep removes what dead requests left (old staging folders, input images never recorded)
and keeps work in progress, recorded files and a running job's folder."""

from __future__ import annotations

import os
import time
from datetime import UTC

from botkit.bot import Bot
from botkit.store.sweep import Janitor


def age(path, seconds: float) -> None:  # type: ignore[no-untyped-def]
    old = time.time() - seconds
    os.utime(path, (old, old))


def test_sweep_removes_leftovers_only(settings, tiny_engine, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from PIL import Image

    # the panel's shot is image-to-video: routed to the embedded model (never rendered here)
    bot = Bot.open(settings.model_copy(update={"task_engines": {"i2v": "embedded"}}), engine=tiny_engine)

    panel = tmp_path / "panel.png"
    Image.new("RGB", (64, 64), (10, 200, 10)).save(panel)
    turn = bot.plan("animate this panel", images=[panel])
    recorded = bot.assets.path(turn.plan.shots[0].image or "")
    job_id = bot.submit(turn)
    root = bot.assets.root
    dead_upload = root / ".staging" / "upload-dead"
    fresh_upload = root / ".staging" / "upload-live"
    running_job = root / ".staging" / f"{job_id}-abc"
    for folder in (dead_upload, fresh_upload, running_job):
        (folder / "x").mkdir(parents=True)
    orphan = recorded.parent / "deadbeef-01.png"
    orphan.write_bytes(recorded.read_bytes())
    for path in (dead_upload, running_job, orphan, recorded):
        age(path, 3600)
    bot.context.jobs.claim(job_id, "worker-1", stale_after_s=30)  # the job runs

    report = Janitor(bot.assets, bot.repo.sessions, older_than_s=600).sweep()
    assert (report.staging_folders, report.input_images) == (1, 1)
    assert not dead_upload.exists() and not orphan.exists()
    assert fresh_upload.exists() and running_job.exists() and recorded.exists()

    bot.jobs.cancel(job_id)
    bot.context.jobs.recover(stale_after_s=0)
    assert Janitor(bot.assets, bot.repo.sessions, older_than_s=600).sweep().staging_folders == 1
    assert not running_job.exists()


def test_timestamps_come_back_with_utc(bot: Bot) -> None:
    turn = bot.plan("a promo for our lamp")
    job_id = bot.submit(turn)
    status = bot.jobs.status(job_id)
    stamps = [status.created_at, *(m["created_at"] for m in bot.repo.messages(turn.conversation_id))]
    stamps += [event.created_at for event in bot.jobs.events(job_id=job_id)]
    assert all(stamp.tzinfo is not None and stamp.utcoffset() == UTC.utcoffset(None) for stamp in stamps)
