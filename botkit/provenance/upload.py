"""Platform upload metadata: a JSON file next to each MP4 holding, in each platform's own field
names, the AI-content flag and a description that carries the disclosure, for the publish step.

Field names, as the platforms document them (checked 2026-12):

- YouTube Data API v3, ``videos.insert``: ``status.containsSyntheticMedia`` (boolean, "altered or
  synthetic content", added 2024-10-30; developers.google.com/youtube/v3/revision_history);
  ``snippet.title`` (at most 100 characters) and ``snippet.description`` (at most 5000 bytes; both
  without ``<`` or ``>``; developers.google.com/youtube/v3/docs/videos).
- TikTok Content Posting API, ``POST /v2/post/publish/video/init/``: ``post_info.is_aigc``
  (boolean: the video is AI-generated content) and ``post_info.title`` (the caption, at most 2200
  UTF-16 code units; developers.tiktok.com/doc/content-posting-api-reference-direct-post).
- Meta: the Graph API has no AI-content flag to send. Facebook and Instagram label uploads ("AI
  info") from the C2PA manifest and the IPTC digital source type inside the file (iptc.org, Meta's
  announcement of 2024-02), which botkit's signing writes. The text fields are ``description`` on
  ``POST /{page-id}/video_reels`` (developers.facebook.com/docs/graph-api/reference/page/video_reels)
  and ``caption`` with ``media_type=REELS`` on ``POST /{ig-user-id}/media`` (at most 2200
  characters; Instagram Graph API changelog 2022-06-28).
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from botkit import __version__
from botkit.errors import InputError
from botkit.provenance.disclosure import ai_generated_line, with_disclosure
from botkit.provenance.model import COMPOSITE, GENERATED

logger = logging.getLogger(__name__)

YOUTUBE_TITLE_CHARS = 100
YOUTUBE_DESCRIPTION_BYTES = 5000
TIKTOK_CAPTION_UNITS = 2200
INSTAGRAM_CAPTION_CHARS = 2200


class UploadMetadata(BaseModel):
    """What ``<video>.upload.json`` holds: our summary, then one section per platform whose keys
    are that platform's API fields."""

    botkit: dict[str, Any]
    youtube: dict[str, Any]
    tiktok: dict[str, Any]
    meta: dict[str, Any]
    notes: list[str] = Field(default_factory=list)


def _youtube_text(text: str) -> str:
    return text.replace("<", "‹").replace(">", "›")  # YouTube rejects angle brackets


def _fit_bytes(text: str, lang: str | None, limit: int) -> str:
    chars = limit
    fitted = with_disclosure(text, lang, max_chars=chars)
    while len(fitted.encode("utf-8")) > limit and chars > 1:
        chars -= max(1, (len(fitted.encode("utf-8")) - limit) // 2)
        fitted = with_disclosure(text, lang, max_chars=chars)
    return fitted


def _fit_utf16(text: str, lang: str | None, limit: int) -> str:
    chars = limit
    fitted = with_disclosure(text, lang, max_chars=chars)
    while len(fitted.encode("utf-16-le")) // 2 > limit and chars > 1:
        chars -= 1
        fitted = with_disclosure(text, lang, max_chars=chars)
    return fitted


def upload_metadata(
    video: Path,
    *,
    title: str,
    description: str = "",
    platform: str = "",
    ai_generated: bool = True,
    composite: bool = False,
    signed: bool = True,
    lang: str | None = "en",
) -> UploadMetadata:
    """The upload fields for ``video``. ``ai_generated`` sets every platform's AI flag;
    ``composite`` says the user's own footage or photos were mixed in."""
    text = description.strip() or title.strip()
    disclosed = with_disclosure(text, lang) if ai_generated else text
    yt_title = _youtube_text(title.strip())[:YOUTUBE_TITLE_CHARS] or Path(video).stem
    yt_description = _youtube_text(_fit_bytes(text, lang, YOUTUBE_DESCRIPTION_BYTES) if ai_generated else text)
    caption = _fit_utf16(text, lang, TIKTOK_CAPTION_UNITS) if ai_generated else text[:TIKTOK_CAPTION_UNITS]
    ig_caption = with_disclosure(text, lang, max_chars=INSTAGRAM_CAPTION_CHARS) if ai_generated else text
    notes = []
    if ai_generated and not signed:
        notes.append("this video is not signed: Meta's label reads the C2PA manifest, so it may show no AI info")
    return UploadMetadata(
        botkit={
            "version": __version__,
            "video": Path(video).name,
            "platform": platform,
            "ai_generated": ai_generated,
            "digital_source_type": (COMPOSITE if composite else GENERATED) if ai_generated else None,
            "content_credentials": "c2pa" if signed else None,
            "disclosure": ai_generated_line(lang) if ai_generated else None,
            "description": disclosed,
        },
        youtube={
            "snippet": {"title": yt_title, "description": yt_description},
            "status": {"containsSyntheticMedia": ai_generated},
        },
        tiktok={"post_info": {"title": caption, "is_aigc": ai_generated}},
        meta={
            "facebook_reels": {"description": disclosed},
            "instagram": {"media_type": "REELS", "caption": ig_caption},
        },
        notes=notes,
    )


def metadata_path(video: Path) -> Path:
    """``video-tiktok.mp4`` -> ``video-tiktok.upload.json`` beside it."""
    video = Path(video)
    return video.with_name(f"{video.stem}.upload.json")


def write_upload_metadata(video: Path, **fields: Any) -> Path:
    """Write ``upload_metadata(video, **fields)`` next to ``video`` (temp file + rename)."""
    video = Path(video)
    if not video.is_file():
        raise InputError(f"cannot write upload metadata: no video at {video}")
    data = upload_metadata(video, **fields).model_dump(mode="json")
    path = metadata_path(video)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(data, out, ensure_ascii=False, indent=2)
            out.write("\n")
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    logger.info("upload metadata written", extra={"file": path.name})
    return path
