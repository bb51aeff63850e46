"""The AI-app side of the Bolt app: slack-bolt's ``Assistant`` middleware for assistant threads
(``assistant_thread_started``, ``assistant_thread_context_changed``, ``message.im`` in the thread).

Bolt's ``Assistant`` takes every DM message that has a ``thread_ts``, also in workspaces without
the AI-app feature, where a reply in a DM thread is a classic follow-up. So a message counts as an
assistant message only in a thread that began with ``assistant_thread_started``; the others are
handled exactly as before. The thread context (the channel the user looks at) is kept in SQL
(``slack_assistant_threads``) instead of Bolt's default store, which reads it back from message
metadata with extra ``conversations.replies`` calls on every turn.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import App, Assistant
from slack_bolt.context.assistant.thread_context import AssistantThreadContext
from slack_bolt.context.assistant.thread_context_store.store import AssistantThreadContextStore

from botkit.channels.slack.records import AssistantThread
from botkit.channels.slack.service import Place, SlackService

logger = logging.getLogger(__name__)

PlaceOf = Callable[..., Place]


class SqlThreadContextStore(AssistantThreadContextStore):
    """Bolt's thread context store on botkit's database."""

    def __init__(self, service: SlackService) -> None:
        self.service = service

    def save(self, *, channel_id: str, thread_ts: str, context: dict[str, str]) -> None:
        known = self.service.records.thread(channel_id, thread_ts)
        self.service.records.save_thread(
            AssistantThread(
                channel=channel_id,
                thread_ts=thread_ts,
                team=known.team if known else str(context.get("team_id") or ""),
                user=known.user if known else None,
                context=dict(context),
            )
        )

    def find(self, *, channel_id: str, thread_ts: str) -> AssistantThreadContext | None:
        thread = self.service.records.thread(channel_id, thread_ts)
        if thread is None or not thread.context:
            return None
        return AssistantThreadContext(thread.context)


def listen_assistant(
    app: App,
    service: SlackService,
    delivered: Callable[[Any, Callable[..., None]], None],
    place_of: PlaceOf,
    classic_dm: Callable[[dict[str, Any], dict[str, Any], Any, Any], None],
) -> Assistant:
    """Register the assistant listeners. ``classic_dm(event, body, context, client)`` handles a DM
    thread message that is not in an assistant thread."""
    assistant = Assistant(thread_context_store=SqlThreadContextStore(service), logger=logger)

    @assistant.thread_started
    def started(payload: dict[str, Any], body: dict[str, Any], context: Any, client: Any) -> None:
        thread = payload.get("assistant_thread") or {}

        def work(lease: Any, claim: Any) -> None:
            place = place_of(client, context, thread["channel_id"], thread["thread_ts"], thread.get("user_id"))
            service.start_thread(place, dict(thread.get("context") or {}))

        delivered(context, work)

    @assistant.thread_context_changed
    def context_changed(payload: dict[str, Any], context: Any, client: Any) -> None:
        thread = payload.get("assistant_thread") or {}

        def work(lease: Any, claim: Any) -> None:
            place = place_of(client, context, thread["channel_id"], thread["thread_ts"], thread.get("user_id"))
            service.change_context(place, dict(thread.get("context") or {}))

        delivered(context, work)

    @assistant.user_message
    def user_message(payload: dict[str, Any], body: dict[str, Any], context: Any, client: Any) -> None:
        known = service.records.thread(payload["channel"], payload["thread_ts"])
        if known is None:  # a reply in a classic DM thread
            classic_dm(payload, body, context, client)
            return

        def work(lease: Any, claim: Any) -> None:
            place = place_of(
                client, context, payload["channel"], payload["thread_ts"], payload.get("user"), payload.get("files")
            )
            place.assistant = known
            skill, request = service.split_command(payload.get("text") or "")
            service.handle_message(
                place,
                request,
                delivery=body["event_id"],
                skill=skill,
                held=lease.delivery if lease else None,
                progress=claim.progress if claim else None,
            )

        delivered(context, work)

    app.assistant(assistant)
    return assistant
