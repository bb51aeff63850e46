"""Who is asking: the bearer token (user or guest) of a known site, from an allowed origin."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from starlette.requests import HTTPConnection

from .sites import SiteDirectory, SiteInfo
from .tokens import (
    LEGACY_TOKENS_UNTIL,
    USER_KINDS,
    AuthError,
    Claims,
    ForbiddenError,
    peek_site_key,
    verify_token,
)


@dataclass(frozen=True)
class Principal:
    claims: Claims
    site: SiteInfo

    @property
    def owner(self) -> str:
        return self.claims.owner


def own_origin(connection: HTTPConnection) -> str:
    return f"{connection.url.scheme}://{connection.url.netloc}"


def check_origin(connection: HTTPConnection, site: SiteInfo) -> None:
    """A browser request from a page must come from one of the site's origins (or from us)."""
    origin = connection.headers.get("origin")
    if origin is None or origin == own_origin(connection) or origin in site.origins:
        return
    raise ForbiddenError(f"origin {origin} is not allowed for this site; add it with `botkit sites add --origin ...`")


def bearer_token(connection: HTTPConnection, *, allow_query: bool = False) -> str:
    header = connection.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    # EventSource cannot send headers: the event stream (only) takes the token as a query parameter
    token = connection.query_params.get("access_token", "") if allow_query else ""
    if token:
        return token
    raise AuthError("authentication required: send 'Authorization: Bearer <token>' (a user or guest token)")


def authenticate(
    connection: HTTPConnection,
    sites: SiteDirectory,
    *,
    allow_query: bool = False,
    legacy_until: date | None = LEGACY_TOKENS_UNTIL,
    kinds: tuple[str, ...] = USER_KINDS,
) -> Principal:
    """Who is asking; ``kinds``: the token kinds this route takes (users and guests, or admins)."""
    token = bearer_token(connection, allow_query=allow_query)
    site = sites.get(peek_site_key(token))
    if site is None:
        raise AuthError("the token names a site that does not exist")
    claims = verify_token(token, site.secret, legacy_until=legacy_until, kinds=kinds)
    check_origin(connection, site)
    return Principal(claims, site)


def _networks(trusted: Iterable[str]) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [ipaddress.ip_network(entry, strict=False) for entry in trusted]


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def client_address(connection: HTTPConnection, trusted_proxies: Iterable[str]) -> str:
    """The client's address: the peer, unless the peer is one of the deployment's trusted proxies;
    then the right-most ``X-Forwarded-For`` hop that is not a trusted proxy (hops further left
    were written by the client and prove nothing)."""
    peer = connection.client.host if connection.client else "?"
    networks = _networks(trusted_proxies)

    def trusted(address: str) -> bool:
        ip = _ip(address)
        return ip is not None and any(ip in network for network in networks)

    if not networks or not trusted(peer):
        return peer
    hops = [hop.strip() for hop in ",".join(connection.headers.getlist("x-forwarded-for")).split(",") if hop.strip()]
    for hop in reversed(hops):
        if _ip(hop) is None:
            return peer  # a malformed chain: believe only the proxy itself
        if not trusted(hop):
            return hop
    return peer
