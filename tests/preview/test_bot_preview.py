"""Preview first through ``Bot``: an animatic job, approve -> the diffusion render of the same
revision (same durations), and the refusals (nothing pending, twice, an old revision, cancelled)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy import select

from botkit.bot import Bot, NothingToApprove, PreviewDecided, PreviewNotReady, StalePreview
from botkit.domain.jobs import JobState
from botkit.post.probe import probe
from botkit.store import models

REQUEST = "a 2 second vertical teaser for our trail shoes, 2 shots"


def jobs(bot: Bot) -> list[models.RenderJob]:
    with bot.repo.sessions() as session:
        rows = session.scalars(select(models.RenderJob).order_by(models.RenderJob.created_at)).all()
        session.expunge_all()
        return list(rows)


def test_preview_then_approve_renders_the_previewed_revision(bot: Bot) -> None:
    started = time.perf_counter()
    turn = bot.chat(REQUEST, preview=True)
    preview_s = time.perf_counter() - started
    assert turn.job_id is not None and len(turn.outputs) == 1
    preview_status = bot.jobs.status(turn.job_id)
    assert preview_status.purpose == "preview" and preview_status.engine == "animatic"
    assert preview_status.decision is None and preview_status.state is JobState.SUCCEEDED
    assert bot.pending_preview(turn.conversation_id).id == turn.job_id
    assert preview_s < 30  # an animatic, no diffusion
    # nothing but the preview was rendered
    assert [row.purpose for row in jobs(bot)] == ["preview"]

    approval = bot.approve(turn.conversation_id)
    assert approval.created and approval.preview_id == turn.job_id
    render = bot.jobs.status(approval.job_id)
    assert render.purpose == "render" and render.preview_id == turn.job_id and render.engine == "tiny-wan"
    assert render.plan_id == preview_status.plan_id and render.state is JobState.SUCCEEDED
    assert bot.jobs.status(turn.job_id).decision == "approved"
    assert bot.pending_preview(turn.conversation_id) is None
    # the approved preview's timing is kept: same shots, same durations, same video length
    preview_video = probe(Path(turn.outputs[0].path))
    final_video = probe(Path(approval.turn.outputs[0].path))
    assert final_video.duration_s == pytest.approx(preview_video.duration_s, abs=0.05)
    assert approval.turn.outputs[0].duration_s == turn.outputs[0].duration_s

    again = bot.approve(turn.conversation_id)  # approve twice: the same render, nothing new
    assert not again.created and again.job_id == approval.job_id
    assert len(jobs(bot)) == 2


def test_approve_with_nothing_pending(bot: Bot) -> None:
    turn = bot.chat(REQUEST, dry_run=True)
    with pytest.raises(NothingToApprove, match="nothing waits for approval"):
        bot.approve(turn.conversation_id)
    with pytest.raises(NothingToApprove, match="no preview 'nope'"):
        bot.approve(turn.conversation_id, preview_id="nope")
    assert jobs(bot) == []


def test_old_revision_after_newer_edit_is_refused(bot: Bot) -> None:
    first = bot.chat(REQUEST, preview=True)
    revised = bot.follow_up(first.conversation_id, "make it 3 seconds")
    bot.preview(revised)
    assert bot.jobs.status(first.job_id).decision == "superseded"
    with pytest.raises(
        StalePreview, match="revision 1 of the plan, but the plan has changed since \\(now revision 2\\)"
    ):
        bot.approve(first.conversation_id, preview_id=first.job_id)
    assert all(row.purpose == "preview" for row in jobs(bot))  # no render started
    approval = bot.approve(first.conversation_id)  # the newest preview is fine
    assert bot.jobs.status(approval.job_id).plan_id == revised.plan_id


def test_edit_without_a_new_preview_makes_the_preview_stale(bot: Bot) -> None:
    first = bot.chat(REQUEST, preview=True)
    bot.follow_up(first.conversation_id, "make it 3 seconds")
    with pytest.raises(StalePreview):
        bot.approve(first.conversation_id)


def test_cancelled_preview_cannot_be_approved(bot: Bot) -> None:
    turn = bot.chat(REQUEST, preview=True)
    status = bot.cancel_preview(turn.conversation_id)
    assert status.decision == "cancelled"
    with pytest.raises(PreviewDecided, match="cancelled"):
        bot.approve(turn.conversation_id)
    assert bot.cancel_preview(turn.conversation_id).decision == "cancelled"  # twice: no harm
    assert [row.purpose for row in jobs(bot)] == ["preview"]


def test_preview_still_rendering_is_not_approved(bot: Bot) -> None:
    turn = bot.plan(REQUEST)
    job_id = bot.jobs.submit(
        turn.conversation_id, turn.plan_id, "animatic", idempotency_key=f"preview:{turn.plan_id}", purpose="preview"
    )
    with pytest.raises(PreviewNotReady):
        bot.approve(turn.conversation_id, preview_id=job_id)
    assert bot.jobs.status(job_id).decision is None


def test_wants_preview_by_skill_and_request(bot: Bot) -> None:
    marketing = bot.plan("a 10 second promo for our new trail shoes").plan
    social = bot.plan("a fun 5 second tiktok of a dancing cat").plan
    assert marketing.skill == "marketing" and bot.wants_preview(marketing)
    assert social.skill != "marketing" and not bot.wants_preview(social)
    assert not bot.wants_preview(marketing, False) and bot.wants_preview(social, True)


def test_a_preview_still_drawing_is_stopped_when_a_newer_one_replaces_it(bot: Bot) -> None:
    turn = bot.plan(REQUEST)
    drawing = bot.jobs.submit(
        turn.conversation_id, turn.plan_id, "animatic", idempotency_key=f"preview:{turn.plan_id}", purpose="preview"
    )
    newer = bot.preview(bot.follow_up(turn.conversation_id, "make it 3 seconds"))
    old = bot.jobs.status(drawing)
    assert old.decision == "superseded" and old.state is JobState.CANCELLED
    assert bot.pending_preview(turn.conversation_id).id == newer.job_id
    kinds = [event.kind for event in bot.jobs.events(job_id=drawing)]
    assert kinds == ["queued", "preview_superseded", "cancelled"]
