"""What the Slack bot does with a message, a slash command or a button, without Bolt.

One botkit conversation per Slack thread (external key ``slack:<team>:<channel>:<thread ts>``);
a later message in the thread revises the latest plan. Every reply goes into the thread; a refused
request or a failure becomes a short message there, never silence.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from slack_sdk.errors import SlackApiError

from botkit.agent.revise import UnclearRevision, revise
from botkit.agent.suggest import SUGGESTIONS
from botkit.bot import Bot, Turn
from botkit.channels.slack import messages
from botkit.channels.slack.blocks import escape, plan_blocks
from botkit.channels.slack.files import download_images
from botkit.channels.slack.records import JobRecord, SlackRecords
from botkit.channels.slack.settings import SlackSettings
from botkit.channels.slack.watcher import Watchers
from botkit.errors import InputError
from botkit.store.inbound import Delivery

logger = logging.getLogger(__name__)

_MENTION = re.compile(r"<[@!][^>]*>")  # users, @here / @channel: never passed on
_CHANNEL = re.compile(r"<#[A-Z0-9]+\|([^>]*)>")
_LINK = re.compile(r"<([^<>|]+)(?:\|([^<>]*))?>")


def external_key(team: str, channel: str, thread_ts: str) -> str:
    return f"slack:{team}:{channel}:{thread_ts}"


def clean_text(text: str | None) -> str:
    """A Slack message as plain words: mentions dropped, channel and link markup turned back into
    their names, Slack's ``&amp;`` escapes undone."""
    text = _MENTION.sub(" ", text or "")
    text = _CHANNEL.sub(lambda m: "#" + m.group(1), text)
    text = _LINK.sub(lambda m: m.group(2) or m.group(1), text)
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return " ".join(text.split())


@dataclass
class Place:
    """Where in Slack a turn happens and how to talk there."""

    client: Any  # slack_sdk.WebClient with the workspace's bot token
    team: str
    channel: str
    thread_ts: str
    user: str | None = None
    files: list[dict[str, Any]] = field(default_factory=list)


