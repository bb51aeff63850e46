"""The one module that imports ``c2pa`` (c2pa-python): make a signer, sign a file into another,
read a file's manifest store. Library errors become botkit's here."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import c2pa

from botkit.provenance.errors import CredentialsError, SigningError

logger = logging.getLogger(__name__)

# The thumbnail c2pa-rs would add to each image manifest costs more than the hashing and shows
# nothing a verifier needs: the image is the file itself.
_BUILD_SETTINGS = {"builder": {"thumbnail": {"enabled": False}}}


class NoManifest(Exception):
    """The file carries no C2PA manifest."""


class Unreadable(Exception):
    """The file is not media c2pa can parse."""


@dataclass
class StoreReading:
    store: dict[str, Any]  # Reader.json(): manifests, validation_state, validation_results
    crjson: dict[str, Any]  # the standard crJSON view: it carries the signer's certificate subject/issuer/validity


def sdk_version() -> str:
    return c2pa.sdk_version()


def supported(mime: str) -> bool:
    return mime in c2pa.Builder.get_supported_mime_types()


def file_signer(alg: str, chain_pem: bytes, key_pem: bytes, tsa_url: str | None) -> c2pa.Signer:
    try:
        info = c2pa.C2paSignerInfo(
            alg=alg.encode(), sign_cert=chain_pem, private_key=key_pem, ta_url=tsa_url.encode() if tsa_url else None
        )
        return c2pa.Signer.from_info(info)
    except c2pa.C2paError as exc:
        raise CredentialsError(f"c2pa rejected the signing certificate or key: {exc}") from None


def callback_signer(
    alg: str, chain_pem: bytes, sign_bytes: Callable[[bytes], bytes], tsa_url: str | None
) -> c2pa.Signer:
    try:
        return c2pa.Signer.from_callback(sign_bytes, c2pa.C2paSigningAlg[alg.upper()], chain_pem.decode(), tsa_url)
    except (c2pa.C2paError, UnicodeDecodeError) as exc:
        raise CredentialsError(f"c2pa rejected the signing certificate chain: {exc}") from None


def sign_file(
    signer: c2pa.Signer,
    manifest: dict[str, Any],
    ingredients: list[tuple[dict[str, Any], str, Path]],
    mime: str,
    source: Path,
    dest: Path,
) -> int:
    """Write ``source`` plus a signed manifest to ``dest``; returns the manifest's size in bytes.
    Both are file streams, yet c2pa-rs holds about twice the file in memory while it hashes and
    writes (measured: +136 MB for a 71 MB MP4), hence the size limit callers check first."""
    try:
        builder = c2pa.Builder(manifest, c2pa.Context.from_dict(_BUILD_SETTINGS))
        for definition, ingredient_mime, path in ingredients:
            with open(path, "rb") as stream:
                builder.add_ingredient(definition, ingredient_mime, stream)
        with open(source, "rb") as src, open(dest, "w+b") as dst:
            manifest_bytes = builder.sign(signer, mime, src, dst)
    except c2pa.C2paError as exc:
        raise SigningError(f"c2pa could not sign {source.name}: {exc}") from None
    return len(manifest_bytes)


def sign_bytes(signer: c2pa.Signer, manifest: dict[str, Any], mime: str, data: bytes) -> bytes:
    """Sign in memory (the start-up check signs a tiny image this way)."""
    out = io.BytesIO()
    try:
        c2pa.Builder(manifest, c2pa.Context.from_dict(_BUILD_SETTINGS)).sign(signer, mime, io.BytesIO(data), out)
    except c2pa.C2paError as exc:
        raise SigningError(f"c2pa could not sign: {exc}") from None
    return out.getvalue()


def read(
    source: Path | bytes, mime: str | None, *, trust_anchors_pem: str | None = None, check_revocation: bool = False
) -> StoreReading:
    """The manifest store of a file (or of bytes), validated: trust against ``trust_anchors_pem``
    (in addition to c2pa's own list), OCSP revocation only when asked (it needs the network)."""
    settings: dict[str, Any] = {"verify": {"verify_trust": True, "ocsp_fetch": check_revocation}}
    if trust_anchors_pem:
        settings["trust"] = {"user_anchors": trust_anchors_pem}
    try:
        context = c2pa.Context.from_dict(settings)
    except c2pa.C2paError as exc:
        raise Unreadable(f"the trust anchors could not be loaded: {exc}") from None
    try:
        with (
            io.BytesIO(source) if isinstance(source, bytes) else open(source, "rb") as stream,
            c2pa.Reader(mime, stream, None, context) as reader,
        ):
            return StoreReading(json.loads(reader.json()), json.loads(reader.crjson()))
    except c2pa.C2paError.ManifestNotFound as exc:
        raise NoManifest(str(exc)) from None
    except c2pa.C2paError as exc:
        raise Unreadable(str(exc)) from None
