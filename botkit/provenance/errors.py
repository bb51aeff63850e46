"""Errors of the content-credentials package, under botkit's one root.

BotkitError
└── ProvenanceError       content credentials could not be made or read
    ├── CredentialsError  the signing certificate, key or hook is missing, expired or unusable
    │                     (raised by ``check()`` at start-up, before any job runs)
    └── SigningError      one output could not be signed (with ``signing = "required"`` the job
                          fails instead of delivering an unsigned file)
"""

from __future__ import annotations

from botkit.errors import BotkitError


class ProvenanceError(BotkitError):
    """Content credentials could not be made or read."""


class CredentialsError(ProvenanceError):
    """The configured signer cannot sign: the message says what is wrong and how to fix it."""


class SigningError(ProvenanceError):
    """A file could not be signed."""