class SlackService:
    def __init__(self, bot: Bot, settings: SlackSettings, client_for: Callable[[str], Any]) -> None:
        self.bot = bot
        self.settings = settings
        self.records = SlackRecords(bot.repo)
        self.watchers = Watchers(bot, self.records, settings, client_for)

    # -- messages ---------------------------------------------------------------------------

    def conversation_of(self, place: Place) -> str | None:
        return self.bot.find_conversation(external_key(place.team, place.channel, place.thread_ts))

    def addressed_to_bot(self, place: Place, text: str) -> bool:
        """Is an un-mentioned reply in a bot thread meant for the bot? Only when it brings images or
        revises the plan ("make it 5 seconds"); "looks great!" between colleagues is left alone."""
        conversation_id = self.conversation_of(place)
        if conversation_id is None:
            return False
        if place.files:
            return True
        try:
            revise(self.bot.repo.latest_plan(conversation_id)[1], clean_text(text))
        except UnclearRevision:
            return False
        except InputError:  # a revision it cannot do ("shot 9" of 3): answer with the reason
            return True
        return True

    def handle_message(
        self,
        place: Place,
        text: str,
        *,
        delivery: str,
        skill: str | None = None,
        held: Delivery | None = None,
        progress: dict[str, Any] | None = None,
    ) -> Turn | None:
        """Plan (or revise) from a message and reply with the plan; then render, or wait for Approve.
        ``held``: the delivery's lease, under which the turn is recorded; ``progress``: what a
        handler of the same delivery that died had recorded (its turn is presented, not planned again)."""
        request = clean_text(text)
        resumed = (progress or {}).get("turn")
        try:
            if isinstance(resumed, dict):
                plan_id = resumed["plan_id"]
                turn = Turn(
                    conversation_id=resumed["conversation_id"], plan_id=plan_id, plan=self.bot.repo.get_plan(plan_id)
                )
            else:
                # downloads land in the store's staging area: a crash leaves nothing the sweep misses
                with self.bot.assets.staging(prefix="slack-") as folder:
                    images = download_images(
                        place.files, place.client.token or "", folder, max_bytes=self.settings.max_file_bytes
                    )
                    turn = self._turn(place, request, images, skill, held)
        except InputError as exc:
            self.say(place, messages.REFUSED.format(reason=escape(str(exc))))
            return None
        except Exception as exc:
            logger.exception("slack turn failed", extra={"team": place.team, "channel": place.channel})
            self.say(place, messages.TROUBLE.format(error=type(exc).__name__))
            return None
        if turn is None:
            self.say(place, messages.EMPTY_REQUEST)
            return None
        try:
            self.present(place, turn, delivery=delivery)
        except Exception as exc:  # the plan is stored; say that it could not be shown or queued
            logger.exception("slack reply failed", extra={"conversation_id": turn.conversation_id})
            self.say(place, messages.TROUBLE.format(error=type(exc).__name__))
        return turn

    def _turn(
        self, place: Place, request: str, images: list[Path], skill: str | None, held: Delivery | None = None
    ) -> Turn | None:
        conversation_id = self.conversation_of(place)
        if not request and images:
            request = "animate these panels" if len(images) > 1 else "a product shot of this"
        if not request:
            return None
        if conversation_id is not None:
            return self.bot.follow_up(conversation_id, request, images=images, skill=skill, delivery=held)
        return self.bot.plan(
            request,
            images=images,
            skill=skill,
            channel="slack",
            external_key=external_key(place.team, place.channel, place.thread_ts),
            owner=f"slack:{place.team}:{place.user}" if place.user else f"slack:{place.team}",
            delivery=held,
        )

    def present(self, place: Place, turn: Turn, *, delivery: str) -> str | None:
        """Post the plan into the thread; submit the job unless the workspace approves first."""
        approval = self.approval_required(place.team)
        self.post(
            place,
            escape(turn.plan.summary()),
            plan_blocks(turn.plan, turn.plan_id, turn.conversation_id, approval=approval),
        )
        if approval:
            return None
        return self.start_job(place, turn, idempotency_key=f"slack:{delivery}")

    def start_job(self, place: Place, turn: Turn, *, idempotency_key: str) -> str:
        """A durable job (one per key, however often Slack delivers) and one watcher for it."""
        job_id = self.bot.submit(turn, idempotency_key=idempotency_key)
        record = JobRecord(
            job_id=job_id,
            conversation_id=turn.conversation_id,
            team=place.team,
            channel=place.channel,
            thread_ts=place.thread_ts,
        )
        if self.records.claim_job(record):
            self.watchers.watch(record, place.client)
        return job_id

    # -- slash command ----------------------------------------------------------------------

    def skill_names(self) -> list[str]:
        return list(self.bot.planner.skills.names())

    def split_command(self, text: str) -> tuple[str | None, str]:
        """``/video storyboard animate these`` -> ("storyboard", "animate these")."""
        words = (text or "").strip().split(maxsplit=1)
        if words and words[0].lower() in self.skill_names():
            return words[0].lower(), words[1] if len(words) > 1 else ""
        return None, (text or "").strip()

    def set_approval(self, team: str, text: str) -> str:
        """``/video approve on|off``: the workspace's approve-before-render setting."""
        value = text.strip().lower().removeprefix("approve").strip()
        if value not in ("on", "off"):
            return messages.APPROVAL_USAGE
        self.records.update_workspace(team, approve_before_render=value == "on")
        return messages.APPROVAL_SETTING.format(state=value)

    def approval_required(self, team: str) -> bool:
        return bool(self.records.workspace(team).get("approve_before_render", self.settings.approve_before_render))

    # -- buttons ----------------------------------------------------------------------------

    def approve(self, place: Place, value: str, *, message_ts: str | None, blocks: list[dict[str, Any]]) -> str:
        conversation_id, plan_id = value.split(":", 1)
        turn = Turn(conversation_id=conversation_id, plan_id=plan_id, plan=self.bot.repo.get_plan(plan_id))
        if message_ts:
            self.edit_actions(place, message_ts, blocks, messages.APPROVED_BY.format(user=place.user))
        return self.start_job(place, turn, idempotency_key=f"slack:approve:{plan_id}")

    def cancel(self, place: Place, value: str, *, message_ts: str | None, blocks: list[dict[str, Any]]) -> None:
        """Cancel a running job (its watcher reports it), or drop a plan that waits for approval."""
        if ":" in value:  # a plan waiting for approval: nothing was queued
            if message_ts:
                self.edit_actions(place, message_ts, blocks, messages.CANCELLED)
            return
        state = self.bot.jobs.cancel(value)
        logger.info("slack cancel", extra={"job_id": value, "state": state.value})

    def another_take(self, place: Place, conversation_id: str, *, delivery: str) -> None:
        self.revise(place, conversation_id, "another take", delivery=delivery)

    def other_platform(self, place: Place, value: str, *, delivery: str) -> None:
        conversation_id, platform = value.rsplit(":", 1)
        self.revise(place, conversation_id, f"for {platform} too", delivery=delivery)

    def suggested(self, place: Place, value: str, *, delivery: str) -> None:
        """A suggestion button ("Vertical version"): its follow-up, by id (never free text)."""
        conversation_id, _, key = value.rpartition(":")
        suggestion = SUGGESTIONS.get(key)
        if suggestion is None or not conversation_id:
            raise InputError(f"unknown suggestion {key!r}")
        self.revise(place, conversation_id, suggestion.text, delivery=delivery)

    def revise(self, place: Place, conversation_id: str, text: str, *, delivery: str) -> None:
        try:
            turn = self.bot.follow_up(conversation_id, text)
        except InputError as exc:
            self.say(place, messages.REFUSED.format(reason=escape(str(exc))))
            return
        self.present(place, turn, delivery=delivery)

    # -- talking ----------------------------------------------------------------------------

    def post(self, place: Place, text: str, blocks: list[dict[str, Any]] | None = None) -> str | None:
        response = place.client.chat_postMessage(
            channel=place.channel, thread_ts=place.thread_ts, text=text[:3000], blocks=blocks
        )
        return response.get("ts")

    def say(self, place: Place, text: str) -> None:
        """A short reply in the thread; a Slack error here is logged (there is nowhere else to say it)."""
        try:
            self.post(place, text)
        except SlackApiError as exc:
            logger.warning("could not reply in slack", extra={"error": exc.response.get("error")})

    def edit_actions(self, place: Place, message_ts: str, blocks: list[dict[str, Any]], note: str) -> None:
        """Replace a message's buttons with a note, keeping its other blocks."""
        kept = [block for block in blocks if block.get("type") != "actions"]
        kept.append({"type": "context", "elements": [{"type": "mrkdwn", "text": note}]})
        try:
            place.client.chat_update(channel=place.channel, ts=message_ts, text=note, blocks=kept)
        except SlackApiError as exc:
            logger.warning("could not edit a slack message", extra={"error": exc.response.get("error")})
