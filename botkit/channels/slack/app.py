"""The Slack adapter: the Bolt app and its listeners, HTTP endpoints in FastAPI, and Socket Mode.

With ``botkit.channels.slack.assistant`` (the AI-app listeners), the only modules that import
``slack_bolt``. Listeners translate Slack payloads into ``SlackService`` calls; events are
acknowledged at once (Bolt runs event listeners after the ack), commands, buttons and modal
submissions call ``ack()`` before any work. Each event id is claimed in SQL before it is handled,
so Slack's retries (``X-Slack-Retry-Num``) and duplicate deliveries never plan twice.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import re
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from slack_bolt import App, BoltResponse
from slack_bolt.error import BoltError
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from botkit.bot import Bot
from botkit.channels.slack import blocks as ids
from botkit.channels.slack import home, messages
from botkit.channels.slack.assistant import listen_assistant
from botkit.channels.slack.blocks import escape
from botkit.channels.slack.credentials import credentials_reply
from botkit.channels.slack.service import Place, SlackService, clean_text
from botkit.channels.slack.settings import SlackSettings
from botkit.errors import BotkitError, InputError
from botkit.store.inbound import Claim, InboundRepository, Lease

if TYPE_CHECKING:
    from fastapi import FastAPI
    from slack_bolt.adapter.socket_mode import SocketModeHandler
    from starlette.requests import Request
    from starlette.responses import Response

logger = logging.getLogger(__name__)


class SlackSetupError(BotkitError):
    """Slack is configured inconsistently; the message names the missing setting."""


@dataclass
class SlackChannel:
    """A built Slack app and the service behind it (its job watchers)."""

    app: App
    service: SlackService

    def close(self) -> None:
        self.service.watchers.stop()


def slack_settings(settings: Any = None) -> SlackSettings:
    """``SlackSettings`` as given, else read from the ``SLACK_*`` environment."""
    return settings if isinstance(settings, SlackSettings) else SlackSettings()


def web_client(settings: SlackSettings, token: str | None = None) -> WebClient:
    client = WebClient(token=token, base_url=settings.api_base())
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=2))
    return client


def build_channel(bot: Bot, settings: Any = None) -> SlackChannel:
    slack = slack_settings(settings)
    if slack.oauth and slack.client_id:
        from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
        from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore

        if not slack.signing_secret:
            raise SlackSetupError("SLACK_SIGNING_SECRET is needed for an OAuth (multi-workspace) install")
        installations = SQLAlchemyInstallationStore(client_id=slack.client_id, engine=bot.db, logger=logger)
        states = SQLAlchemyOAuthStateStore(expiration_seconds=600, engine=bot.db, logger=logger)
        # slack-sdk's own tables (slack_installations, slack_bots, slack_oauth_states) come from
        # the Alembic revision 0010, like every other table
        app = App(
            signing_secret=slack.signing_secret,
            client=web_client(slack),
            installation_store=installations,
            oauth_settings=OAuthSettings(
                client_id=slack.client_id,
                client_secret=slack.client_secret,
                scopes=slack.scopes,
                redirect_uri=slack.redirect_uri,
                authorization_url=slack.authorize_url,
                install_page_rendering_enabled=False,
                installation_store=installations,
                state_store=states,
            ),
        )

        app.enable_token_revocation_listeners()  # app_uninstalled / tokens_revoked delete the install

        def client_for(team: str) -> WebClient:
            found = installations.find_bot(enterprise_id=None, team_id=team)
            if found is None or not found.bot_token:
                raise SlackSetupError(f"botkit is not installed in Slack workspace {team}")
            return web_client(slack, found.bot_token)

    else:
        if not slack.bot_token:
            raise SlackSetupError(
                "set SLACK_BOT_TOKEN (one workspace) or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET (OAuth install)"
            )
        single = web_client(slack, slack.bot_token)
        try:  # Bolt checks the token with auth.test at once
            app = App(signing_secret=slack.signing_secret or "", client=single)
        except (BoltError, OSError) as exc:
            raise SlackSetupError(f"SLACK_BOT_TOKEN could not be verified with Slack ({slack.api_url}): {exc}") from exc

        def client_for(team: str) -> WebClient:
            return single

    service = SlackService(bot, slack, client_for)
    _listen(app, service)
    return SlackChannel(app=app, service=service)


def build_app(bot: Bot, settings: Any = None) -> App:
    """The Bolt app with botkit's listeners (``settings``: ``SlackSettings``, default from the env)."""
    return build_channel(bot, settings).app


