"""Repositories: the only code that reads and writes rows. They take and return domain objects."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from botkit.domain import Output, ShotPlan
from botkit.errors import StoreError
from botkit.store import models
from botkit.store.assets import StoredFile
from botkit.store.inbound import Delivery, InboundRepository


class StaleRevision(StoreError):
    """The plan a follow-up was built on is no longer the latest: another turn landed first.
    The caller revises the new latest plan and tries again."""

    http_status = 409  # rare (other messages kept landing first); the client retries
    public_message = "the conversation changed while this message was planned; send it again"


@dataclass(frozen=True)
class NewAsset:
    """A file already moved into the asset store, to be recorded."""

    stored: StoredFile
    kind: str  # input_image | clip | video | poster
    mime: str
    platform: str | None = None
    width: int | None = None
    height: int | None = None
    fps: float | None = None
    duration_s: float | None = None
    metrics: dict[str, Any] | None = None
    render_key: str | None = None


# the rows of a chat turn, as INSERTs built once (construction and cache keys paid once)
_messages = models.table(models.Message)
ADD_CONVERSATION = insert(models.table(models.Conversation))
ADD_MESSAGE = insert(_messages).returning(_messages.c.id)
ADD_ASSETS = insert(models.table(models.Asset))
ADD_PLAN = insert(models.table(models.ShotPlanRow))
ADD_SHOTS = insert(models.table(models.ShotRow))
CONVERSATION_ID = select(models.Conversation.id).where(models.Conversation.id == bindparam("cid"))
LATEST_REVISION = select(func.max(models.ShotPlanRow.revision)).where(
    models.ShotPlanRow.conversation_id == bindparam("cid")
)


def _latest_plan_row(session: Session, conversation_id: str) -> models.ShotPlanRow | None:
    return session.scalars(
        select(models.ShotPlanRow)
        .where(models.ShotPlanRow.conversation_id == conversation_id)
        .order_by(models.ShotPlanRow.revision.desc())
        .limit(1)
    ).first()


class Repository:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def record_turn(
        self,
        *,
        conversation_id: str,
        text: str,
        plan: ShotPlan,
        inputs: list[NewAsset],
        channel: str | None = None,
        external_key: str | None = None,
        owner: str | None = None,
        base_revision: int | None = None,
        delivery: Delivery | None = None,
        then: Callable[[Session, str], None] | None = None,
    ) -> str:
        """Write a user turn in one transaction: the conversation (when ``channel`` is given, a new
        one), the user message, its input images and the next plan revision. Returns the plan id.

        ``base_revision``: the revision the plan was built on. It is a compare-and-swap: the new
        revision is ``base_revision + 1``, and when another turn took that number first the
        transaction is refused with ``StaleRevision`` (the unique revision number decides, on
        SQLite and PostgreSQL alike), so no change is ever built on a stale plan and lost.
        ``delivery``: the held key of the request doing this; the turn is noted under it in the
        same transaction, so a retry after a crash finds the turn instead of making a second one.
        ``then(session, plan_id)``: more writes in the same transaction (the web queues the turn's
        render job here, so one POST is one commit)."""
        try:
            with self.sessions.begin() as session:
                # rows as plain INSERTs in parent-first order (no unit of work to sort, no ORM
                # objects to track): this runs once per chat POST
                if channel is not None:
                    session.execute(
                        ADD_CONVERSATION,
                        {
                            "id": conversation_id,
                            "channel": channel,
                            "skill": plan.skill,
                            "external_key": external_key,
                            "owner": owner,
                        },
                    )
                elif session.scalar(CONVERSATION_ID, {"cid": conversation_id}) is None:
                    raise KeyError(f"no conversation {conversation_id!r}")
                message_id = self._add_message(
                    session, conversation_id, "user", text, {"images": [asset.stored.path for asset in inputs]}
                )
                if base_revision is not None and self._latest_revision(session, conversation_id) != base_revision:
                    raise StaleRevision(
                        f"conversation {conversation_id} has a newer plan than revision {base_revision}"
                    )
                image_ids = {}
                if inputs:
                    rows = [self.asset_values(conversation_id, None, asset) for asset in inputs]
                    session.execute(ADD_ASSETS, rows)
                    image_ids = {row["path"]: row["id"] for row in rows}
                # a new conversation's plan is revision 1: no query for the latest
                revision = 1 if channel is not None else None if base_revision is None else base_revision + 1
                # a taken revision number fails here, inside the try
                plan_id = self._add_plan(session, conversation_id, plan, message_id, image_ids, revision=revision)
                if delivery is not None:
                    InboundRepository.record_progress(
                        session, delivery, {"turn": {"conversation_id": conversation_id, "plan_id": plan_id}}
                    )
                if then is not None:
                    then(session, plan_id)
                return plan_id
        except IntegrityError:
            if base_revision is not None and self.latest_revision_number(conversation_id) != base_revision:
                raise StaleRevision(
                    f"conversation {conversation_id} has a newer plan than revision {base_revision}"
                ) from None
            raise

    @staticmethod
    def _latest_revision(session: Session, conversation_id: str) -> int:
        return int(session.scalar(LATEST_REVISION, {"cid": conversation_id}) or 0)

    def latest_revision_number(self, conversation_id: str) -> int:
        """The newest revision number of a conversation (0 when it has no plan)."""
        with self.sessions() as session:
            return self._latest_revision(session, conversation_id)

    def find_conversation(self, external_key: str) -> str | None:
        """The conversation of a channel's thread (e.g. Slack team:channel:thread_ts)."""
        with self.sessions() as session:
            return session.scalar(
                select(models.Conversation.id)
                .where(models.Conversation.external_key == external_key)
                .order_by(models.Conversation.created_at)
                .limit(1)
            )

    def latest_plan(self, conversation_id: str) -> tuple[str, ShotPlan]:
        with self.sessions() as session:
            row = _latest_plan_row(session, conversation_id)
            if row is None:
                raise KeyError(f"no conversation {conversation_id!r}")
            return row.id, ShotPlan.model_validate(row.plan)

    def latest_revision(self, conversation_id: str) -> tuple[int, ShotPlan] | None:
        """The newest plan of a conversation with its revision number, or None."""
        with self.sessions() as session:
            row = _latest_plan_row(session, conversation_id)
            return None if row is None else (row.revision, ShotPlan.model_validate(row.plan))

    def assets_of(self, conversation_id: str, kind: str, *, job_id: str | None = None) -> list[dict[str, Any]]:
        """A conversation's (or one job's) assets of one kind as dicts, oldest first."""
        query = select(models.Asset).where(models.Asset.conversation_id == conversation_id, models.Asset.kind == kind)
        if job_id is not None:
            query = query.where(models.Asset.job_id == job_id)
        with self.sessions() as session:
            rows = session.scalars(query.order_by(models.Asset.created_at, models.Asset.id)).all()
            return [{c.name: getattr(row, c.name) for c in models.table(models.Asset).columns} for row in rows]

    def messages(self, conversation_id: str) -> list[dict[str, Any]]:
        """The conversation's messages, oldest first: role, text, attachments, created_at."""
        with self.sessions() as session:
            rows = session.scalars(
                select(models.Message)
                .where(models.Message.conversation_id == conversation_id)
                .order_by(models.Message.id)
            ).all()
            return [
                {"id": r.id, "role": r.role, "text": r.text, "attachments": r.attachments, "created_at": r.created_at}
                for r in rows
            ]

    def input_images(self, conversation_id: str) -> dict[str, str]:
        """The conversation's uploaded images: stored path -> asset id."""
        with self.sessions() as session:
            rows = session.execute(
                select(models.Asset.path, models.Asset.id).where(
                    models.Asset.conversation_id == conversation_id, models.Asset.kind == "input_image"
                )
            ).all()
            return {path: asset_id for path, asset_id in rows}

    def asset(self, asset_id: str) -> dict[str, Any] | None:
        """One asset's row as a dict (path relative to the store), or None."""
        with self.sessions() as session:
            row = session.get(models.Asset, asset_id)
            if row is None:
                return None
            return {c.name: getattr(row, c.name) for c in models.table(models.Asset).columns}

    def conversation(self, conversation_id: str) -> dict[str, Any] | None:
        with self.sessions() as session:
            row = session.get(models.Conversation, conversation_id)
            if row is None:
                return None
            return {c.name: getattr(row, c.name) for c in models.table(models.Conversation).columns}

    def find_clip(self, render_key: str) -> str | None:
        """The stored clip of a render key (any conversation): its path in the asset store."""
        with self.sessions() as session:
            return session.scalar(
                select(models.Asset.path)
                .where(models.Asset.render_key == render_key, models.Asset.kind == "clip")
                .limit(1)
            )

    def add_plan_revision(self, conversation_id: str, plan: ShotPlan, message_id: int | None = None) -> str:
        with self.sessions.begin() as session:
            return self._add_plan(session, conversation_id, plan, message_id, {})

    def _add_plan(
        self,
        session: Session,
        conversation_id: str,
        plan: ShotPlan,
        message_id: int | None,
        image_ids: dict[str, str],
        *,
        revision: int | None = None,
    ) -> str:
        if revision is None:
            revision = 1 + self._latest_revision(session, conversation_id)
        plan_id = models.new_id()
        session.execute(
            ADD_PLAN,
            {
                "id": plan_id,
                "conversation_id": conversation_id,
                "revision": revision,
                "message_id": message_id,
                "skill": plan.skill,
                "planner": plan.planner,
                "plan": plan.model_dump(mode="json"),
            },
        )
        if plan.shots:
            session.execute(
                ADD_SHOTS,
                [
                    {
                        "plan_id": plan_id,
                        "index": shot.index,
                        "mode": shot.mode.value,
                        "prompt": shot.prompt,
                        "negative_prompt": shot.negative_prompt,
                        "duration_s": shot.duration_s,
                        "camera": shot.camera,
                        "seed": shot.seed,
                        "image_asset_id": image_ids.get(shot.image) if shot.image else None,
                    }
                    for shot in plan.shots
                ],
            )
        self._add_message(session, conversation_id, "assistant", plan.summary(), {})
        return plan_id

    @staticmethod
    def _add_message(session: Session, conversation_id: str, role: str, text: str, attachments: dict[str, Any]) -> int:
        values = {"conversation_id": conversation_id, "role": role, "text": text, "attachments": attachments}
        return int(session.execute(ADD_MESSAGE, values).scalar_one())

    def get_plan(self, plan_id: str) -> ShotPlan:
        with self.sessions() as session:
            row = session.get(models.ShotPlanRow, plan_id)
            if row is None:
                raise KeyError(f"no plan {plan_id!r}")
            return ShotPlan.model_validate(row.plan)

    def plan_conversation(self, plan_id: str) -> str | None:
        """The conversation a stored plan belongs to (None: no such plan)."""
        with self.sessions() as session:
            return session.scalar(select(models.ShotPlanRow.conversation_id).where(models.ShotPlanRow.id == plan_id))

    def plan_revision(self, plan_id: str) -> int:
        """The revision number of a stored plan (1 for the first plan of its conversation)."""
        with self.sessions() as session:
            revision = session.scalar(select(models.ShotPlanRow.revision).where(models.ShotPlanRow.id == plan_id))
            if revision is None:
                raise KeyError(f"no plan {plan_id!r}")
            return int(revision)

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
        poster_ids = {(row.job_id, row.platform): row.id for row in rows if row.kind == "poster"}
        return [
            Output(
                id=row.id,
                poster_id=poster_ids.get((row.job_id, row.platform)),
                job_id=row.job_id,
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
        return models.Asset(**Repository.asset_values(conversation_id, job_id, asset))

    @staticmethod
    def asset_values(conversation_id: str, job_id: str | None, asset: NewAsset) -> dict[str, Any]:
        """An asset's row as column values (with a new id)."""
        return {
            "id": models.new_id(),
            "conversation_id": conversation_id,
            "job_id": job_id,
            "kind": asset.kind,
            "platform": asset.platform,
            "path": asset.stored.path,
            "mime": asset.mime,
            "bytes": asset.stored.bytes,
            "width": asset.width,
            "height": asset.height,
            "fps": asset.fps,
            "duration_s": asset.duration_s,
            "checksum": asset.stored.checksum,
            "render_key": asset.render_key,
            "metrics": asset.metrics or {},
        }
