"""A fake Slack on 127.0.0.1: the Web API (JSON and form bodies, Bearer and Basic auth), the
upload URLs of ``files_upload_v2``, private file downloads, and a Socket Mode WebSocket server.

It speaks the wire protocol the real slack-sdk uses, keeps what it was sent, and answers like Slack
does where it matters: ``invalid_auth`` for an unknown token, ``not_in_channel``, an HTML login page
(status 200) for a file download without a valid token.

The AI-app methods follow Slack's reference (docs.slack.dev/reference/methods/...):
``assistant.threads.setStatus`` / ``setSuggestedPrompts`` / ``setTitle`` (``channel_id`` and
``thread_ts``; at most 10 loading messages and 4 prompts, each with a title and a message);
``chat.startStream`` / ``appendStream`` / ``stopStream`` (``chunks`` of ``markdown_text``,
``task_update`` and ``plan_update``; a stream outside a DM needs ``recipient_user_id`` and
``recipient_team_id``; one stream mode per message (``streaming_mode_mismatch``); 12,000
characters of markdown and 256 per task field (``msg_too_long``); a stream ends by itself after
``stream_lifetime_s``, then ``message_not_in_streaming_state``); ``views.publish`` (home tab) and
``views.open`` (a modal for a fresh ``trigger_id``; a trigger is used once and expires).
"""

from __future__ import annotations

import base64
import itertools
import json
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from websockets.sync.server import ServerConnection, serve

LOGIN_PAGE = b"<!DOCTYPE html><html><head><title>Slack</title></head><body>Sign in to Slack</body></html>"


@dataclass
class Workspace:
    team_id: str
    name: str
    bot_token: str
    bot_user_id: str = "UBOT"
    bot_id: str = "BBOT"


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    token: str | None
    team: str | None
    at: float = field(default_factory=time.monotonic)


