"""The worker context from settings: any process (the bot, a Celery worker, its sweeper) builds
its own here, so no job module reaches up into ``botkit.bot``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from botkit import metrics
from botkit.jobs.render import WorkerContext
from botkit.render.context import database_sessions, render_context
from botkit.settings import Settings
from botkit.store.jobs import JobRepository
from botkit.store.repo import Repository
from botkit.store.usage import Quotas, UsageRepository

if TYPE_CHECKING:
    from sqlalchemy import Engine as Database

    from botkit.skills import SkillRegistry


def quotas_of(settings: Settings) -> Quotas:
    """The deployment's quota rules (``BOTKIT_QUOTAS``); a rule naming an unknown limit is refused."""
    from botkit.errors import InputError

    try:
        return Quotas.from_mapping(settings.quotas)
    except ValueError as exc:
        raise InputError(f"BOTKIT_QUOTAS: {exc}") from None


def worker_context(
    settings: Settings, db: Database | None = None, skills: SkillRegistry | None = None
) -> WorkerContext:
    """Everything a worker needs besides its engine. ``db``: an open database (else one from the
    settings' URL); ``skills``: an already configured registry (else the installed skills,
    configured from ``settings.skills_config``)."""
    if skills is None:
        from botkit.skills import load_skills
        from botkit.skills.configs import load_skill_configs

        skills = load_skills()
        if settings.skills_config is not None:
            load_skill_configs(settings.skills_config, skills)
    sessions = database_sessions(settings, db)
    jobs = JobRepository(sessions, UsageRepository(sessions, quotas_of(settings)))
    metrics.queue_depth_from(jobs.queue_depth)  # this process's /metrics reads the queue from SQL
    return WorkerContext(
        render=render_context(settings, sessions, skills),
        repo=Repository(sessions),
        jobs=jobs,
        heartbeat_s=settings.heartbeat_s,
        stale_after_s=settings.job_stale_s,
    )
