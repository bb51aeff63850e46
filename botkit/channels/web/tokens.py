"""Signed tokens: user tokens minted by a customer's backend, guest tokens, signed asset URLs.

A token is ``base64url(json payload) "." base64url(HMAC-SHA256(site secret, payload part))`` (the
idea of Chatwoot's identity verification, without a JWT library). The payload names the site, the
user, the kind (``user`` or ``guest``) and an expiry in Unix seconds.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass

from botkit.errors import InputError


class AuthError(InputError):
    """A missing, malformed, expired or forged credential (HTTP 401)."""

    http_status = 401


class ForbiddenError(InputError):
    """Valid credentials that may not touch this resource (HTTP 403 or 404)."""

    http_status = 403


MAX_TTL_S = 7 * 24 * 3600
MAX_USER_ID_CHARS = 128


@dataclass(frozen=True)
class Claims:
    site_key: str
    user_id: str
    kind: str  # user | guest
    expires_at: int

    @property
    def owner(self) -> str:
        """The conversation owner string this principal reads and writes."""
        return f"site:{self.site_key}:{self.kind}:{self.user_id}"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _sign(secret: str, message: str) -> str:
    return _b64(hmac.new(secret.encode(), message.encode(), hashlib.sha256).digest())


def mint_user_token(site_secret: str, site_key: str, user_id: str, ttl_s: int = 3600, *, kind: str = "user") -> str:
    """A token for ``user_id`` on ``site_key``, valid ``ttl_s`` seconds. Call it in the customer's
    backend (it holds the site secret) and hand the token to the widget (``data-user-token``)."""
    if not user_id or len(user_id) > MAX_USER_ID_CHARS:
        raise InputError(f"user_id must be 1-{MAX_USER_ID_CHARS} characters, got {len(user_id)}")
    if not 1 <= ttl_s <= MAX_TTL_S:
        raise InputError(f"ttl_s must be between 1 and {MAX_TTL_S} seconds, got {ttl_s}")
    if kind not in ("user", "guest"):
        raise InputError(f"kind must be 'user' or 'guest', got {kind!r}")
    payload = {"site": site_key, "sub": user_id, "kind": kind, "exp": int(time.time()) + ttl_s}
    body = _b64(json.dumps(payload, separators=(",", ":"), sort_keys=True).encode())
    return f"{body}.{_sign(site_secret, body)}"


def peek_site_key(token: str) -> str:
    """The site a token claims to belong to, unverified (to find the secret to verify it with)."""
    try:
        body, _signature = token.split(".", 1)
        payload = json.loads(_unb64(body))
        site_key = payload["site"]
    except (ValueError, KeyError, TypeError):
        raise AuthError("the token is malformed; send the token your site's backend minted") from None
    if not isinstance(site_key, str):
        raise AuthError("the token is malformed; send the token your site's backend minted")
    return site_key


def verify_token(token: str, site_secret: str, *, now: float | None = None) -> Claims:
    """Check the signature and expiry; return who the token speaks for."""
    try:
        body, signature = token.split(".", 1)
    except ValueError:
        raise AuthError("the token is malformed; send the token your site's backend minted") from None
    if not hmac.compare_digest(signature, _sign(site_secret, body)):
        raise AuthError("the token's signature does not match this site's secret")
    try:
        payload = json.loads(_unb64(body))
        claims = Claims(
            site_key=str(payload["site"]),
            user_id=str(payload["sub"]),
            kind=str(payload["kind"]),
            expires_at=int(payload["exp"]),
        )
    except (ValueError, KeyError, TypeError):
        raise AuthError("the token is malformed; send the token your site's backend minted") from None
    if claims.kind not in ("user", "guest"):
        raise AuthError("the token's kind must be user or guest")
    if claims.expires_at < (time.time() if now is None else now):
        raise AuthError("the token has expired; mint a new one")
    return claims


def sign_asset(site_secret: str, site_key: str, asset_id: str, expires_at: int) -> str:
    """The signature of one asset URL (bound to the asset, the site and the expiry)."""
    return _sign(site_secret, f"asset:{site_key}:{asset_id}:{expires_at}")


def check_asset_signature(site_secret: str, site_key: str, asset_id: str, expires_at: int, signature: str) -> None:
    if not hmac.compare_digest(signature, sign_asset(site_secret, site_key, asset_id, expires_at)):
        raise ForbiddenError("the asset link's signature is not valid")
    if expires_at < time.time():
        raise ForbiddenError("the asset link has expired; reload the conversation for fresh links")


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def new_site_key() -> str:
    return "pk_" + secrets.token_urlsafe(12)


def new_guest_id() -> str:
    return "g_" + secrets.token_urlsafe(12)