def _place(client: WebClient, context: Any, channel: str, thread_ts: str, user: str | None, files: Any = None) -> Place:
    return Place(
        client=client, team=context.team_id or "", channel=channel, thread_ts=thread_ts, user=user, files=files or []
    )


def _json_response(status: int, error: str) -> BoltResponse:
    return BoltResponse(status=status, body=json.dumps({"error": error}), headers={"content-type": "application/json"})


def _listen(app: App, service: SlackService) -> None:
    deliveries = InboundRepository(service.bot.repo.sessions, service.settings.delivery_lease_s)

    @app.middleware
    def deliver_once(body: dict[str, Any], context: Any, next: Any) -> Any:  # Bolt passes arguments by name
        event_id = body.get("event_id")
        if body.get("type") == "event_callback" and isinstance(event_id, str) and event_id:
            claim = deliveries.claim(f"slack:{event_id}", "slack")
            if claim.busy:  # a live holder works on it; if it dies, Slack's next retry takes it over
                logger.info("slack delivery being handled", extra={"event_id": event_id})
                return _json_response(409, "this delivery is being handled; retry later")
            if not claim.owned:
                logger.info("duplicate slack delivery", extra={"event_id": event_id})
                return BoltResponse(status=200, body="")
            context["delivery_claim"] = claim
        return next()

    def delivered(context: Any, work: Callable[[Lease | None, Claim | None], None]) -> None:
        """Run a listener's work under its delivery's lease, and mark the delivery done after."""
        claim: Claim | None = context.get("delivery_claim")
        if claim is None:
            work(None, None)
            return
        with Lease(deliveries, claim) as lease:
            try:
                work(lease, claim)
            finally:
                lease.finish({"handled": True})

    @app.event("app_mention")
    def on_mention(event: dict[str, Any], body: dict[str, Any], context: Any, client: WebClient) -> None:
        def work(lease: Lease | None, claim: Claim | None) -> None:
            if event.get("bot_id"):
                return
            thread = event.get("thread_ts") or event["ts"]
            place = _place(client, context, event["channel"], thread, event.get("user"), event.get("files"))
            service.handle_message(
                place,
                event.get("text") or "",
                delivery=body["event_id"],
                held=lease.delivery if lease else None,
                progress=claim.progress if claim else None,
            )

        delivered(context, work)

    def on_message(event: dict[str, Any], body: dict[str, Any], context: Any, client: WebClient) -> None:
        def work(lease: Lease | None, claim: Claim | None) -> None:
            if event.get("subtype") not in (None, "file_share", "thread_broadcast") or event.get("bot_id"):
                return
            text = event.get("text") or ""
            thread = event.get("thread_ts")
            if event.get("channel_type") != "im":
                mentioned = context.bot_user_id and f"<@{context.bot_user_id}" in text
                if not thread or mentioned:  # top-level chatter is not for us; mentions come as app_mention
                    return
            place = _place(
                client, context, event["channel"], thread or event["ts"], event.get("user"), event.get("files")
            )
            if event.get("channel_type") != "im" and not service.addressed_to_bot(place, text):
                return
            service.handle_message(
                place,
                text,
                delivery=body["event_id"],
                held=lease.delivery if lease else None,
                progress=claim.progress if claim else None,
            )

        delivered(context, work)

    # before the plain message listener: the Assistant middleware sees DM thread messages first
    listen_assistant(app, service, delivered, _place, on_message)
    app.event("message")(on_message)

    @app.event("app_home_opened")
    def on_home(event: dict[str, Any], context: Any, client: WebClient) -> None:
        def work(lease: Lease | None, claim: Claim | None) -> None:
            if event.get("tab") == "home" and event.get("user"):
                service.publish_home(client, context.team_id or "", event["user"])

        delivered(context, work)

    @app.action(home.EDIT)
    def on_edit_settings(ack: Any, body: dict[str, Any], context: Any, client: WebClient) -> None:
        ack()
        try:
            client.views_open(trigger_id=body["trigger_id"], view=service.settings_modal(context.team_id or ""))
        except SlackApiError as exc:  # an expired trigger (the click took too long to reach us)
            logger.warning("could not open the settings modal", extra={"error": exc.response.get("error")})

    @app.view(home.SETTINGS)
    def on_settings(ack: Any, body: dict[str, Any], view: dict[str, Any], context: Any, client: WebClient) -> None:
        team = context.team_id or ""
        errors = service.save_settings(team, (view.get("state") or {}).get("values") or {})
        if errors:
            ack(response_action="errors", errors=errors)
            return
        ack()
        user = (body.get("user") or {}).get("id")
        if user:
            service.publish_home(client, team, user)

    @app.command("/video")
    def on_video(ack: Any, command: dict[str, Any], context: Any, client: WebClient, respond: Any) -> None:
        text = (command.get("text") or "").strip()
        first = text.split(maxsplit=1)[0].lower() if text else ""
        if first in ("", "help"):
            ack(messages.HELP)
            return
        if first == "approve":
            ack(service.set_approval(context.team_id or "", text))
            return
        ack()
        skill, request = service.split_command(text)
        user = command.get("user_id")
        try:
            root = client.chat_postMessage(
                channel=command["channel_id"],
                text=f"<@{user}> asked for a video: {escape(clean_text(request) or skill or '')}",
            )
        except SlackApiError as exc:
            error = exc.response.get("error")
            logger.info("slash command could not post", extra={"error": error})
            known = error in ("not_in_channel", "channel_not_found")
            respond(messages.NOT_IN_CHANNEL if known else messages.TROUBLE.format(error=error))
            return
        place = _place(client, context, command["channel_id"], root["ts"], user)
        service.handle_message(place, request, delivery=f"command:{command.get('trigger_id')}", skill=skill)

    @app.action(re.compile(r"^botkit_"))
    def on_action(ack: Any, body: dict[str, Any], action: dict[str, Any], context: Any, client: WebClient) -> None:
        ack()
        message = body.get("message") or {}
        container = body.get("container") or {}
        message_ts = container.get("message_ts") or message.get("ts")
        thread = message.get("thread_ts") or container.get("thread_ts") or message_ts
        channel = (body.get("channel") or {}).get("id") or container.get("channel_id")
        if not channel or not thread:
            logger.info("button outside a message ignored", extra={"action_id": action.get("action_id")})
            return
        place = _place(client, context, channel, thread, (body.get("user") or {}).get("id"))
        value = action.get("value") or (action.get("selected_option") or {}).get("value") or ""
        delivery = f"action:{action.get('action_ts')}"
        try:
            if action["action_id"] == ids.FEEDBACK:
                service.feedback(place, value)
            elif action["action_id"] == ids.APPROVE:
                service.approve(place, value, message_ts=message_ts, blocks=message.get("blocks") or [])
            elif action["action_id"] == ids.CANCEL:
                service.cancel(place, value, message_ts=message_ts, blocks=message.get("blocks") or [])
            elif action["action_id"] == ids.TAKE:
                service.another_take(place, value, delivery=delivery)
            elif action["action_id"] == ids.PLATFORM:
                service.other_platform(place, value, delivery=delivery)
            elif action["action_id"] == ids.SUGGEST:
                service.suggested(place, value, delivery=delivery)
            elif action["action_id"] == ids.CREDENTIALS:
                service.say(place, credentials_reply(service.bot, place.team, value))
            elif action["action_id"] in ids.PREVIEW_ACTIONS:
                blocks = message.get("blocks") or []
                service.preview_action(place, action["action_id"], value, message_ts=message_ts, blocks=blocks)
        except InputError as exc:
            service.say(place, messages.REFUSED.format(reason=escape(str(exc))))
        except Exception as exc:
            logger.exception("slack action failed", extra={"action_id": action.get("action_id")})
            service.say(place, messages.TROUBLE.format(error=type(exc).__name__))

    @app.error
    def on_error(error: Exception, body: dict[str, Any]) -> None:
        logger.error("slack listener error: %s", error, extra={"type": body.get("type")})


