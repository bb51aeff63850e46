"""The App Home tab (recent videos, the workspace's brand kit and defaults) and the modal that
edits them: Block Kit views as plain dicts, and the modal's submission read back into settings."""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError

from botkit.channels.slack import messages
from botkit.channels.slack.blocks import escape
from botkit.channels.slack.workspace import WorkspaceSettings
from botkit.domain.plan import PLATFORM_IDS
from botkit.provenance.disclosure import assistant_intro
from botkit.store.slack import RecentVideo

Block = dict[str, Any]

EDIT = "botkit_home_edit"  # the Home tab's button
SETTINGS = "botkit_settings"  # the modal's callback_id
VALUE = "value"  # every input's action_id

# modal block id -> the WorkspaceSettings field it edits
INPUTS = {
    "brand_name": "brand_name",
    "colours": "colours",
    "url": "url",
    "cta": "cta",
    "handle": "handle",
    "platforms": "default_platforms",
    "approve": "approve_before_render",
    "badge": "ai_badge",
}
_STATE_ICONS = {"succeeded": ":white_check_mark:", "failed": ":x:", "cancelled": ":no_entry_sign:"}


def _mrkdwn(text: str) -> dict[str, str]:
    return {"type": "mrkdwn", "text": text[:2900]}


def _plain(text: str) -> dict[str, str]:
    return {"type": "plain_text", "text": text[:150]}


def _option(platform: str) -> dict[str, Any]:
    return {"text": _plain(platform), "value": platform}


def home_view(
    settings: WorkspaceSettings, recent: list[RecentVideo], *, approve_default: bool, name: str = "botkit"
) -> dict[str, Any]:
    """The Home tab: who the bot is, this workspace's brand kit and defaults, its latest videos."""
    approve = settings.approve_before_render if settings.approve_before_render is not None else approve_default

    def shown(value: Any) -> str:
        if value in (None, "", []):
            return messages.HOME_UNSET
        return escape(" ".join(value) if isinstance(value, list) else str(value))

    fields = [
        ("Brand name", settings.brand_name),
        ("Colours", settings.colours),
        ("Web address", settings.url),
        ("Call to action", settings.cta),
        ("Social handle", settings.handle),
        ("Default platforms", settings.default_platforms),
        ("Approve before render", "on" if approve else "off"),
    ]
    blocks: list[Block] = [
        {"type": "header", "text": _plain(messages.HOME_TITLE)},
        {"type": "section", "text": _mrkdwn(assistant_intro(name))},
        {"type": "divider"},
        {"type": "section", "text": _mrkdwn(messages.HOME_BRAND)},
        {"type": "section", "fields": [_mrkdwn(f"*{label}*\n{shown(value)}") for label, value in fields]},
        {
            "type": "actions",
            "block_id": "botkit_home_actions",
            "elements": [
                {"type": "button", "action_id": EDIT, "text": _plain(messages.HOME_EDIT), "value": "edit"},
            ],
        },
        {"type": "divider"},
        {"type": "section", "text": _mrkdwn(messages.HOME_RECENT)},
    ]
    if not recent:
        blocks.append({"type": "context", "elements": [_mrkdwn(messages.HOME_NONE)]})
    for video in recent:
        icon = _STATE_ICONS.get(video.state, ":hourglass_flowing_sand:")
        where = "a DM" if video.channel.startswith("D") else f"<#{video.channel}>"  # DMs have no channel link
        line = (
            f"{icon} *{escape(video.title)}* · {', '.join(video.platforms) or 'no platform'} · {video.state}"
            f" · {where} · {video.created_at:%Y-%m-%d %H:%M} UTC"
        )
        blocks.append({"type": "section", "text": _mrkdwn(line)})
    return {"type": "home", "callback_id": "botkit_home", "blocks": blocks}


def _text_input(block_id: str, label: str, value: str | None, *, hint: str, max_length: int) -> Block:
    element: Block = {"type": "plain_text_input", "action_id": VALUE, "max_length": max_length}
    if value:
        element["initial_value"] = value
    return {
        "type": "input",
        "block_id": block_id,
        "optional": True,
        "label": _plain(label),
        "hint": _plain(hint),
        "element": element,
    }


