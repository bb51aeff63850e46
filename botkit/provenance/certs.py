"""Signing certificates: make the local development chain (ES256 on P-256, marked as development
in every subject), read a deployment's PEM chain, and say what is wrong with one before any job
tries to sign with it."""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import os
import tempfile
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pydantic import BaseModel, ConfigDict

from botkit.errors import InputError
from botkit.provenance.errors import CredentialsError

logger = logging.getLogger(__name__)

DEV_ORGANIZATION = "botkit development (untrusted)"  # in every dev subject: verifiers show it
DEV_LEAF_CN = "botkit development signer - not for publishing"
DEV_ROOT_CN = "botkit development root - not trusted"
DEV_CHAIN = "dev-chain.pem"  # leaf then root, what the signer sends
DEV_KEY = "dev-key.pem"
DEV_ROOT = "dev-root.pem"
EXPIRY_WARNING_DAYS = 30

# C2PA's certificate profile: the signer's EKU must be one of these (or the C2PA/CAI OIDs).
_SIGNING_EKUS = {
    ExtendedKeyUsageOID.EMAIL_PROTECTION,
    x509.ObjectIdentifier("1.3.6.1.5.5.7.3.36"),  # id-kp-documentSigning
    x509.ObjectIdentifier("1.3.6.1.4.1.62558.2.1"),  # C2PA claim signing
    x509.ObjectIdentifier("1.3.6.1.4.1.311.76.59.1.9"),  # Microsoft/CAI document signing
}


class CertificateInfo(BaseModel):
    """What a person needs to know about a signing certificate."""

    model_config = ConfigDict(frozen=True)

    subject: str
    issuer: str
    common_name: str
    organization: str
    serial_hex: str
    not_before: dt.datetime
    not_after: dt.datetime
    self_signed: bool
    development: bool
    sha256: str

    def expires_in_days(self, now: dt.datetime | None = None) -> float:
        now = now or dt.datetime.now(dt.UTC)
        return (self.not_after - now).total_seconds() / 86400


class DevChain(BaseModel):
    chain: Path
    key: Path
    root: Path
    leaf: CertificateInfo


def _attribute(name: x509.Name, oid: x509.ObjectIdentifier) -> str:
    values = name.get_attributes_for_oid(oid)
    return str(values[0].value) if values else ""


def describe(cert: x509.Certificate) -> CertificateInfo:
    organization = _attribute(cert.subject, NameOID.ORGANIZATION_NAME)
    return CertificateInfo(
        subject=cert.subject.rfc4514_string(),
        issuer=cert.issuer.rfc4514_string(),
        common_name=_attribute(cert.subject, NameOID.COMMON_NAME),
        organization=organization,
        serial_hex=format(cert.serial_number, "x"),
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        self_signed=_is_self_signed(cert),
        development=organization == DEV_ORGANIZATION,
        sha256=cert.fingerprint(hashes.SHA256()).hex(),
    )


