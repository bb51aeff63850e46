"""User and guest tokens, asset signatures, sites and the ``botkit sites`` commands."""

from __future__ import annotations

import json
import time
from datetime import UTC, date, datetime

import jwt
import pytest
from typer.testing import CliRunner

from botkit.channels.cli.web import sites_app
from botkit.channels.web import create_site, list_sites, mint_user_token
from botkit.channels.web.sites import normalise_origin
from botkit.channels.web.tokens import (
    AuthError,
    ForbiddenError,
    check_asset_signature,
    mint_legacy_token,
    peek_site_key,
    sign_asset,
    verify_token,
)
from botkit.errors import InputError

TODAY = datetime.now(UTC).date()


def test_tokens_round_trip_and_refuse_tampering() -> None:
    token = mint_user_token("s3cret", "pk_a", "user-7", 60)
    claims = verify_token(token, "s3cret")
    assert (claims.site_key, claims.user_id, claims.kind) == ("pk_a", "user-7", "user")
    assert claims.owner == "site:pk_a:user:user-7" and peek_site_key(token) == "pk_a"
    header, _body, signature = token.split(".")
    other_body = mint_user_token("s3cret", "pk_a", "admin", 60).split(".")[1]
    with pytest.raises(AuthError, match="signature"):
        verify_token(f"{header}.{other_body}.{signature}", "s3cret")  # someone else's claims, my signature
    with pytest.raises(AuthError, match="signature"):
        verify_token(token, "another-secret")
    with pytest.raises(AuthError, match="expired"):
        verify_token(token, "s3cret", now=time.time() + 61)
    with pytest.raises(AuthError, match="malformed"):
        peek_site_key("no-dot-here")
    guest = verify_token(mint_user_token("s3cret", "pk_a", "g_1", 60, kind="guest"), "s3cret")
    assert guest.owner == "site:pk_a:guest:g_1" != claims.owner


def test_user_tokens_are_standard_jwts_any_language_can_mint() -> None:
    token = mint_user_token("s3cret", "pk_a", "user-7", 60)
    claims = jwt.decode(token, "s3cret", algorithms=["HS256"], issuer="pk_a")
    assert claims["sub"] == "user-7" and claims["exp"] - time.time() <= 60 and "kind" not in claims
    # what a backend in another language sends: the three claims, nothing botkit-specific
    theirs = jwt.encode({"iss": "pk_a", "sub": "42", "exp": int(time.time()) + 60}, "s3cret", algorithm="HS256")
    assert verify_token(theirs, "s3cret").owner == "site:pk_a:user:42" and peek_site_key(theirs) == "pk_a"
    for missing in ("iss", "sub", "exp"):
        partial = {
            key: value for key, value in jwt.decode(theirs, "s3cret", algorithms=["HS256"]).items() if key != missing
        }
        with pytest.raises(AuthError, match=f"no '{missing}' claim"):
            verify_token(jwt.encode(partial, "s3cret", algorithm="HS256"), "s3cret")
    unsigned = jwt.encode({"iss": "pk_a", "sub": "42", "exp": int(time.time()) + 60}, None, algorithm="none")
    with pytest.raises(AuthError, match="HS256"):
        verify_token(unsigned, "s3cret")
    other_alg = jwt.encode({"iss": "pk_a", "sub": "42", "exp": int(time.time()) + 60}, "s3cret" * 8, algorithm="HS512")
    with pytest.raises(AuthError, match="HS256"):
        verify_token(other_alg, "s3cret" * 8)
    for wrong in ({"kind": "admin"}, {"sub": ""}):
        bad = jwt.encode(
            {"iss": "pk_a", "sub": "42", "exp": int(time.time()) + 60, **wrong}, "s3cret", algorithm="HS256"
        )
        with pytest.raises(AuthError):
            verify_token(bad, "s3cret")


def test_old_two_part_tokens_pass_until_the_cutoff_date_then_say_what_to_mint() -> None:
    old = mint_legacy_token("s3cret", "pk_a", "user-7", 600)
    assert old.count(".") == 1 and peek_site_key(old) == "pk_a"
    assert verify_token(old, "s3cret", legacy_until=TODAY).owner == "site:pk_a:user:user-7"
    with pytest.raises(AuthError, match="signature"):
        verify_token(old, "another-secret", legacy_until=TODAY)
    with pytest.raises(AuthError, match=r"no longer accepted since .*HS256.*iss=<site key>, sub=<user id>, exp"):
        verify_token(old, "s3cret", legacy_until=date(2000, 1, 1))
    with pytest.raises(AuthError, match="no longer accepted"):
        verify_token(old, "s3cret", legacy_until=None)
    with pytest.raises(AuthError, match="no longer accepted"):
        verify_token(old, "s3cret", legacy_until=date.fromordinal(TODAY.toordinal() - 1))


