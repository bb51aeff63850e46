"""Images shared in a Slack thread, downloaded with the bot token into a local folder."""

from __future__ import annotations

import logging
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from botkit.errors import InputError

logger = logging.getLogger(__name__)

IMAGE_TYPES = ("image/png", "image/jpeg", "image/webp")
VIDEO_TYPES = ("video/mp4", "video/quicktime", "video/webm", "image/gif")  # probed again by the turn


class SlackFileError(InputError):
    """A shared file could not be used; the message names the file and says why."""


def is_image(file: dict[str, Any]) -> bool:
    return str(file.get("mimetype", "")).lower() in IMAGE_TYPES


def is_media(file: dict[str, Any]) -> bool:
    """A photo or a video clip the bot can use."""
    return is_image(file) or str(file.get("mimetype", "")).lower() in VIDEO_TYPES


LIBRARY_TYPES = ("image/", "video/", "audio/", "font/", "application/octet-stream", "application/font",
                 "application/x-font", "application/vnd.ms-opentype")  # fmt: skip
"""What Slack may answer a library file's download with (fonts and music come as these); never
its HTML login page. The library's probes then check the bytes."""


def download(
    file: dict[str, Any],
    token: str,
    dest: Path,
    *,
    max_bytes: int,
    timeout_s: float = 30.0,
    accept: tuple[str, ...] = ("image/", "video/"),
) -> Path:
    """Fetch ``url_private_download`` with ``Authorization: Bearer``; refuse non-image answers.

    Without a valid token Slack answers its HTML login page with status 200, so the content type is
    checked instead of trusting the status."""
    name = str(file.get("name") or file.get("id") or "image")
    url = file.get("url_private_download") or file.get("url_private")
    if not url:
        raise SlackFileError(f"file {name!r} has no download URL (is it a Slack Connect or external file?)")
    if int(file.get("size") or 0) > max_bytes:
        raise SlackFileError(f"file {name!r} is larger than {max_bytes // (1024 * 1024)} MiB")
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:
            content_type = response.headers.get_content_type()
            body = response.read(max_bytes + 1)
    except urllib.error.URLError as exc:
        raise SlackFileError(f"file {name!r} could not be downloaded: {exc}") from exc
    if not content_type.startswith(accept):
        raise SlackFileError(
            f"Slack sent {content_type} instead of the file {name!r}: the app needs the files:read scope"
        )
    if len(body) > max_bytes:
        raise SlackFileError(f"file {name!r} is larger than {max_bytes // (1024 * 1024)} MiB")
    dest.mkdir(parents=True, exist_ok=True)
    path = dest / f"{len(list(dest.iterdir())) + 1:02d}-{Path(name).name or 'image'}"
    path.write_bytes(body)
    logger.info("downloaded slack file", extra={"file_id": file.get("id"), "bytes": len(body)})
    return path


def download_images(files: list[dict[str, Any]], token: str, dest: Path, *, max_bytes: int) -> list[Path]:
    """All image and video files of a message, in order; other kinds of file are refused with their name."""
    paths = []
    for file in files:
        if not is_media(file):
            raise SlackFileError(
                f"file {file.get('name')!r} is {file.get('mimetype') or 'not an image'}; "
                "I can use PNG, JPEG or WebP images and MP4, MOV, WebM or animated GIF clips"
            )
        paths.append(download(file, token, dest, max_bytes=max_bytes))
    return paths


def download_library_files(files: list[dict[str, Any]], token: str, dest: Path, *, max_bytes: int) -> list[Path]:
    """Every file of a message, for the media library (checked by its probes after download)."""
    return [download(file, token, dest, max_bytes=max_bytes, accept=LIBRARY_TYPES) for file in files]
