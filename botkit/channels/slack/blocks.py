"""Block Kit payloads for plans, job status and results (plain dicts; no Slack library needed)."""

from __future__ import annotations

from typing import Any

from botkit.agent.suggest import suggestions_for
from botkit.channels.slack import messages
from botkit.domain import Output, ShotPlan
from botkit.domain.plan import PLATFORM_IDS, ShotKind, ShotMode

Block = dict[str, Any]

APPROVE = "botkit_approve"
TAKE = "botkit_take"
PLATFORM = "botkit_platform"
CANCEL = "botkit_cancel"
SUGGEST = "botkit_suggest"  # value "<conversation id>:<suggestion id>" (botkit.agent.suggest)
CREDENTIALS = "botkit_credentials"  # value: the job id; shows its outputs' content credentials

_MAX_TEXT = 2900  # a section's text may hold 3000 characters


def escape(text: str) -> str:
    """User words made safe for mrkdwn: no ``<!channel>`` pings or links smuggled through a plan."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _text(value: str) -> dict[str, str]:
    return {"type": "mrkdwn", "text": value[:_MAX_TEXT]}


def _button(action_id: str, label: str, value: str, style: str | None = None) -> Block:
    button: Block = {
        "type": "button",
        "action_id": action_id,
        "text": {"type": "plain_text", "text": label},
        "value": value,
    }
    if style:
        button["style"] = style
    return button


def plan_blocks(plan: ShotPlan, plan_id: str, conversation_id: str, *, approval: bool) -> list[Block]:
    """The plan as a header, a summary line and one line per shot; Approve/Cancel when it waits."""
    head = (
        f"*{len(plan.shots)} shot(s), {plan.total_duration_s:g} s* for {', '.join(plan.platforms)}"
        f" · skill `{plan.skill}`" + (" · captions" if plan.captions else "")
    )
    lines = []
    for shot in plan.shots:
        how = "from image" if shot.mode is ShotMode.IMAGE_TO_VIDEO else "from text"
        if shot.kind is ShotKind.FOOTAGE:
            how = f"your clip from {shot.in_s:g} s"
        camera = f", _{escape(shot.camera)}_" if shot.camera else ""
        lines.append(f"{shot.index + 1}. {shot.duration_s:g} s {how}{camera}: {escape(shot.prompt)}")
    blocks: list[Block] = [
        {"type": "header", "text": {"type": "plain_text", "text": plan.title[:150]}},
        {"type": "section", "text": _text(head)},
        {"type": "section", "text": _text("\n".join(lines))},
    ]
    if approval:
        value = f"{conversation_id}:{plan_id}"
        blocks.append({"type": "context", "elements": [_text(messages.AWAITING_APPROVAL)]})
        blocks.append(
            {
                "type": "actions",
                "block_id": "botkit_plan_actions",
                "elements": [
                    _button(APPROVE, "Approve and render", value, "primary"),
                    _button(CANCEL, "Cancel", value),
                ],
            }
        )
    return blocks


def status_blocks(text: str, *, job_id: str, running: bool) -> list[Block]:
    """The one status message of a job; a Cancel button while it can still be stopped."""
    blocks: list[Block] = [{"type": "section", "text": _text(text)}]
    if running:
        blocks.append(
            {
                "type": "actions",
                "block_id": "botkit_job_actions",
                "elements": [_button(CANCEL, "Cancel", job_id, "danger")],
            }
        )
    return blocks


def result_blocks(text: str, conversation_id: str, plan: ShotPlan, *, job_id: str | None = None) -> list[Block]:
    """The finished status with follow-ups that fit the video (no "Vertical version" under a
    vertical one), the same video for another platform, and (with ``job_id``) a button that shows
    the videos' content credentials."""
    elements: list[Block] = [
        _button(TAKE, suggestion.label, conversation_id)
        if suggestion.id == "take"
        else _button(SUGGEST, suggestion.label, f"{conversation_id}:{suggestion.id}")
        for suggestion in suggestions_for(plan)
    ]
    others = [p for p in PLATFORM_IDS if p not in plan.platforms]
    if others:
        elements.append(
            {
                "type": "static_select",
                "action_id": PLATFORM,
                "placeholder": {"type": "plain_text", "text": "Other platform"},
                "options": [
                    {"text": {"type": "plain_text", "text": p}, "value": f"{conversation_id}:{p}"} for p in others
                ],
            }
        )
    if job_id is not None:
        elements.append(_button(CREDENTIALS, messages.CREDENTIALS_BUTTON, job_id))
    return [
        {"type": "section", "text": _text(text)},
        {"type": "actions", "block_id": "botkit_result_actions", "elements": elements},
    ]


def describe_outputs(outputs: list[Output]) -> str:
    return ", ".join(f"{o.platform} {o.width}x{o.height} {o.duration_s:.1f} s" for o in outputs) or "no videos"


FEEDBACK = "botkit_feedback"


def feedback_block(job_id: str) -> Block:
    """Thumbs up / down under a finished video (a ``context_actions`` block of ``feedback_buttons``);
    the value names the verdict and the job it is about."""
    return {
        "type": "context_actions",
        "block_id": f"botkit_feedback_{job_id[:16]}",
        "elements": [
            {
                "type": "feedback_buttons",
                "action_id": FEEDBACK,
                "positive_button": {
                    "text": {"type": "plain_text", "text": "👍"},
                    "value": f"positive:{job_id}",
                    "accessibility_label": messages.FEEDBACK_POSITIVE,
                },
                "negative_button": {
                    "text": {"type": "plain_text", "text": "👎"},
                    "value": f"negative:{job_id}",
                    "accessibility_label": messages.FEEDBACK_NEGATIVE,
                },
            }
        ],
    }


def with_intro(intro: str, text: str) -> str:
    """A new conversation's first message: the bot says it is an AI assistant, then the text."""
    return f"{intro}\n\n{text}" if intro else text


def with_intro_block(intro: str, blocks: list[Block]) -> list[Block]:
    if not intro:
        return blocks
    return [*blocks, {"type": "context", "elements": [{"type": "mrkdwn", "text": escape(intro)}]}]


PREVIEW_APPROVE = "botkit_preview_approve"  # value: the preview's job id
PREVIEW_REVISE = "botkit_preview_revise"
PREVIEW_CANCEL = "botkit_preview_cancel"
PREVIEW_ACTIONS = (PREVIEW_APPROVE, PREVIEW_REVISE, PREVIEW_CANCEL)


def preview_blocks(text: str, preview_id: str) -> list[Block]:
    """A finished preview: what it is, and Approve / Revise / Cancel (each names the preview)."""
    return [
        {"type": "section", "text": _text(text)},
        {
            "type": "actions",
            "block_id": "botkit_preview_actions",
            "elements": [
                _button(PREVIEW_APPROVE, "Approve and render", preview_id, "primary"),
                _button(PREVIEW_REVISE, "Revise", preview_id),
                _button(PREVIEW_CANCEL, "Cancel", preview_id, "danger"),
            ],
        },
    ]
