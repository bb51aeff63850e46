"""Real files for the media library: images drawn with Pillow, a font botkit ships, a WAV and an
MP4 made with ffmpeg, and files that only pretend to be one of those."""

from __future__ import annotations

import math
import struct
import subprocess
import wave
import zipfile
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from botkit.post.captions import DEFAULT_FONT
from botkit.post.ffmpeg import ffmpeg_exe


class Files:
    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)

    def photo(self, name: str = "bottle.jpg", colour: tuple[int, int, int] = (200, 40, 40)) -> Path:
        path = self.root / name
        image = Image.new("RGB", (320, 240), colour)
        ImageDraw.Draw(image).rectangle((100, 60, 220, 180), fill=(240, 240, 240))
        image.save(path)
        return path

    def logo(self, name: str = "acme-logo.png") -> Path:
        path = self.root / name
        image = Image.new("RGBA", (300, 120), (0, 0, 0, 0))
        ImageDraw.Draw(image).ellipse((10, 10, 110, 110), fill=(250, 160, 0, 255))
        image.save(path)
        return path

    def font(self) -> Path:
        path = self.root / "Brand-Bold.ttf"
        path.write_bytes(DEFAULT_FONT.read_bytes())
        return path

    def music(self, name: str = "jingle.wav", seconds: float = 1.0) -> Path:
        path = self.root / name
        rate = 16_000
        with wave.open(str(path), "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(rate)
            samples = (int(8000 * math.sin(2 * math.pi * 440 * i / rate)) for i in range(int(rate * seconds)))
            out.writeframes(b"".join(struct.pack("<h", s) for s in samples))
        return path

    def footage(self, name: str = "launch.mp4") -> Path:
        path = self.root / name
        if not path.exists():
            subprocess.run(
                [ffmpeg_exe(), "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=s=320x240:r=24:d=2",
                 "-c:v", "libx264", "-pix_fmt", "yuv420p", str(path)],
                check=True,
            )  # fmt: skip
        return path

    def not_a_font(self) -> Path:
        path = self.root / "fake.ttf"
        path.write_text("<html>this is a web page</html>")
        return path

    def truncated_font(self) -> Path:
        path = self.root / "cut.ttf"
        path.write_bytes(DEFAULT_FONT.read_bytes()[:2000])
        return path

    def zip_as(self, suffix: str) -> Path:
        path = self.root / f"archive{suffix}"
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("readme.txt", "hello")
        return path

    def bomb(self) -> Path:
        """A real PNG of 20000 x 20000 pixels (400 MP) that compresses to a few hundred KiB."""
        path = self.root / "bomb.png"
        Image.new("1", (20_000, 20_000), 0).save(path, optimize=True)
        return path


@pytest.fixture
def files(tmp_path: Path) -> Files:
    return Files(tmp_path / "files")
