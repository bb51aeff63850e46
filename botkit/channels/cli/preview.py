"""Preview first in the CLI: ``botkit chat --preview "..."`` renders an animatic of the plan;
``botkit chat -c ID approve`` renders it for real (the same revision, the same shot durations),
``botkit chat -c ID cancel`` drops it, and any other follow-up revises the plan and previews again."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from botkit.bot import Bot, Turn
from botkit.channels.preview import decision_word

__all__ = ["decide", "decision_word", "next_steps"]


def next_steps(conversation_id: str) -> str:
    short = conversation_id[:8]
    return (
        f"preview of conversation {short} (an animatic: no diffusion yet). Approve:  botkit chat -c {short} approve   "
        f'Revise:  botkit chat -c {short} "shot 2 slower"   Cancel:  botkit chat -c {short} cancel'
    )


def decide(
    bot: Bot,
    conversation_id: str,
    word: str,
    *,
    render: Callable[..., tuple[Turn, str]],
    reframe: str,
    transient: bool,
) -> tuple[Turn, str, str, dict[str, Any]]:
    """Approve (render here, with the progress bar) or cancel the conversation's newest preview.
    Returns the turn (with outputs), the job's reply, a line for the user and the JSON fields."""
    if word == "cancel":
        status = bot.cancel_preview(conversation_id)
        turn = Turn(conversation_id=conversation_id, plan_id=status.plan_id, plan=bot.repo.get_plan(status.plan_id))
        note = f"cancelled the preview of conversation {conversation_id[:8]}; nothing was rendered"
        return turn, "", note, {"preview_id": status.id, "decision": status.decision}
    bot.approvable(conversation_id)  # refused before a progress bar appears
    approval = None

    def approve(turn: Turn, **kwargs: Any) -> Turn:
        nonlocal approval
        approval = bot.approve(conversation_id, **kwargs)
        return approval.turn

    latest = Turn(conversation_id=conversation_id, plan_id="", plan=bot.repo.latest_plan(conversation_id)[1])
    turn, reply = render(bot, latest, reframe, transient=transient, run=approve)
    assert approval is not None
    if approval.created:
        note = f"approved the preview; rendered job {approval.job_id[:8]}"
    else:
        note = f"this preview was approved already: its render is job {approval.job_id[:8]} (nothing rendered again)"
    return turn, reply, note, {"preview_id": approval.preview_id, "decision": "approved", "created": approval.created}
