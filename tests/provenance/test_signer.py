"""The start-up check: a fresh machine signs out of the box with a development chain; a missing,
expired, self-signed or mismatched certificate, or a broken signing hook, is a clear error before
any job runs."""

from __future__ import annotations

import datetime as dt
import shlex
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from botkit.provenance import CredentialsError, check, open_signer
from botkit.provenance.certs import make_dev_chain
from botkit.provenance.signer import SignerConfig
from botkit.settings import Settings

from .conftest import write_self_signed


def test_fresh_data_dir_gets_a_development_chain_once(settings: Settings) -> None:
    first = check(settings)
    assert first is not None and first.status.source == "development chain"
    assert first.status.certificate.development
    assert any("untrusted" in w for w in first.status.warnings)
    again = check(settings)
    assert again is not None and again.status.certificate.sha256 == first.status.certificate.sha256


def test_processes_starting_together_share_one_chain(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "shared")
    with ThreadPoolExecutor(4) as pool:
        signers = list(pool.map(lambda _: check(settings), range(4)))
    assert len({s.status.certificate.sha256 for s in signers}) == 1


def test_signing_off_gives_no_signer(tmp_path: Path) -> None:
    assert check(Settings(data_dir=tmp_path, signing="off")) is None
    assert not (tmp_path / "credentials").exists()


def test_show_does_not_make_a_chain(tmp_path: Path) -> None:
    with pytest.raises(CredentialsError, match="botkit credentials init"):
        open_signer(SignerConfig.from_settings(Settings(data_dir=tmp_path)), create_dev_chain=False)


def test_configured_certificate_that_is_missing(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, signing_cert=tmp_path / "nope.pem", signing_key=tmp_path / "nope-key.pem")
    with pytest.raises(CredentialsError, match=r"nope\.pem does not exist.*botkit credentials init"):
        check(settings)


def test_expired_certificate_fails_at_start_up(tmp_path: Path) -> None:
    made = make_dev_chain(tmp_path / "old", days=1, now=dt.datetime(2021, 3, 1, tzinfo=dt.UTC))
    with pytest.raises(CredentialsError, match="expired on 2021-03-01"):
        check(Settings(data_dir=tmp_path, signing_cert=made.chain, signing_key=made.key))


def test_self_signed_production_certificate_is_refused(tmp_path: Path) -> None:
    cert, key = write_self_signed(tmp_path / "prod")
    with pytest.raises(CredentialsError, match="self-signed"):
        check(Settings(data_dir=tmp_path, signing_cert=cert, signing_key=key))


def test_key_of_another_certificate(tmp_path: Path) -> None:
    one, two = make_dev_chain(tmp_path / "one"), make_dev_chain(tmp_path / "two")
    with pytest.raises(CredentialsError, match="does not belong"):
        check(Settings(data_dir=tmp_path, signing_cert=one.chain, signing_key=two.key))


def test_contradictory_or_incomplete_configuration(tmp_path: Path) -> None:
    made = make_dev_chain(tmp_path / "c")
    with pytest.raises(CredentialsError, match="exactly one"):
        check(Settings(data_dir=tmp_path, signing_cert=made.chain, signing_key=made.key, signing_command="true"))
    with pytest.raises(CredentialsError, match="BOTKIT_SIGNING_CERT is not set"):
        check(Settings(data_dir=tmp_path, signing_key=made.key))
    with pytest.raises(CredentialsError, match="development chain signs with es256"):
        check(Settings(data_dir=tmp_path, signing_alg="es384"))


def test_algorithm_that_does_not_match_the_key(tmp_path: Path) -> None:
    made = make_dev_chain(tmp_path / "ec")
    with pytest.raises(CredentialsError, match="ps256 does not fit the certificate's EC secp256r1 key; use es256"):
        check(Settings(data_dir=tmp_path, signing_cert=made.chain, signing_key=made.key, signing_alg="ps256"))


def test_own_chain_with_key_file(tmp_path: Path) -> None:
    made = make_dev_chain(tmp_path / "deploy")
    signer = check(Settings(data_dir=tmp_path, signing_cert=made.chain, signing_key=made.key))
    assert signer is not None and signer.status.source == "key file"
    assert any("development certificate" in w for w in signer.status.warnings)


HOOK = """
import sys
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
key = serialization.load_pem_private_key(open(sys.argv[1], "rb").read(), None)
sys.stdout.buffer.write(key.sign(sys.stdin.buffer.read(), ec.ECDSA(hashes.SHA256())))
"""


def test_signing_command_hook_signs_like_a_kms(tmp_path: Path) -> None:
    made = make_dev_chain(tmp_path / "kms")
    hook = tmp_path / "kms_sign.py"
    hook.write_text(HOOK)
    command = f"{shlex.quote(sys.executable)} {shlex.quote(str(hook))} {shlex.quote(str(made.key))}"
    signer = check(Settings(data_dir=tmp_path, signing_cert=made.chain, signing_command=command))
    assert signer is not None and signer.status.source == "signing command"


def test_broken_signing_command_is_a_start_up_error(tmp_path: Path) -> None:
    made = make_dev_chain(tmp_path / "kms")
    failing = f"{shlex.quote(sys.executable)} -c \"import sys; sys.exit('KMS says: access denied')\""
    with pytest.raises(CredentialsError, match="KMS says: access denied"):
        check(Settings(data_dir=tmp_path, signing_cert=made.chain, signing_command=failing))
    with pytest.raises(CredentialsError, match="was not found"):
        check(Settings(data_dir=tmp_path, signing_cert=made.chain, signing_command="/no/such/signer --sign"))