def _is_self_signed(cert: x509.Certificate) -> bool:
    if cert.issuer != cert.subject:
        return False
    try:
        cert.verify_directly_issued_by(cert)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def load_chain(path: Path) -> list[x509.Certificate]:
    """The certificates of a PEM file, in file order (leaf first)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise CredentialsError(
            f"signing certificate {path} does not exist; run `botkit credentials init` for a development "
            "chain, or point BOTKIT_SIGNING_CERT at your PEM chain (leaf first)"
        ) from None
    except OSError as exc:
        raise CredentialsError(f"signing certificate {path} cannot be read: {exc.strerror}") from None
    try:
        chain = x509.load_pem_x509_certificates(data)
    except ValueError:
        raise CredentialsError(
            f"{path} holds no PEM certificates; give the chain as PEM text, leaf first, then each issuer"
        ) from None
    return chain


def read_trust_anchors(path: Path) -> str:
    """The PEM text of a file of root certificates a verifier should trust."""
    path = Path(path)
    try:
        text = path.read_text(encoding="ascii")
        x509.load_pem_x509_certificates(text.encode())
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"trust anchors {path} cannot be read: {exc}") from None
    except ValueError:
        raise InputError(f"trust anchors {path} hold no PEM certificates; give root certificates as PEM text") from None
    return text


def load_private_key(path: Path):
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise CredentialsError(f"signing key {path} does not exist (BOTKIT_SIGNING_KEY)") from None
    except OSError as exc:
        raise CredentialsError(f"signing key {path} cannot be read: {exc.strerror}") from None
    try:
        return serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as exc:
        raise CredentialsError(
            f"{path} is not an unencrypted PEM private key ({exc}); for a key in a KMS or HSM use "
            "BOTKIT_SIGNING_COMMAND instead"
        ) from None


def chain_problems(chain: list[x509.Certificate], now: dt.datetime | None = None) -> list[str]:
    """Everything that makes C2PA validators reject this chain, as sentences; empty when it is usable."""
    now = now or dt.datetime.now(dt.UTC)
    if not chain:
        return ["the certificate file is empty"]
    leaf = chain[0]
    problems = []
    info = describe(leaf)
    if now > leaf.not_valid_after_utc:
        problems.append(f"the signing certificate expired on {leaf.not_valid_after_utc:%Y-%m-%d}")
    if now < leaf.not_valid_before_utc:
        problems.append(f"the signing certificate is not valid before {leaf.not_valid_before_utc:%Y-%m-%d %H:%M} UTC")
    if info.self_signed:
        problems.append(
            "the signing certificate is self-signed; C2PA requires a certificate issued by a CA "
            "(a development chain from `botkit credentials init`, or one from your CA)"
        )
    try:
        basic = leaf.extensions.get_extension_for_class(x509.BasicConstraints).value
        if basic.ca:
            problems.append("the first certificate is a CA certificate; put the signing (leaf) certificate first")
    except x509.ExtensionNotFound:
        problems.append("the signing certificate has no BasicConstraints extension (CA:false is required)")
    try:
        usage = leaf.extensions.get_extension_for_class(x509.KeyUsage).value
        if not usage.digital_signature:
            problems.append("the signing certificate's KeyUsage lacks digitalSignature")
    except x509.ExtensionNotFound:
        problems.append("the signing certificate has no KeyUsage extension (digitalSignature is required)")
    try:
        ekus = set(leaf.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value)
        if not ekus & _SIGNING_EKUS:
            problems.append(
                "the signing certificate's ExtendedKeyUsage has no C2PA signing purpose (e.g. emailProtection)"
            )
    except x509.ExtensionNotFound:
        problems.append("the signing certificate has no ExtendedKeyUsage extension (e.g. emailProtection)")
    for extension in (x509.SubjectKeyIdentifier, x509.AuthorityKeyIdentifier):
        try:
            leaf.extensions.get_extension_for_class(extension)
        except x509.ExtensionNotFound:
            problems.append(f"the signing certificate has no {extension.__name__} extension")
    for child, parent in itertools.pairwise(chain):
        try:
            child.verify_directly_issued_by(parent)
        except (ValueError, TypeError, InvalidSignature):
            problems.append(
                f"{_attribute(child.subject, NameOID.COMMON_NAME)!r} is not issued by the next certificate "
                f"{_attribute(parent.subject, NameOID.COMMON_NAME)!r}; order the chain leaf first, then each issuer"
            )
        if now > parent.not_valid_after_utc:
            problems.append(
                f"the issuing certificate {_attribute(parent.subject, NameOID.COMMON_NAME)!r} expired on "
                f"{parent.not_valid_after_utc:%Y-%m-%d}"
            )
    if len(chain) == 1 and not info.self_signed:
        problems.append("the file holds only the signing certificate; append its issuing CA certificate(s)")
    return problems


def algorithms_for(cert: x509.Certificate) -> tuple[str, tuple[str, ...]]:
    """A description of the certificate's key and the C2PA algorithms that can sign with it."""
    public = cert.public_key()
    if isinstance(public, ec.EllipticCurvePublicKey):
        fits = {"secp256r1": ("es256",), "secp384r1": ("es384",), "secp521r1": ("es512",)}
        return f"EC {public.curve.name}", fits.get(public.curve.name, ())
    if isinstance(public, rsa.RSAPublicKey):
        return f"RSA {public.key_size}", ("ps256", "ps384", "ps512")
    if isinstance(public, ed25519.Ed25519PublicKey):
        return "Ed25519", ("ed25519",)
    return type(public).__name__, ()


