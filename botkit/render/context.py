"""What rendering a plan needs besides its engines, built once from settings in any process."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from botkit.post.reframe import ReframeMode
from botkit.post.x264 import DEFAULT_X264_PRESET, X264Preset
from botkit.provenance import check as check_signer
from botkit.render.clips import ClipCache
from botkit.render.handoff import timeline_formats
from botkit.render.signing import SignOutputs
from botkit.render.steps import OutputStep, SkillPostProcess
from botkit.store.assets import AssetStore
from botkit.store.objects import open_asset_store

if TYPE_CHECKING:
    from sqlalchemy import Engine as Database
    from sqlalchemy.orm import Session, sessionmaker

    from botkit.provenance import Signer
    from botkit.quality import Thresholds
    from botkit.render.sound import Narrator
    from botkit.settings import Settings
    from botkit.skills import SkillRegistry


@dataclass
class RenderContext:
    """Where files go, the clip cache, and the presentation choices of one deployment."""

    assets: AssetStore
    clips: ClipCache
    after_produce: list[OutputStep] = field(default_factory=list)
    """After ``produce``, in order: the skill's hook, then (coming) audio mixing, then signing last."""
    denoise_steps: int | None = None  # overrides every engine's denoising steps (``BOTKIT_STEPS``)
    reframe: ReframeMode = "auto"
    x264_preset: X264Preset = DEFAULT_X264_PRESET
    quality_checks: bool = True  # measure each new clip; re-render once with a new seed on failure
    thresholds: Thresholds | None = None  # None: the defaults
    task_engines: dict[str, str] = field(default_factory=dict)  # engines for tasks the main one cannot do
    narrator: Narrator | None = None  # speaks the plans' narration (None: every video stays silent)
    skills: SkillRegistry | None = None  # for each skill's config (its badge choice)
    signer: Signer | None = None  # checked at start-up; None when BOTKIT_SIGNING=off
    ai_badge: bool = False  # the "AI" corner badge when neither the plan (site, workspace) nor its skill says
    timeline_formats: list[str] = field(default_factory=list)  # editor timelines written with every job (otio, ...)


def render_context(
    settings: Settings, sessions: sessionmaker[Session], skills: SkillRegistry | None = None
) -> RenderContext:
    """The context of a deployment: its data dir, database sessions, settings and skills. The
    signer is checked here, in every process that renders (the bot, a Celery worker), so a missing
    or expired certificate is a ``CredentialsError`` at start-up, never a failed job; with no
    certificate configured the development chain is made on first start."""
    assets = asset_store(settings)
    narrator = sound_narrator(settings)
    steps: list[OutputStep] = [SkillPostProcess(skills)] if skills is not None else []
    if narrator is not None:
        from botkit.render.sound import SoundStep

        steps.append(SoundStep())  # after the skill's hook; signing goes after it, last
    signer = check_signer(settings)
    steps.append(SignOutputs(signer, assets))  # last: nothing may write after it
    return RenderContext(
        assets=assets,
        clips=ClipCache(assets, sessions),
        after_produce=steps,
        narrator=narrator,
        denoise_steps=settings.steps,
        x264_preset=settings.x264_preset,
        quality_checks=settings.quality_checks,
        task_engines={str(task): name for task, name in settings.task_engines.items()},
        ai_badge=settings.ai_badge,
        skills=skills,
        signer=signer,
        timeline_formats=timeline_formats(settings.timeline_export),
    )


def sound_narrator(settings: Settings) -> Narrator | None:
    """The deployment's narrator (voice files and folders, default voice and music), or None when
    narration is off (``BOTKIT_NARRATION=false``). One per process: a voice model loads once."""
    if not settings.narration:
        return None
    from botkit.render.sound import shared_narrator

    return shared_narrator(
        voice_files=tuple(settings.voice_files), voice_folders=tuple(settings.voice_folders),
        default_voice=settings.voice, default_music=settings.music, cache_dir=settings.data_dir / "cache" / "voices",
    )  # fmt: skip


def asset_store(settings: Settings) -> AssetStore:
    """The deployment's asset store: ``BOTKIT_ASSETS_URL`` (a bucket), else ``<data dir>/assets``."""
    return open_asset_store(
        settings.assets_url,
        settings.data_dir / "assets",
        endpoint_url=settings.s3_endpoint_url,
        region=settings.s3_region,
        addressing=settings.s3_addressing,
        presign_s=settings.s3_presign_s,
    )


def database_sessions(settings: Settings, db: Database | None = None) -> sessionmaker[Session]:
    from botkit.store.db import open_db, session_factory

    return session_factory(db if db is not None else open_db(settings.resolved_database_url()))
