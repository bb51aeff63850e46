"""Feedback on finished videos (table ``job_feedback``): one thumbs up or down per person and job."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from botkit.errors import InputError
from botkit.store import models

FeedbackValue = Literal["positive", "negative"]
VALUES: tuple[str, ...] = ("positive", "negative")


class FeedbackCounts(BaseModel):
    positive: int = 0
    negative: int = 0


class FeedbackRepository:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def record(self, job_id: str, voter: str, value: str, *, channel: str) -> None:
        """Store ``voter``'s verdict on ``job_id``; a second click by the same person replaces the
        first. Raises ``InputError`` for a value other than positive/negative or an unknown job."""
        if value not in VALUES:
            raise InputError(f"feedback must be one of {', '.join(VALUES)}, not {value!r}")
        table = models.JobFeedback
        for _ in range(2):  # a concurrent first click by the same person: the loser updates
            with self.sessions.begin() as session:
                if session.get(models.RenderJob, job_id) is None:
                    raise InputError(f"no job {job_id!r} to give feedback on")
                row = session.scalar(select(table).where(table.job_id == job_id, table.voter == voter))
                if row is not None:
                    row.value = value
                    return
            try:
                with self.sessions.begin() as session:
                    session.add(table(job_id=job_id, voter=voter, value=value, channel=channel))
                return
            except IntegrityError:
                continue

    def counts(self, job_id: str) -> FeedbackCounts:
        table = models.JobFeedback
        with self.sessions() as session:
            rows = session.execute(
                select(table.value, func.count()).where(table.job_id == job_id).group_by(table.value)
            ).all()
        return FeedbackCounts(**{value: count for value, count in rows})

    def of(self, job_id: str, voter: str) -> str | None:
        table = models.JobFeedback
        with self.sessions() as session:
            return session.scalar(select(table.value).where(table.job_id == job_id, table.voter == voter))
