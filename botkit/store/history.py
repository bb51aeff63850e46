"""Read-only queries for ``botkit history`` and ``botkit chat --continue``: conversations, their
plan revisions and outputs, as domain summaries (``botkit.domain.history``)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from botkit.domain import ShotPlan
from botkit.domain.history import ConversationSummary, JobSummary, RevisionSummary, VideoSummary
from botkit.errors import InputError
from botkit.store import models


class History:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def resolve(self, prefix: str) -> str:
        """The conversation whose id is ``prefix`` or starts with it (ids are shown shortened)."""
        prefix = prefix.strip().lower()
        if not prefix or len(prefix) > 32 or not all(c in "0123456789abcdef" for c in prefix):
            raise InputError(f"{prefix!r} is not a conversation id; `botkit history` lists them")
        with self.sessions() as session:
            found = session.scalars(
                select(models.Conversation.id).where(models.Conversation.id.startswith(prefix)).limit(3)
            ).all()
        if not found:
            raise InputError(f"no conversation {prefix!r}; `botkit history` lists them")
        if len(found) > 1:
            raise InputError(f"{prefix!r} matches several conversations ({', '.join(f[:12] for f in found)}...)")
        return found[0]

    def latest(self) -> str | None:
        """The conversation with the newest message (the one ``--continue`` continues)."""
        with self.sessions() as session:
            return session.scalar(select(models.Message.conversation_id).order_by(models.Message.id.desc()).limit(1))

    def conversations(self, limit: int = 20) -> list[ConversationSummary]:
        """The most recently active conversations, newest first."""
        with self.sessions() as session:
            last = (
                select(models.Message.conversation_id, func.max(models.Message.created_at).label("last_at"))
                .group_by(models.Message.conversation_id)
                .subquery()
            )
            rows = session.execute(
                select(models.Conversation, last.c.last_at)
                .join(last, last.c.conversation_id == models.Conversation.id)
                .order_by(last.c.last_at.desc(), models.Conversation.id)
                .limit(limit)
            ).all()
            ids = [conversation.id for conversation, _ in rows]
            revisions = dict(
                session.execute(
                    select(models.ShotPlanRow.conversation_id, func.count())
                    .where(models.ShotPlanRow.conversation_id.in_(ids))
                    .group_by(models.ShotPlanRow.conversation_id)
                ).all()
            )
            outputs = dict(
                session.execute(
                    select(models.Asset.conversation_id, func.count())
                    .where(models.Asset.conversation_id.in_(ids), models.Asset.kind == "video")
                    .group_by(models.Asset.conversation_id)
                ).all()
            )
            titles = {}
            for conversation_id in ids:
                plan = session.scalars(
                    select(models.ShotPlanRow.plan)
                    .where(models.ShotPlanRow.conversation_id == conversation_id)
                    .order_by(models.ShotPlanRow.revision.desc())
                    .limit(1)
                ).first()
                titles[conversation_id] = plan["title"] if plan else ""
            return [
                ConversationSummary(
                    id=conversation.id,
                    channel=conversation.channel,
                    created_at=conversation.created_at,
                    last_at=last_at,
                    title=titles[conversation.id],
                    revisions=revisions.get(conversation.id, 0),
                    outputs=outputs.get(conversation.id, 0),
                )
                for conversation, last_at in rows
            ]

    def revisions(self, conversation_id: str) -> list[RevisionSummary]:
        """Every plan revision of a conversation, oldest first, with its jobs and videos."""
        with self.sessions() as session:
            plans = session.scalars(
                select(models.ShotPlanRow)
                .where(models.ShotPlanRow.conversation_id == conversation_id)
                .order_by(models.ShotPlanRow.revision)
            ).all()
            messages = {
                m.id: m for m in session.scalars(
                    select(models.Message).where(models.Message.conversation_id == conversation_id)
                )
            }  # fmt: skip
            jobs = session.scalars(
                select(models.RenderJob)
                .where(models.RenderJob.conversation_id == conversation_id)
                .order_by(models.RenderJob.created_at, models.RenderJob.id)
            ).all()
            videos = session.scalars(
                select(models.Asset)
                .where(models.Asset.conversation_id == conversation_id, models.Asset.kind == "video")
                .order_by(models.Asset.created_at, models.Asset.id)
            ).all()
            # a job's reply ("Done: ... Quality checks still flag: ...") rides on its "done" event
            replies = {
                event.job_id: str(event.data.get("reply") or "")
                for event in session.scalars(
                    select(models.JobEvent).where(
                        models.JobEvent.conversation_id == conversation_id, models.JobEvent.kind == "done"
                    )
                )
            }
            result = []
            for row in plans:
                request = messages[row.message_id].text if row.message_id in messages else None
                result.append(
                    RevisionSummary(
                        revision=row.revision,
                        plan_id=row.id,
                        created_at=row.created_at,
                        request=request,
                        summary=ShotPlan.model_validate(row.plan).summary(),
                        planner=row.planner,
                        jobs=[
                            JobSummary(
                                id=job.id,
                                state=job.state,
                                reply=replies.get(job.id),
                                error=job.error,
                                videos=[
                                    VideoSummary(
                                        platform=video.platform or "",
                                        width=video.width or 0,
                                        height=video.height or 0,
                                        duration_s=video.duration_s or 0.0,
                                        path=video.path,
                                    )
                                    for video in videos
                                    if video.job_id == job.id
                                ],
                            )
                            for job in jobs
                            if job.plan_id == row.id
                        ],
                    )
                )
            return result
