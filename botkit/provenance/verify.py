"""Read and judge a file's content credentials: who signed, what made it, whether the content
still matches the signature, and whether the signer is trusted. Every file gets an answer; none
raises (the web API and Slack show the same ``Verification``)."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

from botkit.errors import InputError
from botkit.provenance import c2pa_io
from botkit.provenance.certs import DEV_ORGANIZATION, CertificateInfo, read_trust_anchors
from botkit.provenance.model import AI_SOURCE_TYPES, GENERATOR_LABEL, mime_for
from botkit.settings import Settings

logger = logging.getLogger(__name__)

State = Literal["trusted", "untrusted", "invalid", "unsigned", "unreadable"]
DEFAULT_MAX_BYTES = 1 << 30

_BINDING_MATCH = ("assertion.bmffHash.match", "assertion.dataHash.match", "assertion.boxesHash.match")
_BINDING_BROKEN = ("assertion.bmffHash.mismatch", "assertion.dataHash.mismatch", "assertion.boxesHash.mismatch",
                   "assertion.hashedURI.mismatch", "assertion.bmffHash.malformed", "assertion.dataHash.malformed")  # fmt: skip
_UNTRUSTED = "signingCredential.untrusted"
# Plain words for the codes a person is most likely to meet (C2PA 2.x validation codes).
_EXPLAIN = {
    "assertion.bmffHash.mismatch": "the video data was changed after signing",
    "assertion.dataHash.mismatch": "the image data was changed after signing",
    "assertion.boxesHash.mismatch": "the file's data was changed after signing",
    "assertion.hashedURI.mismatch": "a signed statement in the manifest was changed",
    "claimSignature.mismatch": "the signature does not match the manifest",
    "signingCredential.expired": "the signing certificate had expired when the file was signed",
    "signingCredential.revoked": "the signing certificate has been revoked",
    "signingCredential.invalid": "the signing certificate is not valid for content credentials",
    "signingCredential.untrusted": "the signer's certificate does not chain to a trusted root",
}


class SignerSummary(BaseModel):
    common_name: str = ""
    organization: str = ""
    issuer: str = ""
    serial_hex: str = ""
    alg: str = ""
    not_before: dt.datetime | None = None
    not_after: dt.datetime | None = None
    signed_at: dt.datetime | None = None  # only with a time-stamp authority
    self_signed: bool = False
    development: bool = False  # a botkit development certificate
    trusted: bool = False
    ours: bool | None = None  # this deployment's certificate; None when there is none to compare


class ActionSummary(BaseModel):
    action: str
    description: str = ""
    software_agent: str = ""
    digital_source_type: str = ""


class IngredientSummary(BaseModel):
    title: str
    format: str = ""
    relationship: str = ""


class GeneratorSummary(BaseModel):
    claim_generator: str = ""  # the app that signed: "botkit 0.1.0"
    model: str = ""
    weights_sha256: str = ""
    weights_revision: str = ""
    botkit_version: str = ""
    prompts: list[str] = Field(default_factory=list)


class Problem(BaseModel):
    code: str
    explanation: str


class Verification(BaseModel):
    """The credentials of one file, for people (``summary``) and programs (the rest)."""

    path: str
    size_bytes: int = 0
    format: str | None = None
    state: State
    binding: Literal["intact", "broken", "unknown"] = "unknown"
    signature_valid: bool | None = None
    signer: SignerSummary | None = None
    generator: GeneratorSummary | None = None
    title: str = ""
    digital_source_type: str = ""
    ai_generated: bool = False
    actions: list[ActionSummary] = Field(default_factory=list)
    ingredients: list[IngredientSummary] = Field(default_factory=list)
    problems: list[Problem] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    summary: str = ""

    @property
    def ok(self) -> bool:
        """Signed, and the content matches the signature (trusted or not)."""
        return self.state in ("trusted", "untrusted")


def _time(value: Any) -> dt.datetime | None:
    if not value:
        return None
    try:
        return dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None


def _issuer_text(name: dict[str, Any]) -> str:
    """``CN=..., O=...``: the common name first, as people read it."""
    keys = sorted(name, key=lambda key: (key != "CN", key != "O"))
    return ", ".join(f"{key}={name[key]}" for key in keys)


def _signer(
    manifest: dict[str, Any], cr_manifest: dict[str, Any], codes: set[str], ours: CertificateInfo | None
) -> SignerSummary:
    info = manifest.get("signature_info") or {}
    certificate = (cr_manifest.get("signature") or {}).get("certificateInfo") or {}
    subject = certificate.get("subject") or {}
    issuer = certificate.get("issuer") or {}
    validity = certificate.get("validity") or {}
    serial = str(certificate.get("serialNumber") or "").lower().lstrip("0")
    organization = str(subject.get("O") or "")
    summary = SignerSummary(
        common_name=str(subject.get("CN") or info.get("common_name") or ""),
        organization=organization,
        issuer=_issuer_text(issuer) or str(info.get("issuer") or ""),
        serial_hex=serial,
        alg=str(info.get("alg") or (cr_manifest.get("signature") or {}).get("algorithm") or "").lower(),
        not_before=_time(validity.get("notBefore")),
        not_after=_time(validity.get("notAfter")),
        signed_at=_time(info.get("time")),
        self_signed=bool(subject) and subject == issuer,
        development=organization == DEV_ORGANIZATION,
        trusted="signingCredential.trusted" in codes,
    )
    if ours is not None:
        # Serial numbers are unique per issuer (RFC 5280), so serial + issuer names one certificate.
        summary.ours = serial == ours.serial_hex.lstrip("0") and str(issuer.get("CN") or "") in ours.issuer
    return summary


def _actions(manifest: dict[str, Any]) -> list[ActionSummary]:
    actions = []
    for assertion in manifest.get("assertions") or []:
        if not str(assertion.get("label", "")).startswith("c2pa.actions"):
            continue
        for action in (assertion.get("data") or {}).get("actions") or []:
            agent = action.get("softwareAgent")
            agent_name = agent.get("name", "") if isinstance(agent, dict) else str(agent or "")
            actions.append(
                ActionSummary(
                    action=str(action.get("action", "")),
                    description=str(action.get("description") or ""),
                    software_agent=agent_name,
                    digital_source_type=str(action.get("digitalSourceType") or ""),
                )
            )
    return actions


def _generator(manifest: dict[str, Any]) -> GeneratorSummary:
    infos = manifest.get("claim_generator_info") or []
    claim = " ".join(str(infos[0].get(key, "")) for key in ("name", "version")).strip() if infos else ""
    summary = GeneratorSummary(claim_generator=claim or str(manifest.get("claim_generator") or ""))
    for assertion in manifest.get("assertions") or []:
        if assertion.get("label") == GENERATOR_LABEL:
            data = assertion.get("data") or {}
            summary.model = str(data.get("model") or "")
            summary.weights_sha256 = str(data.get("weights_sha256") or "")
            summary.weights_revision = str(data.get("weights_revision") or "")
            summary.botkit_version = str(data.get("botkit_version") or "")
            summary.prompts = [str(p) for p in data.get("prompts") or []]
    return summary


def _sentence(v: Verification) -> str:
    if v.state == "unsigned":
        return "No content credentials: this file carries no C2PA manifest."
    if v.state == "unreadable":
        return f"Cannot read content credentials: {v.problems[0].explanation if v.problems else 'unknown error'}."
    signer = v.signer or SignerSummary()
    who = signer.common_name or "an unnamed signer"
    if signer.organization and signer.organization not in who:
        who += f" ({signer.organization})"
    if v.state == "invalid":
        reasons = "; ".join(p.explanation for p in v.problems if p.code != _UNTRUSTED) or "validation failed"
        lead = "TAMPERED" if v.binding == "broken" else "INVALID"
        return f"{lead}: {reasons}. The manifest claims to be signed by {who}."
    made = "AI-generated" if v.digital_source_type.endswith("/trainedAlgorithmicMedia") else (
        "AI-generated, mixed with the user's own media" if v.ai_generated else "not marked as AI-generated")  # fmt: skip
    trust = "trusted signer" if v.state == "trusted" else "signer NOT trusted"
    if signer.development:
        trust += " (a botkit development certificate)"
    elif signer.self_signed:
        trust += " (a self-signed certificate)"
    return f"Signed by {who}; content intact; {trust}; {made}."


def _judge(path: Path, size: int, mime: str | None, reading: c2pa_io.StoreReading, ours: CertificateInfo | None, check_revocation: bool) -> Verification:  # fmt: skip
    store, cr = reading.store, reading.crjson
    label = store.get("active_manifest")
    manifest = (store.get("manifests") or {}).get(label) or {}
    cr_manifest: dict[str, Any] = next((m for m in cr.get("manifests") or [] if m.get("label") == label), {})
    results = (store.get("validation_results") or {}).get("activeManifest") or {}
    successes = {item.get("code", "") for item in results.get("success") or []}
    failures = [item for item in results.get("failure") or []]
    for item in store.get("validation_status") or []:  # older stores list failures only here
        if item.get("code") not in {f.get("code") for f in failures}:
            failures.append(item)
    failure_codes = {item.get("code", "") for item in failures}
    informational = {item.get("code", "") for item in results.get("informational") or []}
    codes = successes | failure_codes
    failures.sort(key=lambda item: item.get("code") == _UNTRUSTED)  # what broke first, trust last
    problems = [
        Problem(code=str(item.get("code", "")), explanation=_EXPLAIN.get(item.get("code", ""), str(item.get("explanation") or "")))
        for item in failures
    ]  # fmt: skip
    binding: Literal["intact", "broken", "unknown"] = (
        "broken" if failure_codes & set(_BINDING_BROKEN) else "intact" if successes & set(_BINDING_MATCH) else "unknown"
    )
    signature_valid = "claimSignature.validated" in successes and "claimSignature.mismatch" not in failure_codes
    signer = _signer(manifest, cr_manifest, codes, ours)
    serious = failure_codes - {_UNTRUSTED}
    state_name = str(store.get("validation_state") or "")
    if serious or state_name == "Invalid" or binding != "intact" or not signature_valid:
        state: State = "invalid"
    elif signer.trusted and state_name == "Trusted":
        state = "trusted"
    else:
        state = "untrusted"
    notes = []
    if signer.development:
        notes.append("signed with a botkit development certificate: fine for testing, not trusted by anyone")
    elif signer.self_signed:
        notes.append("the signing certificate is self-signed: no verifier will trust it")
        problems.append(Problem(code="botkit.selfSigned", explanation="the signing certificate is self-signed"))
    if signer.ours is False:
        notes.append("signed by a different certificate from this deployment's")
    if not check_revocation or "signingCredential.ocsp.skipped" in informational:
        notes.append("revocation not checked (offline)")
    actions = _actions(manifest)
    source_type = next((a.digital_source_type for a in actions if a.action == "c2pa.created"), "")
    verification = Verification(
        path=str(path), size_bytes=size, format=mime or manifest.get("format"), state=state, binding=binding,
        signature_valid=signature_valid, signer=signer, generator=_generator(manifest),
        title=str(manifest.get("title") or ""), digital_source_type=source_type,
        ai_generated=source_type in AI_SOURCE_TYPES, actions=actions,
        ingredients=[
            IngredientSummary(title=str(i.get("title") or ""), format=str(i.get("format") or ""),
                              relationship=str(i.get("relationship") or ""))
            for i in manifest.get("ingredients") or []
        ],
        problems=problems, notes=notes,
    )  # fmt: skip
    verification.summary = _sentence(verification)
    return verification


def verify(
    path: Path,
    settings: Settings | None = None,
    *,
    trust_anchors: Path | None = None,
    ours: CertificateInfo | None = None,
    max_bytes: int | None = None,
    check_revocation: bool = False,
) -> Verification:
    """Verify ``path``. ``settings`` supplies the trust anchors, this deployment's certificate (to
    say whether the file is ours) and the size limit; the keyword arguments override them. Raises
    ``InputError`` only when ``path`` is not a readable file."""
    from botkit.provenance.signer import our_certificate  # signer imports c2pa_io too; keep verify light

    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path} is not a file")
    if settings is not None:
        trust_anchors = trust_anchors or settings.trust_anchors
        ours = ours or our_certificate(settings)
        max_bytes = max_bytes or settings.provenance_max_bytes
    max_bytes = max_bytes or DEFAULT_MAX_BYTES
    size = path.stat().st_size
    mime = mime_for(path)

    def unreadable(code: str, explanation: str) -> Verification:
        v = Verification(path=str(path), size_bytes=size, format=mime, state="unreadable",
                         problems=[Problem(code=code, explanation=explanation)])  # fmt: skip
        v.summary = _sentence(v)
        return v

    if size > max_bytes:
        return unreadable(
            "botkit.tooBig",
            f"the file is {size / 2**20:,.0f} MiB; this deployment verifies at most {max_bytes / 2**20:,.0f} MiB",
        )
    anchors_pem = read_trust_anchors(trust_anchors) if trust_anchors is not None else None
    try:
        reading = c2pa_io.read(path, mime, trust_anchors_pem=anchors_pem, check_revocation=check_revocation)
    except c2pa_io.NoManifest:
        v = Verification(path=str(path), size_bytes=size, format=mime, state="unsigned")
        v.summary = _sentence(v)
        return v
    except c2pa_io.Unreadable as exc:
        return unreadable("botkit.unreadable", f"not a media file c2pa can read ({exc})")
    except OSError as exc:
        return unreadable("botkit.io", f"cannot read the file: {exc.strerror}")
    try:
        return _judge(path, size, mime, reading, ours, check_revocation)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:  # a manifest store shaped unlike any we know
        logger.warning("unexpected manifest store", exc_info=True)
        return unreadable("botkit.malformed", f"the manifest store has an unexpected shape ({type(exc).__name__})")
