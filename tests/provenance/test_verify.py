"""Verification gives a clear answer for every file: tampered video or image data, a manifest
from another signer or another file, a self-signed certificate, trust anchors, unsigned, junk and
too-big files; never an exception for what is inside a file."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import pytest

from botkit.errors import InputError
from botkit.provenance import Generator, Provenance, c2pa_io, check, sign, verify
from botkit.provenance.certs import dev_chain_paths
from botkit.provenance.model import manifest_definition
from botkit.settings import Settings

from .conftest import flip_mdat_byte, flip_png_pixel_byte, write_self_signed


def test_flipping_video_bytes_breaks_the_binding(outputs, signer, provenance, settings) -> None:
    video = outputs["mp4"]
    sign(video, provenance, signer)
    flip_mdat_byte(video)
    result = verify(video, settings)
    assert result.state == "invalid" and not result.ok
    assert result.binding == "broken"
    assert "assertion.bmffHash.mismatch" in [p.code for p in result.problems]
    assert result.summary.startswith("TAMPERED: the video data was changed after signing")


def test_editing_poster_pixels_breaks_the_binding(outputs, signer, provenance, settings) -> None:
    poster = outputs["png"]
    sign(poster, provenance, signer)
    flip_png_pixel_byte(poster)
    result = verify(poster, settings)
    assert result.state == "invalid" and result.binding == "broken"
    assert "assertion.dataHash.mismatch" in [p.code for p in result.problems]


def test_trust_anchors_make_a_signer_trusted(outputs, signer, provenance, settings) -> None:
    sign(outputs["mp4"], provenance, signer)
    root = dev_chain_paths(settings.data_dir / "credentials")[2]
    trusted = verify(outputs["mp4"], settings, trust_anchors=root)
    assert trusted.state == "trusted" and trusted.signer.trusted
    assert "trusted signer" in trusted.summary
    assert verify(outputs["mp4"], settings).state == "untrusted"  # a dev root is never trusted by default


def test_a_file_from_another_signer_is_not_ours(outputs, provenance, settings, tmp_path) -> None:
    stranger = check(Settings(data_dir=tmp_path / "elsewhere"))
    check(settings)  # this deployment's own chain
    sign(outputs["mp4"], provenance, stranger)
    result = verify(outputs["mp4"], settings)
    assert result.state == "untrusted" and result.signer.ours is False
    assert "signed by a different certificate from this deployment's" in result.notes


def _top_level_boxes(data: bytes) -> list[tuple[bytes, int, int]]:
    boxes, offset = [], 0
    while offset < len(data):
        size, kind = struct.unpack(">I4s", data[offset : offset + 8])
        boxes.append((kind, offset, size))
        offset += size
    return boxes


def test_a_manifest_moved_to_another_video_does_not_validate(
    outputs, produced, signer, provenance, settings, tmp_path
) -> None:
    sign(outputs["mp4"], provenance, signer)
    signed = outputs["mp4"].read_bytes()
    [(_, start, size)] = [(k, o, s) for k, o, s in _top_level_boxes(signed) if k == b"uuid"]
    other = tmp_path / "other.mp4"
    other_data = bytearray(produced["mp4"].read_bytes())
    flip = next(o for k, o, s in _top_level_boxes(bytes(other_data)) if k == b"mdat") + 64
    other_data[flip] ^= 0xFF  # a different video: same layout, other pixels
    ftyp_end = _top_level_boxes(bytes(other_data))[0][2]
    other.write_bytes(bytes(other_data[:ftyp_end]) + signed[start : start + size] + bytes(other_data[ftyp_end:]))
    result = verify(other, settings)
    assert result.state == "invalid" and not result.ok
    assert result.binding == "broken" and result.summary.startswith("TAMPERED")


def test_a_self_signed_file_is_flagged(outputs, provenance, settings, tmp_path) -> None:
    # check() refuses such a certificate, so sign the way another tool would
    cert, key = write_self_signed(tmp_path / "other-tool")
    native = c2pa_io.file_signer("es256", cert.read_bytes(), key.read_bytes(), None)
    manifest, _ = manifest_definition(provenance, title="x.mp4", mime="video/mp4")
    video = outputs["mp4"]
    temp = video.with_name("x.mp4")
    c2pa_io.sign_file(native, manifest, [], "video/mp4", video, temp)
    result = verify(temp, settings)
    assert result.state == "untrusted" and result.signer.self_signed
    assert "botkit.selfSigned" in [p.code for p in result.problems]
    assert "self-signed" in result.summary


def test_unsigned_junk_and_too_big_files_get_answers(outputs, settings, tmp_path) -> None:
    assert verify(outputs["webp"], settings).state == "unsigned"
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"definitely not a video" * 50)
    result = verify(junk, settings)
    assert result.state == "unreadable" and "not a media file" in result.summary
    no_suffix = tmp_path / "blob"
    no_suffix.write_bytes(b"\x00" * 100)
    assert verify(no_suffix, settings).state == "unreadable"
    big = verify(outputs["mp4"], settings, max_bytes=100)
    assert big.state == "unreadable" and big.problems[0].code == "botkit.tooBig"
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    assert verify(empty, settings).state == "unreadable"


def test_missing_file_and_bad_trust_file_are_input_errors(outputs, settings, tmp_path) -> None:
    with pytest.raises(InputError, match="is not a file"):
        verify(tmp_path / "nope.mp4", settings)
    with pytest.raises(InputError, match=r"trust anchors .* cannot be read"):
        verify(outputs["mp4"], settings, trust_anchors=tmp_path / "missing-roots.pem")
    not_pem = tmp_path / "roots.pem"
    not_pem.write_text("these are not certificates")
    with pytest.raises(InputError, match="hold no PEM certificates"):
        verify(outputs["mp4"], settings, trust_anchors=not_pem)


def test_verification_is_json_for_the_web_api(outputs, signer, settings) -> None:
    sign(outputs["mp4"], Provenance(generator=Generator(model="wan-1.3b")), signer)
    payload = json.loads(verify(outputs["mp4"], settings).model_dump_json())
    assert payload["state"] == "untrusted" and payload["generator"]["model"] == "wan-1.3b"
    assert payload["signer"]["development"] is True
    assert Path(payload["path"]).name == "video-tiktok.mp4"
