"""The "Content credentials" button under a finished video: who signed each of the job's videos,
what made them, whether they still match their signature (``botkit verify`` in the thread).

Only a job of the clicking workspace is shown: any other job id gets the same answer as one that
does not exist, so another workspace's jobs cannot be probed.
"""

from __future__ import annotations

from botkit.bot import Bot
from botkit.channels.slack import messages
from botkit.channels.slack.blocks import escape
from botkit.provenance import verify
from botkit.provenance.disclosure import ai_generated_line

_ICONS = {"trusted": ":white_check_mark:", "untrusted": ":large_yellow_circle:", "invalid": ":x:",
          "unsigned": ":warning:", "unreadable": ":warning:"}  # fmt: skip


def _of_team(owner: str | None, team: str) -> bool:
    return bool(team) and (owner == f"slack:{team}" or (owner or "").startswith(f"slack:{team}:"))


def credentials_reply(bot: Bot, team: str, job_id: str) -> str:
    """One line per video of ``job_id``: platform, state and the verifier's sentence."""
    try:
        status = bot.jobs.status(job_id) if 0 < len(job_id) <= 64 else None
    except KeyError:
        status = None
    conversation = bot.repo.conversation(status.conversation_id) if status is not None else None
    if status is None or conversation is None or not _of_team(conversation.get("owner"), team):
        return messages.CREDENTIALS_NONE
    videos = bot.repo.assets_of(status.conversation_id, "video", job_id=job_id)
    lines = []
    for video in videos:
        path = bot.assets.path(video["path"])
        if not path.is_file():
            continue
        result = verify(path, bot.settings)
        icon = _ICONS.get(result.state, "")
        lines.append(f"{icon} *{escape(video.get('platform') or path.name)}*: {escape(result.summary)}")
    if not lines:
        return messages.CREDENTIALS_NONE
    return "\n".join([messages.CREDENTIALS_HEADER, *lines, f"_{ai_generated_line()}_"])