@pytest.mark.parametrize(
    ("user_id", "ttl_s", "kind"),
    [("", 60, "user"), ("x" * 129, 60, "user"), ("u", 0, "user"), ("u", 10**8, "user"), ("u", 60, "root")],
)
def test_mint_refuses_bad_arguments(user_id: str, ttl_s: int, kind: str) -> None:
    with pytest.raises(InputError):
        mint_user_token("s", "pk", user_id, ttl_s, kind=kind)


def test_asset_signatures_bind_asset_site_and_expiry() -> None:
    expires = int(time.time()) + 60
    signature = sign_asset("s", "pk_a", "asset1", expires)
    check_asset_signature("s", "pk_a", "asset1", expires, signature)
    for args in (
        ("s", "pk_a", "asset2", expires),
        ("s", "pk_b", "asset1", expires),
        ("s", "pk_a", "asset1", expires + 1),
    ):
        with pytest.raises(ForbiddenError):
            check_asset_signature(*args, signature)
    past = int(time.time()) - 1
    with pytest.raises(ForbiddenError, match="expired"):
        check_asset_signature("s", "pk_a", "asset1", past, sign_asset("s", "pk_a", "asset1", past))


def test_origins_are_normalised_or_refused() -> None:
    assert normalise_origin("https://Shop.Example.com/") == "https://shop.example.com"
    assert normalise_origin("http://127.0.0.1:8080") == "http://127.0.0.1:8080"
    for bad in ("shop.example.com", "ftp://x", "https://x/path", "https://x?q=1", "*"):
        with pytest.raises(InputError, match="origin"):
            normalise_origin(bad)


def test_sites_commands(tmp_path, bot) -> None:  # type: ignore[no-untyped-def]
    data_dir = str(bot.settings.data_dir)
    runner = CliRunner()
    added = runner.invoke(
        sites_app, ["add", "Shoe shop", "--origin", "https://shop.example", "--json", "--data-dir", data_dir]
    )
    assert added.exit_code == 0, added.output
    site = json.loads(added.output)
    assert (
        site["site_key"].startswith("pk_") and len(site["secret"]) >= 40 and site["origins"] == ["https://shop.example"]
    )
    plain = runner.invoke(sites_app, ["add", "Blog", "--data-dir", data_dir])
    assert plain.exit_code == 0 and "site key: pk_" in plain.output and "data-site-key" in plain.output
    bad = runner.invoke(sites_app, ["add", "Bad", "--origin", "shop.example", "--data-dir", data_dir])
    assert bad.exit_code == 2
    listed = runner.invoke(sites_app, ["list", "--data-dir", data_dir])
    assert listed.exit_code == 0 and site["site_key"] in listed.output and site["secret"] not in listed.output
    assert [s.name for s in list_sites(bot.repo.sessions)] == ["Shoe shop", "Blog"]
    assert create_site(bot.repo.sessions, "Again", []).site_key != site["site_key"]


def test_the_api_takes_old_tokens_until_the_setting_says_otherwise(tmp_path, tiny_engine) -> None:  # type: ignore[no-untyped-def]
    """Through the app (in process, a TestClient): an old two-part token works by default; with
    the cutoff passed (``legacy_tokens_until=None``) it is a 401 that says what to mint instead."""
    from botkit.channels.web import WebOptions
    from botkit.channels.web.tokens import mint_legacy_token

    from .conftest import make_live

    for options, expected in ((WebOptions(), 201), (WebOptions(legacy_tokens_until=None), 401)):
        bot, _app, live = make_live(tmp_path / str(expected), tiny_engine, workers=False, options=options)
        old = mint_legacy_token(live.site.secret, live.site.site_key, "alice", 600)
        with live.client() as client:
            response = client.post(
                "/api/conversations",
                data={"text": "a 2 second video for X"},
                headers={"Authorization": f"Bearer {old}"},
            )
            jwt_answer = client.post(
                "/api/conversations", data={"text": "a 2 second video for X"}, headers=live.headers()
            )
        bot.stop_workers()
        assert response.status_code == expected, response.text
        assert jwt_answer.status_code == 201
        if expected == 401:
            assert "HS256" in response.json()["error"] and response.headers["www-authenticate"] == "Bearer"
