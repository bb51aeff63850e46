"""The app factory of one web process under ``botkit serve --workers N`` (uvicorn imports it in
each process). Settings come from the supervisor, so every process serves the same deployment;
none of them runs the embedded job runner (the supervisor does, once), while with Celery each one
sends its jobs to the broker."""

from __future__ import annotations

import json
import os

from fastapi import FastAPI

SETTINGS_VARIABLE = "BOTKIT_SERVE_SETTINGS"


def app() -> FastAPI:
    from botkit.bot import Bot
    from botkit.channels.extras import installed
    from botkit.channels.web.app import create_app
    from botkit.settings import Settings

    raw = os.environ.get(SETTINGS_VARIABLE)
    settings = Settings(**json.loads(raw)) if raw else Settings()
    bot = Bot(settings)  # migrated by the supervisor
    # with Celery, start_workers only sets the dispatcher: every web process sends to the broker
    web = create_app(bot, settings, run_workers=settings.jobs == "celery")
    if installed("slack"):  # botkit[slack]; the supervisor said so in its log
        from botkit.channels.slack.app import mount as mount_slack

        mount_slack(web, bot)
    return web
