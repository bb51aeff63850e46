"""What the Slack bot does with a message, a slash command or a button, without Bolt.

One botkit conversation per Slack thread (external key ``slack:<team>:<channel>:<thread ts>``);
a later message in the thread revises the latest plan. Every reply goes into the thread; a refused
request or a failure becomes a short message there, never silence.

In an AI-app (assistant) thread the same turn also sets the thread's status line while it plans,
titles the thread after the plan, and reports the render as a streamed message. The workspace's
brand kit and defaults (its App Home settings) reach the planner for every turn, in any thread;
in an assistant thread the workspace is the one of the channel the user is looking at.
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
from botkit.bot import Bot, Queue, Turn
from botkit.channels.preview import decision_word, preview_default, requested_preview
from botkit.channels.slack import home, messages
from botkit.channels.slack.blocks import (
    PREVIEW_APPROVE,
    PREVIEW_CANCEL,
    escape,
    plan_blocks,
    with_intro,
    with_intro_block,
)
from botkit.channels.slack.files import download_images, download_library_files
from botkit.channels.slack.library import LibraryRequest, library_request
from botkit.channels.slack.records import AssistantThread, JobRecord, SlackRecords
from botkit.channels.slack.settings import SlackSettings
from botkit.channels.slack.watcher import TRANSIENT, Watchers, error_of
from botkit.channels.slack.workspace import WorkspaceSettings
from botkit.domain import ShotPlan
from botkit.errors import InputError
from botkit.provenance.disclosure import assistant_intro
from botkit.store.inbound import Delivery

logger = logging.getLogger(__name__)

_MENTION = re.compile(r"<[@!][^>]*>")  # users, @here / @channel: never passed on
_CHANNEL = re.compile(r"<#[A-Z0-9]+\|([^>]*)>")
_LINK = re.compile(r"<([^<>|]+)(?:\|([^<>]*))?>")


def external_key(team: str, channel: str, thread_ts: str) -> str:
    return f"slack:{team}:{channel}:{thread_ts}"


def tenant_of(place: Place) -> str:
    """The workspace as a tenant of the media library and brand kit."""
    return f"slack:{place.team}"


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
    assistant: AssistantThread | None = None  # set in an AI-app thread: its context
    status_ok: bool = True  # False once Slack refused this place's status line
    preview: bool | None = None  # what the request said about a preview first (None: nothing)

    @property
    def settings_team(self) -> str:
        """Whose brand kit applies: in an assistant thread, the workspace of the channel the user
        is looking at (Enterprise Grid: it may differ from the app's); else this one."""
        context = self.assistant.context if self.assistant else {}
        return str(context.get("team_id") or self.team)


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
        if decision_word(clean_text(text)) and self.bot.previews(conversation_id):
            return True  # "approve" / "cancel" under a preview
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
        if place.assistant is None:
            place.assistant = self.records.thread(place.channel, place.thread_ts)
        library = library_request(request)
        if library is not None:
            self.add_to_library(place, library)
            return None
        word = decision_word(request)
        conversation_id = self.conversation_of(place) if word else None
        if word and conversation_id:
            # "approve" / "cancel" typed in the thread: the same as the newest preview's buttons
            try:
                previews = self.bot.previews(conversation_id)
                if not previews:
                    self.bot.approvable(conversation_id)  # says that nothing waits for approval
                newest = previews[0].id
                self.preview_action(
                    place, PREVIEW_APPROVE if word == "approve" else PREVIEW_CANCEL, newest, message_ts=None, blocks=[]
                )
            except InputError as exc:
                self.say(place, messages.REFUSED.format(reason=escape(str(exc))))
            return None
        place.preview, request = requested_preview(request)
        self.set_status(place, messages.STATUS_PLANNING)
        # a new classic conversation: its first message (the plan) says the bot is an AI assistant;
        # an assistant thread said so in its greeting (``start_thread``)
        new = not isinstance(resumed, dict) and place.assistant is None and self.conversation_of(place) is None
        turn: Turn | None
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
                    turn = self._turn(place, request, images, skill, held, delivery=delivery)
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
        self.set_title(place, turn.plan.title)
        try:
            self.present(place, turn, delivery=delivery, intro=new)
        except InputError as exc:  # refused at submit (the workspace's quota, with when it resets)
            self.say(place, messages.REFUSED.format(reason=escape(str(exc))))
        except Exception as exc:  # the plan is stored; say that it could not be shown or queued
            logger.exception("slack reply failed", extra={"conversation_id": turn.conversation_id})
            self.say(place, messages.TROUBLE.format(error=type(exc).__name__))
        return turn

    def _turn(
        self,
        place: Place,
        request: str,
        images: list[Path],
        skill: str | None,
        held: Delivery | None = None,
        *,
        delivery: str,
    ) -> Turn | None:
        """The turn stored, with its render job queued in the same commit when it renders now (no
        preview first, no Approve button): a crash after the commit leaves no plan without its job."""
        conversation_id = self.conversation_of(place)
        if not request and images:
            request = "animate these panels" if len(images) > 1 else "a product shot of this"
        if not request:
            return None
        queue = Queue(idempotency_key=f"slack:{delivery}", when=self.render_now(place, conversation_id))
        # the workspace's brand kit and defaults, for this turn only (other workspaces plan meanwhile)
        with self.bot.planner.skills.scoped_configs(self.skill_configs(place)):
            if conversation_id is not None:
                return self.bot.follow_up(
                    conversation_id,
                    request,
                    images=images,
                    skill=skill,
                    delivery=held,
                    tenant=tenant_of(place),
                    queue=queue,
                )
            return self.bot.plan(
                request,
                images=images,
                skill=skill,
                channel="slack",
                external_key=external_key(place.team, place.channel, place.thread_ts),
                owner=f"slack:{place.team}:{place.user}" if place.user else f"slack:{place.team}",
                delivery=held,
                ai_badge=self.workspace_settings(place.settings_team).ai_badge,
                tenant=tenant_of(place),
                queue=queue,
            )

    def present(self, place: Place, turn: Turn, *, delivery: str, intro: bool = False) -> str | None:
        """Show the plan and submit the job, unless it waits for a go-ahead.

        The seam for "preview first": ``awaits_go_ahead`` decides whether this plan renders now.
        Today the go-ahead is the workspace's Approve setting and the plan message carries the
        Approve button (``approve`` starts the job). Preview first (``wants_preview``) comes before
        both: the plan's animatic renders as a job, watched like a render, and ends with Approve /
        Revise / Cancel (``preview_action``); its approval starts the render. ``intro``: a new
        conversation's first message says the bot is an AI assistant."""
        hello = assistant_intro(self.settings.bot_name) if intro else ""
        if self.wants_preview(place, turn):
            return self.start_preview(place, turn, hello=hello)
        if self.awaits_go_ahead(place, turn):
            self.post(
                place,
                with_intro(hello, escape(turn.plan.summary())),
                with_intro_block(hello, plan_blocks(turn.plan, turn.plan_id, turn.conversation_id, approval=True)),
            )
            return None
        stream = self.streams_in(place)
        if not stream:  # a streamed reply starts with the plan itself
            self.post(
                place,
                with_intro(hello, escape(turn.plan.summary())),
                with_intro_block(hello, plan_blocks(turn.plan, turn.plan_id, turn.conversation_id, approval=False)),
            )
        return self.start_job(place, turn, idempotency_key=f"slack:{delivery}", stream=stream)

    def awaits_go_ahead(self, place: Place, turn: Turn) -> bool:
        return self.approval_required(place.settings_team)

    def streams_in(self, place: Place) -> bool:
        """Does this place get its progress as a streamed message (``SLACK_STREAM_REPLIES``)?"""
        if not place.user:  # a stream is addressed to the person who asked
            return False
        mode = self.settings.stream_replies
        return mode == "always" or (mode == "assistant" and place.assistant is not None)

    def start_job(self, place: Place, turn: Turn, *, idempotency_key: str, stream: bool = False) -> str:
        """A durable job (one per key, however often Slack delivers) and one watcher for it."""
        job_id = self.bot.submit(turn, idempotency_key=idempotency_key)
        self.watch_job(place, turn, job_id, stream=stream)
        return job_id

    def watch_job(self, place: Place, turn: Turn, job_id: str, *, stream: bool) -> None:
        """One watcher for the job in this place, however often Slack delivers the request."""
        record = JobRecord(
            job_id=job_id,
            conversation_id=turn.conversation_id,
            team=place.team,
            channel=place.channel,
            thread_ts=place.thread_ts,
            user=place.user,
            assistant=place.assistant is not None,
            streaming=stream,
        )
        if self.records.claim_job(record):
            self.watchers.watch(record, place.client)

    # -- preview first ----------------------------------------------------------------------

    def wants_preview(self, place: Place, turn: Turn) -> bool:
        """The request's words, else a preview again while one waits in the thread, else the
        deployment's default (``SLACK_PREVIEW_FIRST``: by skill, always, never)."""
        return self.previews_first(place, turn.conversation_id)(turn.plan)

    def previews_first(self, place: Place, conversation_id: str | None) -> Callable[[ShotPlan], bool]:
        """``wants_preview`` for a plan not made yet (what is read from the database is read now)."""
        asked = place.preview
        if asked is not None:
            return lambda _plan: asked
        if conversation_id is not None and self.bot.pending_preview(conversation_id) is not None:
            return lambda _plan: True
        return lambda plan: preview_default(self.settings.preview_first, self.bot.wants_preview(plan))

    def render_now(self, place: Place, conversation_id: str | None) -> Callable[[ShotPlan], bool]:
        """Does the plan made for this message render at once (so its job is queued with the turn)?
        Not when the workspace wants Approve first, nor when its preview comes first."""
        if self.approval_required(place.settings_team):
            return lambda _plan: False
        previews = self.previews_first(place, conversation_id)
        return lambda plan: not previews(plan)

    def start_preview(self, place: Place, turn: Turn, *, hello: str = "") -> str:
        """The plan, then its animatic as a preview job with one watcher (which ends with the buttons)."""
        stream = self.streams_in(place)
        if not stream:
            self.post(
                place,
                with_intro(hello, escape(turn.plan.summary())),
                with_intro_block(hello, plan_blocks(turn.plan, turn.plan_id, turn.conversation_id, approval=False)),
            )
        preview_id = self.bot.preview(turn).job_id
        assert preview_id is not None
        self.watch_job(place, turn, preview_id, stream=stream)
        return preview_id

    def preview_action(
        self, place: Place, action_id: str, preview_id: str, *, message_ts: str | None, blocks: list[dict[str, Any]]
    ) -> str | None:
        """Approve (the render starts in this thread, reported as today), Revise (ask what should
        change: the reply previews again) or Cancel a preview. Refusals are ``InputError``s: a
        preview of an older revision, one decided already, one of another thread."""
        try:
            status = self.bot.jobs.status(preview_id) if len(preview_id) <= 64 else None
        except KeyError:
            status = None
        if status is None or status.purpose != "preview":
            raise InputError(f"no preview {preview_id!r} waits for a decision here")
        if status.conversation_id != self.conversation_of(place):
            raise InputError(messages.PREVIEW_OTHER_THREAD)
        if action_id == PREVIEW_CANCEL:
            self.bot.cancel_preview(status.conversation_id, preview_id=preview_id)
            if message_ts:
                self.edit_actions(place, message_ts, blocks, messages.PREVIEW_CANCELLED_BY.format(user=place.user))
            else:
                self.say(place, messages.PREVIEW_CANCELLED_BY.format(user=place.user))
            return None
        if action_id != PREVIEW_APPROVE:  # Revise
            self.bot.approvable(status.conversation_id, preview_id=preview_id)  # an old one says so now
            self.say(place, messages.PREVIEW_REVISE)
            return None
        approval = self.bot.approve(status.conversation_id, preview_id=preview_id, render_here=False)
        if not approval.created:
            self.say(place, messages.PREVIEW_ALREADY.format(job=approval.job_id))
            return approval.job_id
        if message_ts:
            self.edit_actions(place, message_ts, blocks, messages.PREVIEW_APPROVED_BY.format(user=place.user))
        else:
            self.say(place, messages.PREVIEW_APPROVED_BY.format(user=place.user))
        if place.assistant is None:
            place.assistant = self.records.thread(place.channel, place.thread_ts)
        record = JobRecord(
            job_id=approval.job_id,
            conversation_id=status.conversation_id,
            team=place.team,
            channel=place.channel,
            thread_ts=place.thread_ts,
            user=place.user,
            assistant=place.assistant is not None,
            streaming=self.streams_in(place),
        )
        if self.records.claim_job(record):
            self.watchers.watch(record, place.client)
        logger.info("slack preview approved", extra={"preview": preview_id, "job_id": approval.job_id})
        return approval.job_id

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
        setting = self.workspace_settings(team).approve_before_render
        return self.settings.approve_before_render if setting is None else setting

    # -- the workspace's brand kit and defaults ---------------------------------------------

    def workspace_settings(self, team: str) -> WorkspaceSettings:
        """The stored settings; a value that no longer validates (an older botkit wrote it, or a
        hand edit) is dropped with a warning rather than breaking every turn."""
        stored = self.records.workspace(team)
        try:
            return WorkspaceSettings.model_validate(stored)
        except ValueError:
            logger.warning(
                "stored slack workspace settings do not validate; using the valid ones", extra={"team": team}
            )
            kept = {}
            for key, value in stored.items():
                try:
                    WorkspaceSettings.model_validate({key: value})
                except ValueError:
                    continue
                kept[key] = value
            return WorkspaceSettings.model_validate(kept)

    def skill_configs(self, place: Place) -> dict[str, dict[str, Any]]:
        return self.workspace_settings(place.settings_team).skill_configs(self.bot.planner.skills)

    def save_settings(self, team: str, values: dict[str, Any]) -> dict[str, str]:
        """The settings modal's submission: stored when valid, else the errors per input block."""
        parsed, errors = home.read_submission(values)
        if parsed is None:
            return errors
        # checked by the skills too (the marketing BrandKit's rules), so no plan fails on it later
        try:
            with self.bot.planner.skills.scoped_configs(parsed.skill_configs(self.bot.planner.skills)):
                pass
        except InputError as exc:
            return {"brand_name": str(exc)[:150]}
        chosen = parsed.model_dump(include=set(home.INPUTS.values()))
        if chosen.get("ai_badge") is None:
            chosen.pop("ai_badge", None)  # a modal without the badge box leaves the stored choice alone
        self.records.update_workspace(team, **chosen)
        logger.info("slack workspace settings saved", extra={"team": team})
        return {}

    def home_view(self, team: str) -> dict[str, Any]:
        return home.home_view(
            self.workspace_settings(team),
            self.records.recent_videos(team),
            approve_default=self.settings.approve_before_render,
            name=self.settings.bot_name,
        )

    def settings_modal(self, team: str) -> dict[str, Any]:
        return home.settings_modal(self.workspace_settings(team), approve_default=self.settings.approve_before_render)

    def publish_home(self, client: Any, team: str, user: str) -> None:
        try:
            client.views_publish(user_id=user, view=self.home_view(team))
        except SlackApiError as exc:  # e.g. not_enabled: the app has no Home tab
            logger.warning("could not publish the home tab", extra={"team": team, "error": error_of(exc)})

    # -- assistant threads ------------------------------------------------------------------

    def suggested_prompts(self, team: str) -> list[dict[str, str]]:
        """One prompt per installed skill (Slack shows at most 4: the planner's default skill first,
        then by routing priority), in the workspace's words: its brand name as the subject and its
        default platform where it set one."""
        settings = self.workspace_settings(team)
        subject = settings.brand_name or "our new product"
        planner = self.bot.planner  # the LLM planner keeps its offline fallback's default
        default = getattr(planner, "default_skill", None) or getattr(
            getattr(planner, "offline", None), "default_skill", None
        )
        skills = sorted(self.bot.planner.skills, key=lambda skill: (skill.name != default, skill.priority, skill.name))
        prompts = []
        for skill in skills[:4]:
            defaults = skill.defaults
            seconds = defaults.total_s or defaults.shot_s * defaults.shots
            platform = (settings.default_platforms or list(defaults.platforms) or ["youtube"])[0]
            label = (skill.label or skill.name).lower()
            # the skill's name first: ``split_command`` sends the prompt to that very skill
            message = f"{skill.name} " + messages.PROMPT.format(
                seconds=seconds, label=label, platform=platform, subject=subject
            )
            prompts.append({"title": (skill.label or skill.name)[:75], "message": message[:1000]})
        return prompts

    def start_thread(self, place: Place, context: dict[str, Any]) -> None:
        """A user opened the assistant: remember the thread and its context, say hello (the bot is
        an AI assistant), offer prompts. A workspace that refuses prompts still gets the hello."""
        thread = AssistantThread(
            channel=place.channel, thread_ts=place.thread_ts, team=place.team, user=place.user, context=context
        )
        self.records.save_thread(thread)
        place.assistant = thread
        self.say(place, assistant_intro(self.settings.bot_name))
        try:
            place.client.assistant_threads_setSuggestedPrompts(
                channel_id=place.channel,
                thread_ts=place.thread_ts,
                title=messages.PROMPTS_TITLE,
                prompts=self.suggested_prompts(place.settings_team),
            )
        except SlackApiError as exc:
            logger.info("suggested prompts refused", extra={"team": place.team, "error": error_of(exc)})

    def change_context(self, place: Place, context: dict[str, Any]) -> None:
        """The user moved to another channel while the assistant is open: later turns use it."""
        known = self.records.thread(place.channel, place.thread_ts)
        self.records.save_thread(
            AssistantThread(
                channel=place.channel,
                thread_ts=place.thread_ts,
                team=known.team if known else place.team,
                user=place.user or (known.user if known else None),
                context=context,
            )
        )

    def set_status(self, place: Place, text: str) -> None:
        """The assistant thread's status line; Slack refusing it never stops the turn."""
        if place.assistant is None or not place.status_ok:
            return
        try:
            place.client.assistant_threads_setStatus(channel_id=place.channel, thread_ts=place.thread_ts, status=text)
        except SlackApiError as exc:
            place.status_ok = error_of(exc) in TRANSIENT
            logger.info("status line refused", extra={"team": place.team, "error": error_of(exc)})

    def set_title(self, place: Place, title: str) -> None:
        if place.assistant is None:
            return
        try:
            place.client.assistant_threads_setTitle(
                channel_id=place.channel, thread_ts=place.thread_ts, title=title[:255]
            )
        except SlackApiError as exc:
            logger.info("thread title refused", extra={"team": place.team, "error": error_of(exc)})

    # -- feedback ---------------------------------------------------------------------------

    def feedback(self, place: Place, value: str) -> str:
        """A thumbs up or down on a finished video, stored with its job."""
        verdict, _, job_id = value.partition(":")
        voter = f"slack:{place.team}:{place.user}" if place.user else f"slack:{place.team}"
        self.records.feedback.record(job_id, voter, verdict, channel="slack")
        logger.info("slack feedback", extra={"job_id": job_id, "value": verdict})
        return verdict

    # -- buttons ----------------------------------------------------------------------------

    def check_workspace(self, place: Place, conversation_id: str) -> None:
        """A button's conversation must be this workspace's: a value copied from another
        workspace (or forged) is refused, with nothing said about the other one."""
        row = self.bot.repo.conversation(conversation_id) if len(conversation_id) <= 64 else None
        key = str((row or {}).get("external_key") or "")
        if row is None or row.get("channel") != "slack" or not key.startswith(f"slack:{place.team}:"):
            raise InputError(messages.NOT_THIS_WORKSPACE)

    def approve(self, place: Place, value: str, *, message_ts: str | None, blocks: list[dict[str, Any]]) -> str:
        conversation_id, _, plan_id = value.partition(":")
        self.check_workspace(place, conversation_id)
        try:
            plan = self.bot.repo.get_plan(plan_id)
        except KeyError:
            raise InputError(messages.NOT_THIS_WORKSPACE) from None
        if self.bot.repo.plan_conversation(plan_id) != conversation_id:
            raise InputError(messages.NOT_THIS_WORKSPACE)
        turn = Turn(conversation_id=conversation_id, plan_id=plan_id, plan=plan)
        if message_ts:
            self.edit_actions(place, message_ts, blocks, messages.APPROVED_BY.format(user=place.user))
        # the plan is on screen already: progress goes to a status message, not a second plan
        place.assistant = self.records.thread(place.channel, place.thread_ts)
        return self.start_job(place, turn, idempotency_key=f"slack:approve:{plan_id}")

    def cancel(self, place: Place, value: str, *, message_ts: str | None, blocks: list[dict[str, Any]]) -> None:
        """Cancel a running job (its watcher reports it), or drop a plan that waits for approval."""
        if ":" in value:  # a plan waiting for approval: nothing was queued
            self.check_workspace(place, value.partition(":")[0])
            if message_ts:
                self.edit_actions(place, message_ts, blocks, messages.CANCELLED)
            return
        try:
            status = self.bot.jobs.status(value) if len(value) <= 64 else None
        except KeyError:
            status = None
        if status is None:
            raise InputError(messages.NOT_THIS_WORKSPACE)
        self.check_workspace(place, status.conversation_id)
        state = self.bot.jobs.cancel(value)
        logger.info("slack cancel", extra={"job_id": value, "state": state.value})

    # -- media library ----------------------------------------------------------------------

    def add_to_library(self, place: Place, request: LibraryRequest) -> list[str]:
        """Files shared with "add to library": checked and kept in this workspace's library; the
        reply says what was added (or why a file was refused: the files before it stay)."""
        if not place.files:
            self.say(place, messages.LIBRARY_NO_FILES)
            return []
        added: list[str] = []
        try:
            with self.bot.assets.staging(prefix="slack-") as folder:
                paths = download_library_files(
                    place.files, place.client.token or "", folder, max_bytes=self.settings.max_file_bytes
                )
                for path in paths:
                    name = re.sub(r"^\d+-", "", path.stem)  # the download's order prefix
                    result = self.bot.library.add(tenant_of(place), path, name=name, collection=request.collection)
                    label = escape(result.item.label())
                    added.append(label if result.created else f"{label} ({messages.LIBRARY_ALREADY})")
        except InputError as exc:
            done = f" (added first: {'; '.join(added)})" if added else ""
            self.say(place, messages.REFUSED.format(reason=escape(str(exc)) + done))
            return added
        self.say(place, messages.LIBRARY_ADDED.format(items="; ".join(added)))
        logger.info("slack library add", extra={"team": place.team, "files": len(added)})
        return added

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
