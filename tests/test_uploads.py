"""Uploaded images are checked before anything is stored."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image

from botkit.errors import InputError
from botkit.uploads import ImageLimits, check_image, normalise_image


def png_header_only(path: Path, width: int, height: int) -> Path:
    """A PNG whose header claims ``width`` x ``height``: a decompression bomb's calling card."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    body = zlib.compress(b"\x00" * 1024)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b""))
    return path


def test_accepts_and_normalises_png(tmp_path: Path) -> None:
    source = tmp_path / "panel.png"
    Image.new("RGBA", (64, 48), (255, 0, 0, 128)).save(source)
    checked = check_image(source, ImageLimits())
    assert (checked.format, checked.width, checked.height) == ("PNG", 64, 48)
    target = tmp_path / "out.png"
    normalise_image(checked, target)
    assert Image.open(target).mode == "RGB"


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.write_bytes(b"not an image at all"), "not a readable image"),
        (lambda p: p.write_bytes(b""), "is empty"),
        (lambda p: png_header_only(p, 50_000, 50_000), "at most 40 MP"),
        (lambda p: Image.new("RGB", (8, 8)).save(p, format="PNG"), "at least 16 px"),
        (lambda p: Image.new("RGB", (32, 32)).save(p, format="GIF"), "allowed types"),
    ],
    ids=["garbage", "empty", "bomb", "tiny", "gif-named-png"],
)
def test_rejects_bad_images(tmp_path: Path, make, message: str) -> None:
    path = tmp_path / "upload.png"
    make(path)
    with pytest.raises(InputError, match=message):
        check_image(path, ImageLimits())


def test_rejects_truncated_png(tmp_path: Path) -> None:
    good = tmp_path / "good.png"
    Image.effect_noise((128, 128), 50).convert("RGB").save(good)
    broken = tmp_path / "broken.png"
    broken.write_bytes(good.read_bytes()[:300])
    with pytest.raises(InputError, match="corrupt or truncated"):
        check_image(broken, ImageLimits())


def test_rejects_oversized_file(tmp_path: Path) -> None:
    path = tmp_path / "big.png"
    Image.new("RGB", (64, 64)).save(path)
    with pytest.raises(InputError, match="at most"):
        check_image(path, ImageLimits(max_bytes=10))
