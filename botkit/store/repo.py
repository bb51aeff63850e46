"""Repositories: the only code that reads and writes rows. They take and return domain objects."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from botkit.domain import Output, ShotPlan
from botkit.store import models
from botkit.store.assets import StoredFile


@dataclass(frozen=True)
class NewAsset:
    """A file already moved into the asset store, to be recorded."""

    stored: StoredFile
    kind: str  # input_image | video | poster
    mime: str
    platform: str | None = None
    width: int | None = None
    height: int | None = None
    fps: float | None = None
    duration_s: float | None = None
    metrics: dict[str, Any] | None = None


class Repository:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def start_conversation(
        self,
        *,
        conversation_id: str,
        channel: str,
        text: str,
        plan: ShotPlan,
        inputs: list[NewAsset],
    ) -> str:
        """Write conversation, user message, input images and plan revision 1 in one transaction.
        Returns the plan id."""
        with self.sessions.begin() as session:
            session.add(models.Conversation(id=conversation_id, channel=channel, skill=plan.skill))
            message = models.Message(
                conversation_id=conversation_id,
                role="user",
                text=text,
                attachments={"images": [asset.stored.path for asset in inputs]},
            )
            session.add(message)
            session.flush()  # parents first: assets and plans reference these rows
            image_ids = {}
            for asset in inputs:
                row = self.asset_row(conversation_id, None, asset)
                session.add(row)
                image_ids[asset.stored.path] = row.id
            session.flush()
            return self._add_plan(session, conversation_id, plan, message.id, image_ids)

    def add_plan_revision(self, conversation_id: str, plan: ShotPlan, message_id: int | None = None) -> str:
        with self.sessions.begin() as session:
            return self._add_plan(session, conversation_id, plan, message_id, {})

    def _add_plan(
        self, session: Session, conversation_id: str, plan: ShotPlan, message_id: int | None, image_ids: dict[str, str]
    ) -> str:
        revision = 1 + (
            session.scalar(
                select(func.max(models.ShotPlanRow.revision)).where(
                    models.ShotPlanRow.conversation_id == conversation_id
                )
            )
            or 0
        )
        row = models.ShotPlanRow(
            id=models.new_id(),
            conversation_id=conversation_id,
            revision=revision,
            message_id=message_id,
            skill=plan.skill,
            planner=plan.planner,
            plan=plan.model_dump(mode="json"),
        )
        session.add(row)
        for shot in plan.shots:
            session.add(
                models.ShotRow(
                    plan_id=row.id,
                    index=shot.index,
                    mode=shot.mode.value,
                    prompt=shot.prompt,
                    negative_prompt=shot.negative_prompt,
                    duration_s=shot.duration_s,
                    camera=shot.camera,
                    seed=shot.seed,
                    image_asset_id=image_ids.get(shot.image) if shot.image else None,
                )
            )
        session.add(models.Message(conversation_id=conversation_id, role="assistant", text=plan.summary()))
        return row.id

    def get_plan(self, plan_id: str) -> ShotPlan:
        with self.sessions() as session:
            row = session.get(models.ShotPlanRow, plan_id)
            if row is None:
                raise KeyError(f"no plan {plan_id!r}")
            return ShotPlan.model_validate(row.plan)

    def outputs(self, conversation_id: str, *, job_id: str | None = None) -> list[Output]:
        """Finished videos of a conversation (or of one job), oldest first; paths relative to the store."""
        query = select(models.Asset).where(
            models.Asset.conversation_id == conversation_id, models.Asset.kind.in_(["video", "poster"])
        )
        if job_id is not None:
            query = query.where(models.Asset.job_id == job_id)
        with self.sessions() as session:
            rows = session.scalars(query.order_by(models.Asset.created_at, models.Asset.id)).all()
        posters = {(row.job_id, row.platform): row.path for row in rows if row.kind == "poster"}
        return [
            Output(
                platform=row.platform or "",
                path=row.path,
                width=row.width or 0,
                height=row.height or 0,
                fps=row.fps or 0.0,
                duration_s=row.duration_s or 0.0,
                poster=posters.get((row.job_id, row.platform), ""),
            )
            for row in rows
            if row.kind == "video"
        ]

    @staticmethod
    def asset_row(conversation_id: str, job_id: str | None, asset: NewAsset) -> models.Asset:
        return models.Asset(
            id=models.new_id(),
            conversation_id=conversation_id,
            job_id=job_id,
            kind=asset.kind,
            platform=asset.platform,
            path=asset.stored.path,
            mime=asset.mime,
            bytes=asset.stored.bytes,
            width=asset.width,
            height=asset.height,
            fps=asset.fps,
            duration_s=asset.duration_s,
            checksum=asset.stored.checksum,
            metrics=asset.metrics or {},
        )