class FakeSlack:
    """Start with ``with FakeSlack() as slack:``; point clients at ``slack.api_url``."""

    def __init__(self) -> None:
        self.workspaces: dict[str, Workspace] = {}
        self.app_tokens: set[str] = set()
        self.oauth_codes: dict[str, str] = {}  # code -> team id
        self.client_id = "111.222"
        self.client_secret = "client-secret"
        self.not_in_channel: set[str] = set()
        self.calls: list[Call] = []
        self.messages: dict[tuple[str, str], dict[str, Any]] = {}  # (channel, ts) -> message
        self.uploads: dict[str, dict[str, Any]] = {}  # file id -> {filename, length, data, shared}
        self.files: dict[str, tuple[str, bytes]] = {}  # private file path -> (content type, bytes)
        self.downloads: list[tuple[str, str | None]] = []  # (path, token)
        self.responses: list[dict[str, Any]] = []  # bodies posted to response_url
        self.rate_limited: dict[str, int] = {}  # method -> how many more calls get HTTP 429
        self.errors: dict[str, str] = {}  # method -> the error it answers with
        self.statuses: list[dict[str, Any]] = []  # assistant.threads.setStatus calls, in order
        self.prompts: dict[tuple[str, str | None], dict[str, Any]] = {}  # (channel, thread) -> prompts
        self.titles: dict[tuple[str, str], str] = {}  # (channel, thread) -> title
        self.views: dict[tuple[str, str], dict[str, Any]] = {}  # (team, user) -> published home view
        self.modals: list[dict[str, Any]] = []  # views opened, in order
        self.triggers: dict[str, float] = {}  # trigger_id -> when it was issued (valid 3 s, used once)
        self.trigger_ttl_s = 3.0
        self.stream_lifetime_s = 306.0  # Slack ends a stream about five minutes after it started
        self._last_ts = 0.0
        self._ts = itertools.count(1)
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self.http = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.http.daemon_threads = True
        self.port = self.http.server_address[1]
        self.sockets: SocketModeServer | None = None

    # -- setup ------------------------------------------------------------------------------

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.base}/api/"

    def add_workspace(self, team_id: str, name: str | None = None, *, oauth_code: str | None = None) -> Workspace:
        workspace = Workspace(team_id, name or team_id.lower(), f"xoxb-{team_id}-token")
        self.workspaces[workspace.bot_token] = workspace
        if oauth_code:
            self.oauth_codes[oauth_code] = team_id
        return workspace

    def add_file(self, name: str, data: bytes, content_type: str = "image/png") -> dict[str, Any]:
        """A private file as Slack lists it in a message's ``files``."""
        file_id = f"F{next(self._ids):06d}"
        path = f"/files-pri/{file_id}/{name}"
        self.files[path] = (content_type, data)
        return {
            "id": file_id,
            "name": name,
            "mimetype": content_type,
            "size": len(data),
            "url_private": self.base + path,
            "url_private_download": self.base + path + "?download=1",
        }

    def response_url(self) -> str:
        return f"{self.base}/respond/{next(self._ids)}"

    def trigger(self) -> str:
        """A fresh ``trigger_id`` as Slack sends with an interaction (``views.open`` takes it)."""
        trigger_id = f"{next(self._ids)}.{int(time.time())}.{next(self._ids):06x}"
        with self._lock:
            self.triggers[trigger_id] = time.monotonic()
        return trigger_id

    def start_socket_mode(self, app_token: str) -> SocketModeServer:
        self.app_tokens.add(app_token)
        self.sockets = SocketModeServer()
        return self.sockets

    def __enter__(self) -> FakeSlack:
        threading.Thread(target=self.http.serve_forever, name="fake-slack", daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.http.shutdown()
        self.http.server_close()
        if self.sockets is not None:
            self.sockets.close()

    # -- what was sent ----------------------------------------------------------------------

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [call for call in self.calls if call.method == method]

    def thread(self, channel: str, thread_ts: str) -> list[dict[str, Any]]:
        """Messages of a thread, root first, in posting order."""
        with self._lock:
            found = [
                m
                for (c, ts), m in self.messages.items()
                if c == channel and (ts == thread_ts or m.get("thread_ts") == thread_ts)
            ]
        return sorted(found, key=lambda m: float(m["ts"]))

    def wait_for(self, predicate: Any, timeout: float = 60.0, what: str = "condition") -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = predicate()
            if value:
                return value
            time.sleep(0.05)
        raise AssertionError(f"timed out waiting for {what}")

    # -- the Web API ------------------------------------------------------------------------

    def _next_ts(self) -> str:
        """A message ts as Slack makes them: the posting time, unique within the workspace."""
        with self._lock:
            self._last_ts = max(time.time(), self._last_ts + 0.000001)
            return f"{self._last_ts:.6f}"

    def api(
        self, method: str, params: dict[str, Any], token: str | None, basic: tuple[str, str] | None
    ) -> dict[str, Any]:
        workspace = self.workspaces.get(token or "")
        with self._lock:
            self.calls.append(Call(method, params, token, workspace.team_id if workspace else None))
        if method == "oauth.v2.access":
            return self._oauth(params, basic)
        if method == "apps.connections.open":
            if token not in self.app_tokens or self.sockets is None:
                return {"ok": False, "error": "invalid_auth"}
            return {"ok": True, "url": self.sockets.url}
        if workspace is None:
            return {"ok": False, "error": "not_authed" if not token else "invalid_auth"}
        handler = getattr(self, "_" + method.replace(".", "_"), None)
        if handler is None:
            return {"ok": False, "error": "unknown_method"}
        return handler(workspace, params)

    def _auth_test(self, ws: Workspace, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "ok": True,
            "url": f"https://{ws.name}.slack.com/",
            "team": ws.name,
            "user": "botkit",
            "team_id": ws.team_id,
            "user_id": ws.bot_user_id,
            "bot_id": ws.bot_id,
            "is_enterprise_install": False,
        }

    def _chat_postMessage(self, ws: Workspace, params: dict[str, Any]) -> dict[str, Any]:
        channel = params.get("channel")
        if not channel:
            return {"ok": False, "error": "channel_not_found"}
        if channel in self.not_in_channel:
            return {"ok": False, "error": "not_in_channel"}
        if not params.get("text") and not params.get("blocks"):
            return {"ok": False, "error": "no_text"}
        blocks = params.get("blocks")
        message = {
            "ts": self._next_ts(),
            "team": ws.team_id,
            "text": params.get("text", ""),
            "blocks": json.loads(blocks) if isinstance(blocks, str) else blocks or [],
            "thread_ts": params.get("thread_ts"),
            "bot_id": ws.bot_id,
            "edits": 0,
            "posted": params.get("text", ""),  # the text it was posted with; "history" has the edits
        }
        with self._lock:
            self.messages[(channel, message["ts"])] = message
        return {"ok": True, "channel": channel, "ts": message["ts"], "message": message}

    def _chat_update(self, ws: Workspace, params: dict[str, Any]) -> dict[str, Any]:
        key = (params.get("channel"), params.get("ts"))
        with self._lock:
            message = self.messages.get(key)  # type: ignore[arg-type]
            if message is None or message["team"] != ws.team_id:
                return {"ok": False, "error": "message_not_found"}
            blocks = params.get("blocks")
            message["text"] = params.get("text", message["text"])
            message["blocks"] = json.loads(blocks) if isinstance(blocks, str) else blocks or []
            message["edits"] += 1
            message.setdefault("history", []).append(message["text"])
        return {"ok": True, "channel": key[0], "ts": key[1], "text": message["text"]}

    def _files_getUploadURLExternal(self, ws: Workspace, params: dict[str, Any]) -> dict[str, Any]:
        if not params.get("filename") or not str(params.get("length", "")).isdigit():
            return {"ok": False, "error": "invalid_arguments"}
        file_id = f"F{next(self._ids):06d}"
        with self._lock:
            self.uploads[file_id] = {
                "filename": params["filename"],
                "length": int(params["length"]),
                "data": None,
                "team": ws.team_id,
            }
        return {"ok": True, "upload_url": f"{self.base}/upload/{file_id}", "file_id": file_id}

    def _files_completeUploadExternal(self, ws: Workspace, params: dict[str, Any]) -> dict[str, Any]:
        files = json.loads(params.get("files") or "[]")  # a JSON string inside the form
        shared = []
        with self._lock:
            for entry in files:
                upload = self.uploads.get(entry.get("id"))
                if upload is None or upload["data"] is None or upload["team"] != ws.team_id:
                    return {"ok": False, "error": "file_not_found"}
                upload.update(
                    title=entry.get("title"),
                    channel=params.get("channel_id"),
                    thread_ts=params.get("thread_ts"),
                    comment=params.get("initial_comment"),
                )
                shared.append({"id": entry["id"], "title": entry.get("title"), "name": upload["filename"]})
        return {"ok": True, "files": shared}

    def _files_info(self, ws: Workspace, params: dict[str, Any]) -> dict[str, Any]:
        upload = self.uploads.get(params.get("file", ""))
        if upload is None:
            return {"ok": False, "error": "file_not_found"}
        return {"ok": True, "file": {"id": params["file"], "name": upload["filename"], "title": upload.get("title")}}

    # -- AI apps: assistant threads -----------------------------------------------------------

    @staticmethod
    def _json_arg(value: Any) -> Any:
        """An array or object argument: JSON in a JSON body, a JSON string in a form body."""
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                return None
        return value

    def _assistant_threads_setStatus(self, ws: Workspace, params: dict[str, Any]) -> dict[str, Any]:
        if not params.get("channel_id") or not params.get("thread_ts") or "status" not in params:
            return {"ok": False, "error": "invalid_arguments"}
        loading = self._json_arg(params.get("loading_messages")) or []
        if not isinstance(loading, list) or len(loading) > 10:
            return {"ok": False, "error": "invalid_arguments"}
        with self._lock:
            self.statuses.append(
                {"channel": params["channel_id"], "thread_ts": params["thread_ts"], "status": params["status"]}
            )
        return {"ok": True}

    def _assistant_threads_setSuggestedPrompts(self, ws: Workspace, params: dict[str, Any]) -> dict[str, Any]:
        prompts = self._json_arg(params.get("prompts"))
        if not params.get("channel_id") or not isinstance(prompts, list) or not 1 <= len(prompts) <= 4:
            return {"ok": False, "error": "invalid_arguments"}
        if not all(isinstance(p, dict) and p.get("title") and p.get("message") for p in prompts):
            return {"ok": False, "error": "invalid_arguments"}
        with self._lock:
            self.prompts[(params["channel_id"], params.get("thread_ts"))] = {
                "title": params.get("title"),
                "prompts": prompts,
            }
        return {"ok": True}

    def _assistant_threads_setTitle(self, ws: Workspace, params: dict[str, Any]) -> dict[str, Any]:
        if not params.get("channel_id") or not params.get("thread_ts") or not params.get("title"):
            return {"ok": False, "error": "invalid_arguments"}
        with self._lock:
            self.titles[(params["channel_id"], params["thread_ts"])] = params["title"]
        return {"ok": True}

    # -- AI apps: streamed messages --------------------------------------------------------

    def _chunks(self, params: dict[str, Any]) -> tuple[list[dict[str, Any]] | None, str | None]:
        """The request's chunks (``markdown_text`` alone counts as one), or an error."""
        chunks = self._json_arg(params.get("chunks"))
        text = params.get("markdown_text")
        if chunks is not None and text is not None:
            return None, "cannot_provide_both_markdown_text_and_chunks"
        if text is not None:
            if len(text) > 12_000:
                return None, "msg_too_long"
            return [{"type": "markdown_text", "text": text}], None
        if chunks is None:
            return [], None
        if not isinstance(chunks, list):
            return None, "invalid_chunks"
        for chunk in chunks:
            kind = chunk.get("type") if isinstance(chunk, dict) else None
            if kind == "markdown_text":
                if not isinstance(chunk.get("text"), str):
                    return None, "invalid_chunks"
                if len(chunk["text"]) > 12_000:
                    return None, "msg_too_long"
            elif kind == "task_update":
                if not chunk.get("id") or not chunk.get("title"):
                    return None, "invalid_chunks"
                if chunk.get("status") not in ("pending", "in_progress", "complete", "error"):
                    return None, "invalid_chunks"
                if any(len(str(chunk.get(f) or "")) > 256 for f in ("title", "details", "output")):
                    return None, "msg_too_long"
            elif kind == "plan_update":
                if not chunk.get("title"):
                    return None, "invalid_chunks"
                if len(chunk["title"]) > 256:
                    return None, "msg_too_long"
            else:
                return None, "invalid_chunks"
        return chunks, None

    @staticmethod
    def _apply(message: dict[str, Any], chunks: list[dict[str, Any]]) -> None:
        """What a client would show: markdown appended, tasks by id (title and status replace)."""
        for chunk in chunks:
            if chunk["type"] == "markdown_text":
                message["markdown"] += chunk["text"]
            elif chunk["type"] == "plan_update":
                message["plan_title"] = chunk["title"]
            else:
                task = message["tasks"].setdefault(chunk["id"], {"id": chunk["id"]})
                task.update({k: v for k, v in chunk.items() if k in ("title", "status", "details", "output")})
                task.setdefault("history", []).append(chunk["status"])
        message["chunks"].extend(chunks)
        message["text"] = message["markdown"]

    def _streaming_message(self, ws: Workspace, params: dict[str, Any]) -> tuple[dict[str, Any] | None, str | None]:
        if not params.get("channel") or not params.get("ts"):
            return None, "invalid_arguments"
        message = self.messages.get((params["channel"], params["ts"]))
        if message is None or message["team"] != ws.team_id:
            return None, "message_not_found"
        if "streaming_state" not in message:
            return None, "message_not_in_streaming_state"
        if message["streaming_state"] == "in_progress" and time.time() - float(message["ts"]) > self.stream_lifetime_s:
            message["streaming_state"] = "completed"  # expired: Slack finalised it
        if message["streaming_state"] != "in_progress":
            return None, "message_not_in_streaming_state"
        return message, None

    def _chat_startStream(self, ws: Workspace, params: dict[str, Any]) -> dict[str, Any]:
        channel = params.get("channel")
        if not channel:
            return {"ok": False, "error": "channel_not_found"}
        if channel in self.not_in_channel:
            return {"ok": False, "error": "not_in_channel"}
        if not params.get("thread_ts"):
            return {"ok": False, "error": "invalid_arguments"}
        if not channel.startswith("D"):  # outside a DM the recipient must be named
            if not params.get("recipient_team_id"):
                return {"ok": False, "error": "missing_recipient_team_id"}
            if not params.get("recipient_user_id"):
                return {"ok": False, "error": "missing_recipient_user_id"}
        if params.get("task_display_mode") not in (None, "timeline", "plan", "dense"):
            return {"ok": False, "error": "invalid_arguments"}
        chunks, error = self._chunks(params)
        if error:
            return {"ok": False, "error": error}
        message = {
            "ts": self._next_ts(),
            "team": ws.team_id,
            "text": "",
            "markdown": "",
            "blocks": [],
            "chunks": [],
            "tasks": {},
            "plan_title": None,
            "thread_ts": params["thread_ts"],
            "bot_id": ws.bot_id,
            "edits": 0,
            "streaming_state": "in_progress",
            "stream_mode": "markdown" if "markdown_text" in params else "chunks",
            "task_display_mode": params.get("task_display_mode") or "timeline",
            "recipient": (params.get("recipient_team_id"), params.get("recipient_user_id")),
        }
        self._apply(message, chunks or [])
        with self._lock:
            self.messages[(channel, message["ts"])] = message
        return {"ok": True, "channel": channel, "ts": message["ts"]}

    def _chat_appendStream(self, ws: Workspace, params: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            message, error = self._streaming_message(ws, params)
            if error is None and message is not None:
                mode = "markdown" if "markdown_text" in params else "chunks"
                if mode != message["stream_mode"]:
                    error = "streaming_mode_mismatch"
            if error is None:
                chunks, error = self._chunks(params)
                if error is None and not chunks:
                    error = "markdown_text_or_chunks_required"
            if error is not None or message is None:
                return {"ok": False, "error": error}
            self._apply(message, chunks or [])
            message["edits"] += 1
            return {"ok": True, "channel": params["channel"], "ts": params["ts"]}

    def _chat_stopStream(self, ws: Workspace, params: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            message, error = self._streaming_message(ws, params)
            if error is None:
                chunks, error = self._chunks(params)
            blocks = self._json_arg(params.get("blocks")) if params.get("blocks") is not None else []
            if error is None and not isinstance(blocks, list):
                error = "invalid_blocks"
            if error is None and len(blocks) > 50:
                error = "msg_blocks_too_many"
            if error is not None or message is None:
                return {"ok": False, "error": error}
            self._apply(message, chunks or [])
            message["blocks"] = blocks
            message["streaming_state"] = "completed"
            message["edits"] += 1
            shown = {k: message[k] for k in ("ts", "text", "blocks", "thread_ts", "bot_id", "streaming_state")}
        return {"ok": True, "channel": params["channel"], "ts": params["ts"], "message": shown}

    # -- App Home and modals -----------------------------------------------------------------

    def _view(self, ws: Workspace, view: Any, kind: str) -> tuple[dict[str, Any] | None, str | None]:
        view = self._json_arg(view)
        if not isinstance(view, dict) or view.get("type") != kind or not isinstance(view.get("blocks"), list):
            return None, "invalid_arguments"
        if len(view["blocks"]) > 100:
            return None, "invalid_arguments"
        if kind == "modal" and not (view.get("title") or {}).get("text"):
            return None, "invalid_arguments"
        if len(json.dumps(view)) > 250_000:
            return None, "view_too_large"
        shown = {
            "id": f"V{next(self._ids):08d}",
            "team_id": ws.team_id,
            "type": kind,
            "blocks": view["blocks"],
            "private_metadata": view.get("private_metadata", ""),
            "callback_id": view.get("callback_id", ""),
            "state": {"values": {}},
            "hash": f"{time.time():.7f}",
            "title": view.get("title"),
            "submit": view.get("submit"),
            "close": view.get("close"),
            "app_id": "A0BOTKIT",
            "bot_id": ws.bot_id,
        }
        return shown, None

    def _views_publish(self, ws: Workspace, params: dict[str, Any]) -> dict[str, Any]:
        if not params.get("user_id"):
            return {"ok": False, "error": "invalid_arguments"}
        view, error = self._view(ws, params.get("view"), "home")
        if error or view is None:
            return {"ok": False, "error": error}
        with self._lock:
            self.views[(ws.team_id, params["user_id"])] = view
        return {"ok": True, "view": view}

    def _views_open(self, ws: Workspace, params: dict[str, Any]) -> dict[str, Any]:
        trigger_id = params.get("trigger_id") or ""
        with self._lock:
            issued = self.triggers.pop(trigger_id, None)
        if issued is None:
            known = trigger_id.count(".") == 2
            return {"ok": False, "error": "exchanged_trigger_id" if known else "invalid_trigger_id"}
        if time.monotonic() - issued > self.trigger_ttl_s:
            return {"ok": False, "error": "expired_trigger_id"}
        view, error = self._view(ws, params.get("view"), "modal")
        if error or view is None:
            return {"ok": False, "error": error}
        with self._lock:
            self.modals.append(view)
        return {"ok": True, "view": view}

    def _oauth(self, params: dict[str, Any], basic: tuple[str, str] | None) -> dict[str, Any]:
        client_id, secret = basic or (params.get("client_id"), params.get("client_secret"))
        if (client_id, secret) != (self.client_id, self.client_secret):
            return {"ok": False, "error": "invalid_client_id"}
        team_id = self.oauth_codes.pop(params.get("code", ""), None)
        if team_id is None:
            return {"ok": False, "error": "invalid_code"}
        ws = next(w for w in self.workspaces.values() if w.team_id == team_id)
        return {
            "ok": True,
            "app_id": "A0BOTKIT",
            "authed_user": {"id": "UINSTALLER"},
            "scope": "chat:write,commands,files:read,files:write,app_mentions:read",
            "token_type": "bot",
            "access_token": ws.bot_token,
            "bot_user_id": ws.bot_user_id,
            "team": {"id": ws.team_id, "name": ws.name},
            "enterprise": None,
            "is_enterprise_install": False,
        }

    # -- HTTP -------------------------------------------------------------------------------

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _send(self, status: int, body: bytes, content_type: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _bearer(self) -> str | None:
                header = self.headers.get("Authorization", "")
                return header[7:] if header.startswith("Bearer ") else None

            def do_GET(self) -> None:
                path = urllib.parse.urlsplit(self.path).path
                if path in fake.files:
                    token = self._bearer()
                    fake.downloads.append((path, token))
                    if token in fake.workspaces:
                        content_type, data = fake.files[path]
                        self._send(200, data, content_type)
                    else:  # what Slack does: a login page, status 200
                        self._send(200, LOGIN_PAGE, "text/html; charset=utf-8")
                    return
                self._send(404, b"not found", "text/plain")

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                path = urllib.parse.urlsplit(self.path).path
                if path.startswith("/respond/"):
                    fake.responses.append(json.loads(raw or b"{}"))
                    self._send(200, b"ok", "text/plain")
                    return
                if path.startswith("/upload/"):
                    file_id = path.removeprefix("/upload/")
                    with fake._lock:
                        upload = fake.uploads.get(file_id)
                        if upload is None or upload["length"] != len(raw):
                            self._send(400, b"bad upload", "text/plain")
                            return
                        upload["data"] = raw
                    self._send(200, b"OK - " + str(len(raw)).encode(), "text/plain")
                    return
                if not path.startswith("/api/"):
                    self._send(404, b"not found", "text/plain")
                    return
                content_type = self.headers.get("Content-Type", "")
                if content_type.startswith("application/json"):
                    params = json.loads(raw or b"{}")
                else:
                    params = {k: v[-1] for k, v in urllib.parse.parse_qs(raw.decode(), keep_blank_values=True).items()}
                query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
                params.update({k: v[-1] for k, v in query.items()})
                token = self._bearer() or params.pop("token", None)
                basic = None
                header = self.headers.get("Authorization", "")
                if header.startswith("Basic "):
                    user, _, password = base64.b64decode(header[6:]).decode().partition(":")
                    basic = (user, password)
                method = path.removeprefix("/api/")
                if fake.rate_limited.get(method):
                    fake.rate_limited[method] -= 1
                    with fake._lock:
                        fake.calls.append(Call(method + ":429", params, token, None))
                    self.send_response(429)
                    self.send_header("Retry-After", "1")
                    body = json.dumps({"ok": False, "error": "ratelimited"}).encode()
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                    return
                if method in fake.errors:
                    with fake._lock:
                        fake.calls.append(Call(method + ":error", params, token, None))
                    answer = {"ok": False, "error": fake.errors[method]}
                else:
                    answer = fake.api(method, params, token, basic)
                self._send(200, json.dumps(answer).encode(), "application/json; charset=utf-8")

        return Handler


class SocketModeServer:
    """A Socket Mode endpoint: says hello, pushes envelopes, collects acks by envelope id."""

    def __init__(self) -> None:
        self.connections: list[ServerConnection] = []
        self.acks: dict[str, dict[str, Any]] = {}
        self._ids = itertools.count(1)
        self._server = serve(self._serve, "127.0.0.1", 0)
        self.port = self._server.socket.getsockname()[1]
        threading.Thread(target=self._server.serve_forever, name="fake-socket-mode", daemon=True).start()

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/link/?ticket=test"

    def _serve(self, connection: ServerConnection) -> None:
        self.connections.append(connection)
        connection.send(json.dumps({"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A0BOTKIT"}}))
        try:
            for raw in connection:
                message = json.loads(raw)
                if "envelope_id" in message:
                    self.acks[message["envelope_id"]] = message
        except Exception:
            pass
        finally:
            self.connections.remove(connection)

    def push(self, kind: str, payload: dict[str, Any], *, retry_attempt: int = 0) -> str:
        envelope_id = f"env-{next(self._ids)}"
        envelope = {
            "envelope_id": envelope_id,
            "type": kind,
            "payload": payload,
            "accepts_response_payload": kind != "events_api",
            "retry_attempt": retry_attempt,
            "retry_reason": "timeout" if retry_attempt else "",
        }
        self.connections[-1].send(json.dumps(envelope))
        return envelope_id

    def close(self) -> None:
        for connection in list(self.connections):
            connection.close()
        self._server.shutdown()