def settings_modal(settings: WorkspaceSettings, *, approve_default: bool) -> dict[str, Any]:
    """The modal that edits the brand kit and defaults, filled with the current values."""
    approve = settings.approve_before_render if settings.approve_before_render is not None else approve_default
    platforms: Block = {
        "type": "multi_static_select",
        "action_id": VALUE,
        "placeholder": _plain("Pick platforms"),
        "options": [_option(p) for p in PLATFORM_IDS],
    }
    if settings.default_platforms:
        platforms["initial_options"] = [_option(p) for p in settings.default_platforms]
    approve_option = {"text": _plain("Approve each plan before it renders"), "value": "on"}
    checkboxes: Block = {"type": "checkboxes", "action_id": VALUE, "options": [approve_option]}
    if approve:
        checkboxes["initial_options"] = [approve_option]
    badge_option = {"text": _plain('Show an "AI" badge in a corner of each video'), "value": "on"}
    badge: Block = {"type": "checkboxes", "action_id": VALUE, "options": [badge_option]}
    if settings.ai_badge is not False:  # on by default (the deployment's BOTKIT_AI_BADGE decides when unset)
        badge["initial_options"] = [badge_option]
    blocks: list[Block] = [
        _text_input("brand_name", "Brand name", settings.brand_name, hint="Shown on the end card.", max_length=80),
        _text_input(
            "colours",
            "Brand colours",
            " ".join(settings.colours),
            hint="Up to 4 as #RRGGBB, separated by spaces: background first, then accent.",
            max_length=40,
        ),
        _text_input("url", "Web address", settings.url, hint="Shown on the end card.", max_length=120),
        _text_input("cta", "Call to action", settings.cta, hint='For example "Shop now".', max_length=60),
        _text_input("handle", "Social handle", settings.handle, hint="For example @lumo_lamps.", max_length=31),
        {
            "type": "input",
            "block_id": "platforms",
            "optional": True,
            "label": _plain("Default platforms"),
            "hint": _plain("Used when a request names no platform."),
            "element": platforms,
        },
        {"type": "input", "block_id": "approve", "optional": True, "label": _plain("Approval"), "element": checkboxes},
        {"type": "input", "block_id": "badge", "optional": True, "label": _plain("AI disclosure"), "element": badge},
    ]
    return {
        "type": "modal",
        "callback_id": SETTINGS,
        "title": _plain(messages.SETTINGS_TITLE[:24]),
        "submit": _plain(messages.SETTINGS_SAVE),
        "close": _plain("Cancel"),
        "blocks": blocks,
    }


def read_submission(values: dict[str, Any]) -> tuple[WorkspaceSettings | None, dict[str, str]]:
    """The modal's ``view.state.values`` as settings, or the errors to show per block id (what
    Slack's ``response_action: errors`` wants), each saying what is allowed."""

    def entry(block_id: str) -> dict[str, Any]:
        return (values.get(block_id) or {}).get(VALUE) or {}

    def text(block_id: str) -> str | None:
        value = entry(block_id).get("value")
        return value.strip() or None if isinstance(value, str) else None

    def selected(block_id: str) -> list[str]:
        return [str(o.get("value")) for o in entry(block_id).get("selected_options") or [] if isinstance(o, dict)]

    data: dict[str, Any] = {
        "brand_name": text("brand_name"),
        "colours": [c for c in re.split(r"[\s,]+", text("colours") or "") if c],
        "url": text("url"),
        "cta": text("cta"),
        "handle": text("handle"),
        "default_platforms": selected("platforms"),
        "approve_before_render": "on" in selected("approve"),
        "ai_badge": ("on" in selected("badge")) if "badge" in values else None,  # an older modal: unchanged
    }
    try:
        return WorkspaceSettings.model_validate(data), {}
    except ValidationError as exc:
        fields = {field: block for block, field in INPUTS.items()}
        errors: dict[str, str] = {}
        for error in exc.errors():
            block = fields.get(str(error["loc"][0]), "brand_name")
            detail = error["msg"].removeprefix("Value error, ")
            if error["type"] == "string_pattern_mismatch" and block == "handle":
                detail = "use letters, digits, dots or underscores, up to 30, optionally after an @"
            elif error["type"] == "literal_error" or error["type"] == "enum":
                detail = f"choose from: {', '.join(PLATFORM_IDS)}"
            errors.setdefault(block, detail[:150])
        return None, errors
