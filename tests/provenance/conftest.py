"""Real outputs to sign (an MP4, its poster PNG and a WebP preview made by post's ``produce``), a
signer on a fresh development chain, and helpers that make broken certificates and tampered files."""

from __future__ import annotations

import datetime as dt
import shutil
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from botkit.domain import Clip, Shot, ShotPlan
from botkit.post.presets import PRESETS
from botkit.post.produce import ProduceOptions, produce
from botkit.provenance import Edit, Generator, Provenance, check
from botkit.quality.synthetic import good_clip
from botkit.settings import Settings


@pytest.fixture(scope="session")
def produced(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One tiny job's outputs: video-tiktok.mp4, video-tiktok.png (poster), video-preview.webp."""
    out = tmp_path_factory.mktemp("produced")
    clips = [
        Clip(np.ascontiguousarray(good_clip(seed, frames=16, width=96, height=96, fps=8).frames), 8) for seed in (1, 2)
    ]
    shots = [
        Shot(index=i, prompt=f"a toy car drives, shot {i}", duration_s=1.0, seed=i, caption=f"Step {i + 1}")
        for i in range(2)
    ]
    plan = ShotPlan(skill="social", request="r", title="Toy", platforms=["tiktok"], shots=shots,
                    total_duration_s=2.0, captions=True)  # fmt: skip
    made = produce(clips, plan, [PRESETS["tiktok"].scaled(0.2)], out, ProduceOptions(mode="crop", contact_sheet=False))
    [video] = made.videos
    assert made.preview is not None
    return {"mp4": video.video, "png": video.poster, "webp": made.preview}


@pytest.fixture
def outputs(produced: dict[str, Path], tmp_path: Path) -> dict[str, Path]:
    """Fresh copies of the produced files for one test."""
    folder = tmp_path / "out"
    folder.mkdir()
    return {kind: Path(shutil.copy2(path, folder / path.name)) for kind, path in produced.items()}


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data")


@pytest.fixture
def signer(settings: Settings):
    return check(settings)


@pytest.fixture
def provenance() -> Provenance:
    return Provenance(
        generator=Generator(model="embedded", weights_sha256="ab" * 32),
        edits=(Edit(kind="cropped"), Edit(kind="captions"), Edit(kind="audio")),
        prompts=("a toy car drives across a wooden table",),
    )


def _name(cn: str, org: str = "Acme Media") -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, org), x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _leaf_extensions(builder: x509.CertificateBuilder, key, issuer_key) -> x509.CertificateBuilder:  # type: ignore[no-untyped-def]
    usage = x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                          data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
                          encipher_only=False, decipher_only=False)  # fmt: skip
    return (
        builder.add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(usage, critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False)
    )


def write_self_signed(folder: Path, *, days_valid: tuple[int, int] = (-1, 365)) -> tuple[Path, Path]:
    """A 'production' certificate that signs itself (plus its key), as PEM files."""
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateBuilder().subject_name(_name("Acme signer")).issuer_name(_name("Acme signer"))
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now + dt.timedelta(days=days_valid[0])).not_valid_after(now + dt.timedelta(days=days_valid[1]))
    )  # fmt: skip
    cert = _leaf_extensions(builder, key, key).sign(key, hashes.SHA256())
    return _write(folder, "self-signed", [cert], key)


def _write(folder: Path, stem: str, chain: list[x509.Certificate], key) -> tuple[Path, Path]:  # type: ignore[no-untyped-def]
    folder.mkdir(parents=True, exist_ok=True)
    cert_path, key_path = folder / f"{stem}-chain.pem", folder / f"{stem}-key.pem"
    cert_path.write_bytes(b"".join(c.public_bytes(serialization.Encoding.PEM) for c in chain))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


def flip_mdat_byte(path: Path) -> None:
    """Change one byte in the middle of the MP4's video data (the ``mdat`` box payload)."""
    data = bytearray(path.read_bytes())
    offset = 0
    while offset < len(data):
        size, kind = struct.unpack(">I4s", data[offset : offset + 8])
        if kind == b"mdat":
            target = offset + 8 + (size - 8) // 2
            data[target] ^= 0x5A
            path.write_bytes(bytes(data))
            return
        offset += size
    raise AssertionError(f"{path} has no mdat box")


def flip_png_pixel_byte(path: Path) -> None:
    """Change one byte of the PNG's compressed pixel data and fix the chunk's CRC, the way an
    editor that rewrites pixels would (the file stays a valid PNG)."""
    data = bytearray(path.read_bytes())
    offset = 8
    while offset < len(data):
        length, kind = struct.unpack(">I4s", data[offset : offset + 8])
        if kind == b"IDAT":
            start = offset + 8
            data[start + length // 2] ^= 0x01
            crc = zlib.crc32(bytes(data[offset + 4 : start + length])) & 0xFFFFFFFF
            data[start + length : start + length + 4] = struct.pack(">I", crc)
            path.write_bytes(bytes(data))
            return
        offset += 12 + length
    raise AssertionError(f"{path} has no IDAT chunk")
