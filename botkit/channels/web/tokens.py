"""Signed tokens: user tokens minted by a customer's backend, guest tokens, signed asset URLs.

A user or guest token is a JWT (RFC 7519), HS256-signed with the site secret, with the claims
``iss`` (the site key), ``sub`` (the user id) and ``exp`` (Unix seconds), and optionally ``kind``
(``user``, the default, or ``guest``). Any language's JWT library mints one; see the README.

The earlier home-made format (``base64url(json) "." base64url(HMAC-SHA256)``, two parts) is still
accepted until ``legacy_until`` (``BOTKIT_LEGACY_TOKENS_UNTIL``, a date; default 2027-03-01), so
sites can move their backends over; after that date it is refused with a message saying what to mint.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime

import jwt

from botkit.errors import InputError


class AuthError(InputError):
    """A missing, malformed, expired or forged credential (HTTP 401)."""

    http_status = 401


class ForbiddenError(InputError):
    """Valid credentials that may not touch this resource (HTTP 403 or 404)."""

    http_status = 403


class WrongKind(AuthError):
    """A valid token of the wrong kind for this route (an admin's to chat, a user's to manage): HTTP 403."""

    http_status = 403


MAX_TTL_S = 7 * 24 * 3600
USER_KINDS = ("user", "guest")
ADMIN_KIND = "admin"
"""A site admin's token (``kind: admin``, minted by the site's backend with the site secret) manages
the site's media library and brand kit; it cannot chat, and a user's token cannot manage."""
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


ALGORITHM = "HS256"
REQUIRED_CLAIMS = ("iss", "sub", "exp")
LEGACY_TOKENS_UNTIL = date(2027, 3, 1)
"""The last day the two-part token format is accepted unless the deployment sets another."""
MALFORMED = "the token is malformed; send the token your site's backend minted"
HOW_TO_MINT = "a JWT signed with the site secret (HS256) with the claims iss=<site key>, sub=<user id>, exp"


def _check_mint_arguments(user_id: str, ttl_s: int, kind: str) -> None:
    if not user_id or len(user_id) > MAX_USER_ID_CHARS:
        raise InputError(f"user_id must be 1-{MAX_USER_ID_CHARS} characters, got {len(user_id)}")
    if not 1 <= ttl_s <= MAX_TTL_S:
        raise InputError(f"ttl_s must be between 1 and {MAX_TTL_S} seconds, got {ttl_s}")
    if kind not in (*USER_KINDS, ADMIN_KIND):
        raise InputError(f"kind must be 'user', 'guest' or 'admin', got {kind!r}")


def mint_user_token(site_secret: str, site_key: str, user_id: str, ttl_s: int = 3600, *, kind: str = "user") -> str:
    """A JWT for ``user_id`` on ``site_key``, valid ``ttl_s`` seconds. Call it in the customer's
    backend (it holds the site secret) and hand the token to the widget (``data-user-token``);
    a backend in another language mints the same token with its JWT library."""
    _check_mint_arguments(user_id, ttl_s, kind)
    now = int(time.time())
    claims = {"iss": site_key, "sub": user_id, "exp": now + ttl_s, "iat": now}
    if kind != "user":
        claims["kind"] = kind
    return jwt.encode(claims, site_secret, algorithm=ALGORITHM)


def mint_legacy_token(site_secret: str, site_key: str, user_id: str, ttl_s: int = 3600, *, kind: str = "user") -> str:
    """A token in the old two-part format (what sites minted before JWT), for tests of the migration path."""
    _check_mint_arguments(user_id, ttl_s, kind)
    payload = {"site": site_key, "sub": user_id, "kind": kind, "exp": int(time.time()) + ttl_s}
    body = _b64(json.dumps(payload, separators=(",", ":"), sort_keys=True).encode())
    return f"{body}.{_sign(site_secret, body)}"


def is_legacy(token: str) -> bool:
    return token.count(".") == 1


def peek_site_key(token: str) -> str:
    """The site a token claims to belong to (``iss``), unverified (to find the secret to verify it with)."""
    try:
        if is_legacy(token):
            site_key = json.loads(_unb64(token.split(".", 1)[0]))["site"]
        else:
            site_key = jwt.decode(token, options={"verify_signature": False})["iss"]
    except (ValueError, KeyError, TypeError, jwt.PyJWTError):
        raise AuthError(MALFORMED) from None
    if not isinstance(site_key, str):
        raise AuthError(MALFORMED)
    return site_key


def verify_token(
    token: str,
    site_secret: str,
    *,
    now: float | None = None,
    legacy_until: date | None = LEGACY_TOKENS_UNTIL,
    kinds: tuple[str, ...] = USER_KINDS,
) -> Claims:
    """Check the signature and expiry; return who the token speaks for. Old two-part tokens pass
    only up to and including ``legacy_until`` (None: never)."""
    now = time.time() if now is None else now
    if is_legacy(token):
        today = datetime.fromtimestamp(now, UTC).date()
        if legacy_until is None or today > legacy_until:
            since = f" since {legacy_until + (date.resolution)}" if legacy_until else ""
            raise AuthError(f"tokens in botkit's old two-part format are no longer accepted{since}; mint {HOW_TO_MINT}")
        claims = _verify_legacy(token, site_secret)
    else:
        claims = _verify_jwt(token, site_secret)
    if claims.kind not in kinds:
        if kinds == (ADMIN_KIND,):
            raise WrongKind("this needs a site admin's token (kind: admin, minted with the site secret)")
        if claims.kind == ADMIN_KIND:
            raise WrongKind("an admin token manages the site's library; chat with a user or guest token")
        raise AuthError("the token's kind must be user or guest")
    if not claims.user_id or len(claims.user_id) > MAX_USER_ID_CHARS:
        raise AuthError(f"the token's sub (the user id) must be 1-{MAX_USER_ID_CHARS} characters")
    if claims.expires_at < now:
        raise AuthError("the token has expired; mint a new one")
    return claims


def _verify_jwt(token: str, site_secret: str) -> Claims:
    try:
        # expiry is checked by the caller against its clock (``now``), the rest here
        payload = jwt.decode(
            token,
            site_secret,
            algorithms=[ALGORITHM],
            options={"require": list(REQUIRED_CLAIMS), "verify_exp": False, "verify_iat": False},
        )
    except jwt.InvalidSignatureError:
        raise AuthError("the token's signature does not match this site's secret") from None
    except jwt.InvalidAlgorithmError:
        raise AuthError(f"the token must be signed with {ALGORITHM} and the site secret") from None
    except jwt.MissingRequiredClaimError as exc:
        raise AuthError(f"the token has no {exc.claim!r} claim; mint {HOW_TO_MINT}") from None
    except jwt.PyJWTError:
        raise AuthError(MALFORMED) from None
    try:
        return Claims(
            site_key=str(payload["iss"]),
            user_id=str(payload["sub"]),
            kind=str(payload.get("kind", "user")),
            expires_at=int(payload["exp"]),
        )
    except (ValueError, TypeError):
        raise AuthError(MALFORMED) from None


def _verify_legacy(token: str, site_secret: str) -> Claims:
    body, signature = token.split(".", 1)
    if not hmac.compare_digest(signature, _sign(site_secret, body)):
        raise AuthError("the token's signature does not match this site's secret")
    try:
        payload = json.loads(_unb64(body))
        return Claims(
            site_key=str(payload["site"]),
            user_id=str(payload["sub"]),
            kind=str(payload["kind"]),
            expires_at=int(payload["exp"]),
        )
    except (ValueError, KeyError, TypeError):
        raise AuthError(MALFORMED) from None


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
