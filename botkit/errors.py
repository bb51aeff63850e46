"""botkit's exception tree: one root, translated from library errors at the boundaries.

BotkitError
├── InputError          bad user input: says what was wrong and what is allowed
│   └── PlanLimitError  a request outside the plan limits (duration, shots, length)
├── EngineError         a video engine could not load or render
│   └── Cancelled       a render was cancelled by its caller
├── PostError           ffmpeg / post-processing failed
└── StoreError          the database or asset store failed
    └── AssetStoreError the object store (S3) refused or could not be reached: says why and what to set

Each class carries the HTTP status a web channel answers it with (``http_status``) and, where the
message is for the log rather than the caller, the text the caller gets instead (``public_message``).
Subclasses elsewhere (web tokens, job limits, stale revisions) set their own.
"""

from __future__ import annotations

from typing import ClassVar


class BotkitError(Exception):
    """Root of every error botkit raises on purpose."""

    http_status: ClassVar[int] = 500
    public_message: ClassVar[str | None] = None  # None: the message itself is fit for the caller


class InputError(BotkitError, ValueError):
    """The user's input is not acceptable; the message says what is allowed."""

    http_status = 400


class PlanLimitError(InputError):
    """A request asks for more than a plan may hold."""


class EngineError(BotkitError):
    """A video engine failed to load or to render."""


class Cancelled(EngineError):
    """A render was cancelled; nothing was decoded or written."""


class PostError(BotkitError):
    """Post-processing (ffmpeg) failed."""


class StoreError(BotkitError):
    """The database or asset store failed."""

    http_status = 503
    public_message = "the database is not available right now; try again shortly"


class AssetStoreError(StoreError):
    """The asset store (an S3-compatible bucket) refused a read or write or could not be reached:
    the message names the bucket, the object and what to check (credentials, permissions, clock)."""

    public_message = "the file store is not available right now; try again shortly"