def mount(fastapi_app: FastAPI, bot: Bot, settings: Any = None) -> SlackChannel | None:
    """Add ``/slack/events`` (and ``/slack/install``, ``/slack/oauth_redirect`` with OAuth) to a
    FastAPI app; nothing is mounted unless ``SLACK_SIGNING_SECRET`` is set. Resumes job watchers."""
    slack = slack_settings(settings)
    if not slack.http_enabled:
        logger.info("SLACK_SIGNING_SECRET is not set: the Slack endpoints are not mounted")
        return None
    # Bolt's own Starlette adapter translates requests; botkit itself does not import Starlette
    from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response

    channel = build_channel(bot, slack)
    app = channel.app
    secret = slack.signing_secret or ""

    async def events(request: Request) -> Response:
        from starlette.responses import JSONResponse

        body = await read_capped(request, slack.max_event_bytes)
        if body is None:
            return JSONResponse({"error": f"a Slack delivery is at most {slack.max_event_bytes // 1024} KiB"}, 413)
        # the signature before anything is parsed: unsigned bytes are never looked at
        if not signature_valid(
            secret,
            body,
            request.headers.get("x-slack-request-timestamp", ""),
            request.headers.get("x-slack-signature", ""),
        ):
            return JSONResponse({"error": "invalid or stale Slack signature"}, 401)
        problem = malformed_delivery(body, request.headers.get("content-type", ""))
        if problem is not None:
            logger.info("malformed slack delivery: %s", problem)
            return JSONResponse({"error": problem}, 400)
        try:
            bolt_request = to_bolt_request(request, body)
        except (TypeError, KeyError, AttributeError, ValueError) as exc:
            # Bolt reads ids out of the payload while building its request ("user": 5 breaks it)
            logger.info("slack delivery bolt cannot read: %s", exc)
            return JSONResponse({"error": "this delivery's payload could not be handled"}, 400)
        answer = await asyncio.to_thread(app.dispatch, bolt_request)
        if answer.status >= 500:  # a signed payload our listeners could not use (logged by on_error)
            return JSONResponse({"error": "this delivery's payload could not be handled"}, 400)
        return to_starlette_response(answer)

    fastapi_app.add_route("/slack/events", events, methods=["POST"], include_in_schema=False)
    flow = app.oauth_flow
    if flow is not None:

        async def install(request: Request) -> Response:
            bolt_request = to_bolt_request(request, await request.body())
            return to_starlette_response(await asyncio.to_thread(flow.handle_installation, bolt_request))

        async def oauth_redirect(request: Request) -> Response:
            bolt_request = to_bolt_request(request, await request.body())
            return to_starlette_response(await asyncio.to_thread(flow.handle_callback, bolt_request))

        fastapi_app.add_route("/slack/install", install, methods=["GET"], include_in_schema=False)
        fastapi_app.add_route("/slack/oauth_redirect", oauth_redirect, methods=["GET"], include_in_schema=False)
    channel.service.watchers.resume()
    return channel


