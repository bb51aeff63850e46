"""Preview first over HTTP: approve or cancel a conversation's preview (an animatic of its plan).

``POST /api/previews/{id}/approve`` starts the render of the very revision the preview showed (the
same shots and durations); a repeat answers with the same render. ``.../cancel`` drops it. An old
revision, a preview decided already or still rendering: 409 with the reason; none: 404.
"""

from __future__ import annotations

from fastapi import APIRouter

from botkit.domain.jobs import JobStatus

from ..auth import Principal
from ..errors import NotFound
from ..schemas import ApprovalOut
from ..services import Current, WebServices
from ..services import Services as Api
from .common import ERRORS, PREFIX

router = APIRouter(prefix=PREFIX, responses=ERRORS, tags=["previews"])


def owned_preview(api: WebServices, principal: Principal, preview_id: str) -> JobStatus:
    try:
        status = api.bot.jobs.status(preview_id) if len(preview_id) <= 64 else None
    except KeyError:
        status = None
    if status is None or status.purpose != "preview":
        raise NotFound(f"no preview {preview_id!r} for this user")
    api.owned_conversation(principal, status.conversation_id)
    return status


@router.post("/previews/{preview_id}/approve", response_model=ApprovalOut, summary="Approve a preview: render it")
def approve_preview(preview_id: str, api: Api, principal: Current) -> ApprovalOut:
    status = owned_preview(api, principal, preview_id)
    approvable = api.bot.approvable(status.conversation_id, preview_id=preview_id)
    if approvable.decision != "approved":
        api.check_job_limit(principal)
    approval = api.bot.approve(
        status.conversation_id, preview_id=preview_id, max_active=api.job_limit(principal), render_here=False
    )
    return ApprovalOut(
        preview_id=preview_id,
        decision="approved",
        job_id=approval.job_id,
        created=approval.created,
        summary=approval.turn.plan.summary(),
    )


@router.post("/previews/{preview_id}/cancel", response_model=ApprovalOut, summary="Cancel a preview: render nothing")
def cancel_preview(preview_id: str, api: Api, principal: Current) -> ApprovalOut:
    status = owned_preview(api, principal, preview_id)
    after = api.bot.cancel_preview(status.conversation_id, preview_id=preview_id)
    return ApprovalOut(preview_id=preview_id, decision=after.decision or "cancelled")
