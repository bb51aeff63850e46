"""An OpenAI-compatible chat-completions server on 127.0.0.1 that answers from a script.

Each POST to ``/v1/chat/completions`` takes the next reply from the script: a tool call, plain
content, an HTTP error status (429 ...), or a delay (to make the client time out). Requests are
recorded so tests can look at what the real clients sent.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    status: int = 200
    tool: str | None = None
    arguments: str | None = None  # raw JSON text: may be broken on purpose
    content: str | None = None
    delay_s: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)


def tool_call(name: str, arguments: dict[str, Any] | str) -> Reply:
    return Reply(tool=name, arguments=arguments if isinstance(arguments, str) else json.dumps(arguments))


def content(text: str) -> Reply:
    return Reply(content=text)


def status(code: int, **headers: str) -> Reply:
    return Reply(status=code, headers=headers)


def delay(seconds: float, then: Reply) -> Reply:
    then.delay_s = seconds
    return then


def _completion(reply: Reply, model: str, number: int) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": reply.content}
    finish = "stop"
    if reply.tool is not None:
        message["tool_calls"] = [
            {"id": f"call_{number}", "type": "function", "function": {"name": reply.tool, "arguments": reply.arguments}}
        ]
        finish = "tool_calls"
    return {
        "id": f"chatcmpl-{number}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "message": message, "finish_reason": finish, "logprobs": None}],
        "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
    }


class FakeOpenAI:
    """``with FakeOpenAI([...]) as server: ChatOpenAI(base_url=server.url, ...)``."""

    def __init__(self, script: list[Reply]) -> None:
        self.script = list(script)
        self.requests: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                with outer._lock:
                    outer.requests.append(
                        {"path": self.path, "body": body, "headers": {k.lower(): v for k, v in self.headers.items()}}
                    )
                    number = len(outer.requests)
                    reply = outer.script.pop(0) if outer.script else Reply(status=500)
                if reply.delay_s:
                    time.sleep(reply.delay_s)
                if reply.status != 200:
                    payload = {"error": {"message": f"scripted {reply.status}", "type": "scripted", "code": None}}
                else:
                    payload = _completion(reply, body.get("model", "fake"), number)
                data = json.dumps(payload).encode()
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    for key, value in reply.headers.items():
                        self.send_header(key.replace("_", "-"), value)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def __enter__(self) -> FakeOpenAI:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