def signature_valid(secret: str, body: bytes, timestamp: str, signature: str, *, max_age_s: float = 300) -> bool:
    """Slack's v0 signature over the raw bytes (whatever they hold), from the last five minutes."""
    if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > max_age_s:
        return False
    base = b"v0:" + timestamp.encode() + b":" + body
    expected = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), signature.encode("utf-8", "replace"))


async def read_capped(request: Request, cap: int) -> bytes | None:
    """The body, read as it streams in; None as soon as it is over ``cap`` bytes."""
    length = request.headers.get("content-length")
    if length is not None and (not length.isdigit() or int(length) > cap):
        return None
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > cap:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def malformed_delivery(body: bytes, content_type: str) -> str | None:
    """What is wrong with a signed delivery's shape, or None: a JSON object (events), or a form
    whose ``payload`` is a JSON object (interactions) or whose fields are a slash command."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return "the body is not UTF-8"
    if content_type.lower().startswith("application/json"):
        try:
            payload = json.loads(text)
        except ValueError:
            return "the body is not valid JSON"
    else:
        try:
            form = urllib.parse.parse_qs(text, keep_blank_values=True, strict_parsing=bool(text), max_num_fields=200)
        except ValueError:
            return "the body is neither JSON nor a form"
        if "payload" not in form:
            return None if "command" in form or not text else "a form delivery needs payload= or command="
        try:
            payload = json.loads(form["payload"][0])
        except ValueError:
            return "payload= is not valid JSON"
    if not isinstance(payload, dict):
        return "the delivery must be a JSON object"
    kind = payload.get("type")
    if not isinstance(kind, str):
        return "the delivery has no type"
    if kind == "event_callback":
        event = payload.get("event")
        if not isinstance(event, dict) or not isinstance(event.get("type"), str):
            return "event_callback without an event object"
        if not isinstance(payload.get("event_id"), str):
            return "event_callback without an event_id"
    return None


def socket_mode_handler(bot: Bot, settings: Any = None) -> tuple[SlackChannel, SocketModeHandler]:
    """A Socket Mode connection for the app (``connect()`` to run in the background, ``close()``)."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    slack = slack_settings(settings)
    if not slack.app_token:
        raise SlackSetupError("Socket Mode needs SLACK_APP_TOKEN (an xapp- token with connections:write)")
    channel = build_channel(bot, slack)
    handler = SocketModeHandler(channel.app, slack.app_token, web_client=web_client(slack), logger=logger)
    return channel, handler


def run_socket_mode(bot: Bot, settings: Any = None) -> None:
    """Serve Slack over Socket Mode until interrupted, with the embedded job runner (blocks)."""
    channel, handler = socket_mode_handler(bot, settings)
    bot.start_workers()
    channel.service.watchers.resume()
    try:
        handler.start()
    finally:
        handler.close()
        channel.close()
        bot.stop_workers()
