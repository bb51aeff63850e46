"""``POST /api/jobs/{job_id}/cancel``."""

from fastapi import APIRouter

from ..errors import NotFound
from ..schemas import CancelOut
from ..services import Current, Services
from .common import ERRORS, PREFIX

router = APIRouter(prefix=PREFIX, responses=ERRORS)


@router.post("/jobs/{job_id}/cancel", response_model=CancelOut, summary="Cancel a queued or running job")
def cancel_job(job_id: str, services: Services, principal: Current) -> CancelOut:
    jobs = services.bot.jobs
    try:
        status = jobs.status(job_id) if len(job_id) <= 64 else None
    except KeyError:
        status = None
    if status is None:
        raise NotFound(f"no job {job_id!r} for this user")
    services.owned_conversation(principal, status.conversation_id)
    state = jobs.cancel(job_id)
    return CancelOut(job_id=job_id, state=state.value)
