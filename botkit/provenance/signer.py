"""Who signs: the deployment's certificate chain with a key file or a signing command (a KMS or
HSM hook), or the local development chain; ``check()`` proves it works when the bot opens."""

from __future__ import annotations

import fcntl
import io
import logging
import shlex
import subprocess
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from cryptography import x509
from PIL import Image
from pydantic import BaseModel, ConfigDict, Field

from botkit.provenance import c2pa_io
from botkit.provenance.certs import (
    EXPIRY_WARNING_DAYS,
    CertificateInfo,
    algorithms_for,
    chain_problems,
    describe,
    dev_chain_paths,
    key_matches,
    load_chain,
    load_private_key,
    make_dev_chain,
)
from botkit.provenance.errors import CredentialsError, SigningError
from botkit.settings import Settings

logger = logging.getLogger(__name__)

SigningMode = Literal["required", "best-effort", "off"]
Algorithm = Literal["es256", "es384", "es512", "ps256", "ps384", "ps512", "ed25519"]
COMMAND_TIMEOUT_S = 30.0


def credentials_dir(data_dir: Path) -> Path:
    return Path(data_dir) / "credentials"


class SignerConfig(BaseModel):
    """The signing part of Settings."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    mode: SigningMode = "required"
    alg: Algorithm = "es256"
    cert: Path | None = None
    key: Path | None = None
    command: str | None = None
    tsa_url: str | None = None
    credentials_dir: Path = Path("botkit-data/credentials")
    include_prompts: bool = False
    max_bytes: int = Field(default=1 << 30, ge=1)

    @classmethod
    def from_settings(cls, settings: Settings) -> SignerConfig:
        return cls(
            mode=settings.signing,
            alg=settings.signing_alg,
            cert=settings.signing_cert,
            key=settings.signing_key,
            command=settings.signing_command,
            tsa_url=settings.signing_tsa_url,
            credentials_dir=credentials_dir(settings.data_dir),
            include_prompts=settings.provenance_prompts,
            max_bytes=settings.provenance_max_bytes,
        )

    @property
    def uses_dev_chain(self) -> bool:
        return self.cert is None and self.key is None and self.command is None


class SignerStatus(BaseModel):
    """What ``botkit credentials show`` prints and the bot logs at start-up."""

    mode: SigningMode
    alg: Algorithm
    source: Literal["development chain", "key file", "signing command"]
    chain_file: Path
    certificate: CertificateInfo
    chain_length: int
    warnings: list[str] = Field(default_factory=list)


@dataclass
class Signer:
    """A ready signer: the c2pa signer plus what it was made from. One per process is enough."""

    config: SignerConfig
    status: SignerStatus
    native: object = field(repr=False)  # c2pa.Signer; typed loosely so only c2pa_io imports c2pa
    hook: CommandHook | None = field(default=None, repr=False)

    @property
    def mode(self) -> SigningMode:
        return self.config.mode


class CommandHook:
    """Signs bytes by running the deployment's command (a KMS or HSM client): the bytes to sign on
    stdin, the signature on stdout. c2pa swallows exceptions raised in a signing callback, so the
    last failure is kept here for the error message."""

    def __init__(self, command: str, timeout_s: float = COMMAND_TIMEOUT_S) -> None:
        # No shell: the command line is split once here and never interpolated with data.
        self.argv = shlex.split(command)
        if not self.argv:
            raise CredentialsError("BOTKIT_SIGNING_COMMAND is empty; give a command that signs stdin to stdout")
        self.timeout_s = timeout_s
        self._local = threading.local()  # worker threads sign at once: each keeps its own last error

    @property
    def last_error(self) -> str | None:
        return getattr(self._local, "error", None)

    def __call__(self, data: bytes) -> bytes:
        self._local.error = None
        try:
            done = subprocess.run(self.argv, input=data, capture_output=True, timeout=self.timeout_s, check=False)
        except FileNotFoundError:
            error = f"signing command {self.argv[0]!r} was not found"
        except subprocess.TimeoutExpired:
            error = f"signing command ran longer than {self.timeout_s:g} s"
        else:
            if done.returncode == 0 and done.stdout:
                return done.stdout
            tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no signature on stdout"]
            error = f"signing command failed (exit {done.returncode}): {tail[0]}"
        self._local.error = error
        raise SigningError(error)


def _make_dev_chain_once(directory: Path) -> None:
    """Make the development chain unless another process (the web server and a worker starting
    together) just did: a lock file makes the check and the write one step."""
    directory.mkdir(parents=True, exist_ok=True)
    chain_path, key_path, _ = dev_chain_paths(directory)
    with open(directory / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not chain_path.exists() or not key_path.exists():
            make_dev_chain(directory)
            # info, not a warning: on a fresh machine this is the expected way to start (the CLI's
            # stderr stays one line per real problem); `botkit credentials show` tells the rest
            logger.info("made a development signing chain", extra={"directory": str(directory)})


def _open(config: SignerConfig, *, create_dev_chain: bool) -> tuple[object, CommandHook | None, SignerStatus]:
    warnings: list[str] = []
    if config.uses_dev_chain:
        chain_path, dev_key, _ = dev_chain_paths(config.credentials_dir)
        key_path: Path | None = dev_key
        if not chain_path.exists() or not dev_key.exists():
            if not create_dev_chain:
                raise CredentialsError(
                    f"no development signing chain in {config.credentials_dir}; run `botkit credentials init`"
                )
            _make_dev_chain_once(config.credentials_dir)
        if config.alg != "es256":
            raise CredentialsError(
                f"the development chain signs with es256, not {config.alg}; set BOTKIT_SIGNING_ALG=es256 "
                "or point BOTKIT_SIGNING_CERT/BOTKIT_SIGNING_KEY at your own chain"
            )
        source: Literal["development chain", "key file", "signing command"] = "development chain"
        warnings.append(
            "development chain: verifiers show the signer as untrusted; use your own certificate to publish"
        )
    else:
        if config.cert is None:
            raise CredentialsError(
                "BOTKIT_SIGNING_CERT is not set; a signing key or command needs the certificate chain (PEM, leaf first)"
            )
        if (config.key is None) == (config.command is None):
            raise CredentialsError(
                "set exactly one of BOTKIT_SIGNING_KEY (a PEM key file) or BOTKIT_SIGNING_COMMAND (a KMS/HSM hook)"
            )
        chain_path, key_path = config.cert, config.key  # key_path: None with a signing command
        source = "key file" if config.key is not None else "signing command"
    chain = load_chain(chain_path)
    problems = chain_problems(chain)
    if problems:
        raise CredentialsError(f"signing certificate {chain_path}: " + "; ".join(problems))
    leaf: x509.Certificate = chain[0]
    info = describe(leaf)
    key_kind, fitting = algorithms_for(leaf)
    if config.alg not in fitting:
        allowed = ", ".join(fitting) or "none: C2PA signs with EC P-256/384/521, RSA-PSS or Ed25519 keys"
        raise CredentialsError(
            f"BOTKIT_SIGNING_ALG={config.alg} does not fit the certificate's {key_kind} key; use {allowed}"
        )
    if info.development and not config.uses_dev_chain:
        warnings.append("this is a botkit development certificate: verifiers show it as untrusted")
    days_left = info.expires_in_days()
    if days_left < EXPIRY_WARNING_DAYS:
        warnings.append(f"the signing certificate expires in {days_left:.0f} days ({info.not_after:%Y-%m-%d})")
    chain_pem = chain_path.read_bytes()
    hook = None
    if key_path is not None:
        key = load_private_key(key_path)
        if not key_matches(leaf, key):
            raise CredentialsError(f"signing key {key_path} does not belong to the certificate in {chain_path}")
        native = c2pa_io.file_signer(config.alg, chain_pem, key_path.read_bytes(), config.tsa_url)
    else:
        assert config.command is not None
        hook = CommandHook(config.command)
        native = c2pa_io.callback_signer(config.alg, chain_pem, hook, config.tsa_url)
    status = SignerStatus(
        mode=config.mode, alg=config.alg, source=source, chain_file=chain_path, certificate=info,
        chain_length=len(chain), warnings=warnings,
    )  # fmt: skip
    return native, hook, status


def _probe_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (40, 40, 40)).save(buffer, "PNG")
    return buffer.getvalue()


def _probe(native: object, hook: CommandHook | None, status: SignerStatus) -> None:
    """Sign a 1x1 PNG and read it back: catches a chain c2pa refuses, a wrong algorithm, a hook
    that returns no valid signature."""
    manifest = {"claim_generator_info": [{"name": "botkit"}], "title": "start-up check", "format": "image/png",
                "assertions": [{"label": "c2pa.actions.v2", "data": {"actions": [{"action": "c2pa.created",
                "digitalSourceType": "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"}]}}]}  # fmt: skip
    try:
        signed = c2pa_io.sign_bytes(native, manifest, "image/png", _probe_png())
    except SigningError as exc:
        reason = hook.last_error if hook is not None and hook.last_error else str(exc)
        raise CredentialsError(f"test signature with {status.chain_file} failed: {reason}") from None
    reading = c2pa_io.read(signed, "image/png")
    results = reading.store.get("validation_results", {}).get("activeManifest", {})
    failures = [item.get("code", "") for item in results.get("failure", [])]
    failures = [code for code in failures if code != "signingCredential.untrusted"]
    if failures:
        raise CredentialsError(f"test signature with {status.chain_file} does not validate: {', '.join(failures)}")


def open_signer(config: SignerConfig, *, create_dev_chain: bool = True) -> Signer | None:
    """The signer for ``config``, proven by a test signature; None when signing is off. Raises
    ``CredentialsError`` saying what is missing, expired or wrong."""
    if config.mode == "off":
        logger.warning("content credentials are off: outputs are delivered unsigned")
        return None
    native, hook, status = _open(config, create_dev_chain=create_dev_chain)
    _probe(native, hook, status)
    for warning in status.warnings:
        expected = status.source == "development chain" and warning.startswith("development chain")
        logger.log(logging.INFO if expected else logging.WARNING, "signing: %s", warning)
    logger.info(
        "signer ready",
        extra={"source": status.source, "subject": status.certificate.subject, "mode": status.mode},
    )
    return Signer(config=config, status=status, native=native, hook=hook)


def check(settings: Settings) -> Signer | None:
    """Start-up check the bot calls when it opens: the ready signer for these settings (None when
    ``BOTKIT_SIGNING=off``), or a ``CredentialsError`` before any job runs. With no certificate
    configured, the development chain in ``<data_dir>/credentials`` is made on first use."""
    return open_signer(SignerConfig.from_settings(settings))


def our_certificate(settings: Settings) -> CertificateInfo | None:
    """This deployment's signing certificate, if there is one to compare with (nothing is made)."""
    config = SignerConfig.from_settings(settings)
    path = dev_chain_paths(config.credentials_dir)[0] if config.uses_dev_chain else config.cert
    if path is None or not Path(path).exists():
        return None
    try:
        chain = load_chain(path)
    except CredentialsError:
        return None
    return describe(chain[0]) if chain else None
