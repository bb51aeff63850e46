"""A local server speaking the OpenAI ``/v1/audio/speech`` protocol: JSON in (model, input, voice,
response_format, speed), audio bytes out. It records what it was sent and can misbehave."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class SpeechServer:
    def __init__(self, speak: Callable[[str, str], bytes], *, api_key: str | None = None) -> None:
        self.speak = speak
        self.api_key = api_key
        self.requests: list[dict] = []
        self.mode = "ok"  # "ok" | "error" | "bomb" | "not-wav"
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # keep pytest output clean
                pass

            def _reply(self, status: int, body: bytes, content_type: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self) -> None:
                if self.path != "/v1/audio/speech":
                    return self._reply(404, b'{"error": {"message": "not found"}}', "application/json")
                if server.api_key and self.headers.get("Authorization") != f"Bearer {server.api_key}":
                    return self._reply(401, b'{"error": {"message": "bad key"}}', "application/json")
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                server.requests.append(body)
                missing = {"model", "input", "voice"} - set(body)
                if missing:
                    return self._reply(400, json.dumps({"error": {"message": f"missing {missing}"}}).encode(),
                                       "application/json")  # fmt: skip
                if server.mode == "error":
                    return self._reply(500, b'{"error": {"message": "overloaded"}}', "application/json")
                if server.mode == "bomb":
                    header = bytearray(server.speak("x", body["voice"])[:44])
                    header[40:44] = (4_000_000_000).to_bytes(4, "little")
                    return self._reply(200, bytes(header) + b"\0" * 1000, "audio/wav")
                if server.mode == "not-wav":
                    return self._reply(200, b"ID3\x03\x00\x00" + b"\xff" * 500, "audio/mpeg")
                return self._reply(200, server.speak(body["input"], body["voice"]), "audio/wav")

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/v1"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> SpeechServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
