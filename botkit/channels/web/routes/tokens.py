"""``POST /api/tokens/guest``: a rate-limited guest token for a site's visitors."""

import time

from fastapi import APIRouter, Request

from ..auth import check_origin, client_address
from ..schemas import GuestTokenIn, TokenOut
from ..services import Services
from ..tokens import AuthError, mint_user_token, new_guest_id
from .common import ERRORS, PREFIX

router = APIRouter(prefix=PREFIX, responses=ERRORS)


@router.post("/tokens/guest", response_model=TokenOut, summary="A rate-limited guest token for a site")
def guest_token(body: GuestTokenIn, request: Request, services: Services) -> TokenOut:
    site = services.sites.get(body.site_key)
    if site is None:
        raise AuthError(f"unknown site key {body.site_key!r}")
    check_origin(request, site)
    services.guest_tokens.hit(f"{site.site_key}:{client_address(request, services.options.trusted_proxies)}")
    user_id = new_guest_id()
    ttl_s = services.options.guest_ttl_s
    token = mint_user_token(site.secret, site.site_key, user_id, ttl_s, kind="guest")
    return TokenOut(token=token, user_id=user_id, expires_at=int(time.time()) + ttl_s)
