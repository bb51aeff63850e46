"""Who is asking: the bearer token (user or guest) of a known site, from an allowed origin."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import HTTPConnection

from .sites import SiteDirectory, SiteInfo
from .tokens import AuthError, Claims, ForbiddenError, peek_site_key, verify_token


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


def authenticate(connection: HTTPConnection, sites: SiteDirectory, *, allow_query: bool = False) -> Principal:
    token = bearer_token(connection, allow_query=allow_query)
    site = sites.get(peek_site_key(token))
    if site is None:
        raise AuthError("the token names a site that does not exist")
    claims = verify_token(token, site.secret)
    check_origin(connection, site)
    return Principal(claims, site)
