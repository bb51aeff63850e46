"""What a file really is, from its first bytes: a renamed zip or web page is refused before ffmpeg
ever opens it, and the error names what was found."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

Container = Literal["mp4", "mov", "webm", "gif"]
ACCEPTED: dict[str, str] = {"mp4": "MP4", "mov": "MOV (QuickTime)", "webm": "WebM", "gif": "animated GIF"}
ACCEPTED_TEXT = "MP4, MOV, WebM or animated GIF"

# QuickTime files written before the ``ftyp`` box existed start with one of these top-level boxes
_QUICKTIME_BOXES = {b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"}
# ftyp brands of still images and audio: an ISO container, but not a video
_IMAGE_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"mif1", b"msf1", b"avif", b"avis"}
_AUDIO_BRANDS = {b"M4A ", b"M4B ", b"M4P "}
_SIGNATURES: list[tuple[bytes, str]] = [
    (b"PK\x03\x04", "a ZIP archive"),
    (b"PK\x05\x06", "a ZIP archive"),
    (b"%PDF", "a PDF document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"RIFF", "a RIFF file (AVI or WAV)"),
    (b"ID3", "an MP3 audio file"),
    (b"OggS", "an Ogg file"),
    (b"fLaC", "a FLAC audio file"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
    (b"\x7fELF", "a program (ELF)"),
    (b"MZ", "a Windows program"),
]
_TEXT_MARKERS = (b"<!doctype", b"<html", b"<?xml", b"<svg", b"<head", b"<body", b"{", b"[")


class SniffError(ValueError):
    """The bytes are not one of the accepted containers; ``found`` says what they look like."""

    def __init__(self, found: str) -> None:
        super().__init__(found)
        self.found = found


def _ebml_doctype(head: bytes) -> bytes | None:
    """The DocType of a Matroska/WebM EBML header ("webm" or "matroska"), when it is in ``head``."""
    marker = head.find(b"\x42\x82")
    if marker < 0 or marker + 3 > len(head):
        return None
    size_byte = head[marker + 2]
    if not size_byte & 0x80:  # only the one-byte size form is used for so short a string
        return None
    size = size_byte & 0x7F
    return head[marker + 3 : marker + 3 + size]


def sniff_bytes(head: bytes) -> Container:
    """The container of a video from its first bytes (read at least 64). Raises ``SniffError``."""
    if len(head) < 12:
        raise SniffError("too short to be a video")
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:4] == b"\x1a\x45\xdf\xa3":
        doctype = _ebml_doctype(head)
        if doctype == b"webm":
            return "webm"
        raise SniffError("Matroska (.mkv)" if doctype == b"matroska" else "an EBML file that is not WebM")
    box = head[4:8]
    if box == b"ftyp":
        brand = head[8:12]
        if brand in _IMAGE_BRANDS:
            raise SniffError("an AVIF image" if brand.startswith(b"avi") else "a HEIF/HEIC image")
        if brand in _AUDIO_BRANDS:
            raise SniffError("an M4A audio file (no video)")
        return "mov" if brand == b"qt  " else "mp4"
    if box in _QUICKTIME_BOXES:
        return "mov"
    for signature, name in _SIGNATURES:
        if head.startswith(signature):
            if signature == b"RIFF" and head[8:12] == b"WEBP":
                raise SniffError("a WebP image")
            raise SniffError(name)
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(_TEXT_MARKERS):
        kind = "an HTML page" if text.startswith((b"<!doctype", b"<html", b"<head", b"<body")) else "a text file"
        raise SniffError(kind)
    raise SniffError("not a known video format")


def sniff_file(path: Path) -> Container:
    with Path(path).open("rb") as handle:
        return sniff_bytes(handle.read(512))
