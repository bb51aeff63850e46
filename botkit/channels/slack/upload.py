"""Files into a Slack thread, streamed from disk: ``files_upload_v2``'s three steps
(``files.getUploadURLExternal`` per file, a POST of its bytes to the URL Slack gives,
``files.completeUploadExternal`` for all of them) without slack-sdk's habit of reading each file
whole into memory first. A video fetched from the bucket into the local copy goes from there to
Slack in 1 MiB reads.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from slack_sdk import WebClient
from slack_sdk.errors import SlackRequestError

BLOCK_BYTES = 1 << 20


class _Body:
    """A file as a request body that http.client sends in blocks (it reads a file object 8 KiB at a
    time; this reads 1 MiB) and that says its length, so no chunked encoding is used."""

    def __init__(self, handle: BinaryIO) -> None:
        self.handle = handle

    def __iter__(self) -> Iterator[bytes]:
        return iter(lambda: self.handle.read(BLOCK_BYTES), b"")


def upload_files(
    client: WebClient,
    files: list[dict[str, Any]],
    *,
    channel: str,
    thread_ts: str | None = None,
    initial_comment: str | None = None,
) -> None:
    """Share ``files`` (``{"file": path, "filename": ..., "title": ...}`` each) in one message.
    Slack's refusals raise ``SlackApiError``; a failed byte upload raises ``SlackRequestError``
    (as ``files_upload_v2`` does)."""
    shared = []
    for item in files:
        path = Path(item["file"])
        size = path.stat().st_size
        target = client.files_getUploadURLExternal(filename=item["filename"], length=size)
        _send(client, str(target["upload_url"]), path, size, item["filename"])
        shared.append({"id": target["file_id"], "title": item.get("title") or item["filename"]})
    client.files_completeUploadExternal(
        files=shared, channel_id=channel, thread_ts=thread_ts, initial_comment=initial_comment
    )


def _send(client: WebClient, url: str, path: Path, size: int, filename: str) -> None:
    handlers: list[urllib.request.BaseHandler] = [urllib.request.HTTPSHandler(context=client.ssl)]
    if client.proxy:
        handlers.append(urllib.request.ProxyHandler({"http": client.proxy, "https": client.proxy}))
    opener = urllib.request.build_opener(*handlers)
    with path.open("rb") as handle:
        request = urllib.request.Request(
            url,
            data=_Body(handle),  # an iterable body, sent as it is read
            method="POST",
            headers={"Content-Length": str(size), "Content-Type": "application/octet-stream"},
        )
        try:
            with opener.open(request, timeout=client.timeout) as response:
                status = response.status
                response.read()
        except urllib.error.HTTPError as exc:
            status = exc.code
        except OSError as exc:
            raise SlackRequestError(f"could not upload {filename!r} to Slack: {exc}") from None
    if status != 200:
        raise SlackRequestError(f"Slack refused the upload of {filename!r} (HTTP {status})")
