"""The development chain has what C2PA's certificate profile asks for and says it is for
development; broken chains are described in plain sentences."""

from __future__ import annotations

import datetime as dt
import stat
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID

from botkit.provenance.certs import DEV_ORGANIZATION, chain_problems, load_chain, make_dev_chain

from .conftest import write_self_signed


def test_dev_chain_is_es256_marked_and_has_the_leaf_extensions(tmp_path: Path) -> None:
    made = make_dev_chain(tmp_path / "creds", days=30)
    leaf, root = load_chain(made.chain)
    assert isinstance(leaf.public_key(), ec.EllipticCurvePublicKey)
    assert leaf.public_key().curve.name == "secp256r1"
    assert leaf.signature_hash_algorithm.name == "sha256"
    for cert in (leaf, root):
        assert DEV_ORGANIZATION in cert.subject.rfc4514_string()
        assert "development" in cert.subject.rfc4514_string()
    assert leaf.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is False
    assert leaf.extensions.get_extension_for_class(x509.KeyUsage).value.digital_signature
    assert ExtendedKeyUsageOID.EMAIL_PROTECTION in leaf.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    ski = leaf.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    aki = leaf.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier).value
    root_ski = root.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    assert ski.digest and aki.key_identifier == root_ski.digest
    leaf.verify_directly_issued_by(root)
    assert root.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is True
    assert chain_problems([leaf, root]) == []
    assert made.leaf.development and not made.leaf.self_signed
    assert 29 < made.leaf.expires_in_days() <= 30
    assert stat.S_IMODE(made.key.stat().st_mode) == 0o600
    assert not list(made.chain.parent.glob(".*"))  # no temp files left behind


def test_expired_and_not_yet_valid_chains_are_named(tmp_path: Path) -> None:
    made = make_dev_chain(tmp_path, days=1, now=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    chain = load_chain(made.chain)
    assert any("expired on 2020-01-01" in p for p in chain_problems(chain))
    early = chain_problems(chain, now=dt.datetime(2019, 6, 1, tzinfo=dt.UTC))
    assert any("not valid before" in p for p in early)


def test_self_signed_reversed_and_leaf_only_chains_are_rejected(tmp_path: Path) -> None:
    cert, _ = write_self_signed(tmp_path)
    assert any("self-signed" in p for p in chain_problems(load_chain(cert)))
    leaf, root = load_chain(make_dev_chain(tmp_path / "dev").chain)
    reversed_problems = chain_problems([root, leaf])
    assert any("put the signing (leaf) certificate first" in p for p in reversed_problems)
    assert any("append its issuing CA" in p for p in chain_problems([leaf]))