def key_matches(cert: x509.Certificate, key) -> bool:
    """Whether ``key`` is the private key of ``cert`` (checked by signing and verifying)."""
    message = b"botkit key check"
    public = cert.public_key()
    try:
        if isinstance(key, ec.EllipticCurvePrivateKey) and isinstance(public, ec.EllipticCurvePublicKey):
            public.verify(key.sign(message, ec.ECDSA(hashes.SHA256())), message, ec.ECDSA(hashes.SHA256()))
        elif isinstance(key, rsa.RSAPrivateKey) and isinstance(public, rsa.RSAPublicKey):
            pss = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32)
            public.verify(key.sign(message, pss, hashes.SHA256()), message, pss, hashes.SHA256())
        elif isinstance(key, ed25519.Ed25519PrivateKey) and isinstance(public, ed25519.Ed25519PublicKey):
            public.verify(key.sign(message), message)
        else:
            return False
    except InvalidSignature:
        return False
    return True


def _write_atomic(path: Path, data: bytes, mode: int = 0o644) -> None:
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        os.fchmod(handle, mode)
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def dev_chain_paths(directory: Path) -> tuple[Path, Path, Path]:
    directory = Path(directory)
    return directory / DEV_CHAIN, directory / DEV_KEY, directory / DEV_ROOT


def make_dev_chain(directory: Path, *, days: int = 365, now: dt.datetime | None = None) -> DevChain:
    """A root CA and a signing certificate for local development, ES256 on P-256, both marked
    'botkit development (untrusted)'. The leaf has what C2PA's profile asks for: CA:false,
    digitalSignature, emailProtection, subject and authority key identifiers. Overwrites an
    existing development chain in ``directory``; the key file is readable by its owner only."""
    if not 1 <= days <= 3650:
        raise CredentialsError(f"days must be between 1 and 3650, got {days}")
    now = now or dt.datetime.now(dt.UTC)
    start = now - dt.timedelta(minutes=5)  # tolerate a little clock skew between machines
    root_key = ec.generate_private_key(ec.SECP256R1())
    root_name = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, DEV_ORGANIZATION),
            x509.NameAttribute(NameOID.COMMON_NAME, DEV_ROOT_CN),
        ]
    )
    no_usage = dict.fromkeys(
        (
            "content_commitment",
            "key_encipherment",
            "data_encipherment",
            "key_agreement",
            "encipher_only",
            "decipher_only",
        ),
        False,
    )
    root = (
        x509.CertificateBuilder()
        .subject_name(root_name)
        .issuer_name(root_name)
        .public_key(root_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=max(days, 3650)))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(digital_signature=False, key_cert_sign=True, crl_sign=True, **no_usage), critical=True
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(root_key.public_key()), critical=False)
        .sign(root_key, hashes.SHA256())
    )
    leaf_key = ec.generate_private_key(ec.SECP256R1())
    leaf_name = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, DEV_ORGANIZATION),
            x509.NameAttribute(NameOID.COMMON_NAME, DEV_LEAF_CN),
        ]
    )
    leaf = (
        x509.CertificateBuilder()
        .subject_name(leaf_name)
        .issuer_name(root_name)
        .public_key(leaf_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(digital_signature=True, key_cert_sign=False, crl_sign=False, **no_usage), critical=True
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(leaf_key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()), critical=False)
        .sign(root_key, hashes.SHA256())
    )
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    chain_path, key_path, root_path = dev_chain_paths(directory)
    pem = serialization.Encoding.PEM
    # The key first: a chain file is never left pointing at a key that was not written.
    key_bytes = leaf_key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    _write_atomic(key_path, key_bytes, mode=0o600)
    _write_atomic(root_path, root.public_bytes(pem))
    _write_atomic(chain_path, leaf.public_bytes(pem) + root.public_bytes(pem))
    logger.info("development signing chain written", extra={"directory": str(directory), "days": days})
    return DevChain(chain=chain_path, key=key_path, root=root_path, leaf=describe(leaf))
