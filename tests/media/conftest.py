"""Test footage made with ffmpeg (testsrc2, sine) once per session: each case a real file."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from botkit.post.ffmpeg import ffmpeg_exe


def ffmpeg(*args: str) -> None:
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-nostdin", "-y", "-v", "error", *args], check=True)


def lavfi_testsrc(seconds: float = 2, size: str = "320x240", rate: int = 30) -> list[str]:
    return ["-f", "lavfi", "-i", f"testsrc2=s={size}:r={rate}:d={seconds}"]


class Footage:
    def __init__(self, root: Path) -> None:
        self.root = root

    def make(self, name: str, *args: str) -> Path:
        path = self.root / name
        if not path.exists():
            ffmpeg(*args, str(path))
        return path

    @property
    def mp4(self) -> Path:  # H.264 + AAC, 320x240 30 fps, 2 s
        return self.make("plain.mp4", *lavfi_testsrc(), "-f", "lavfi", "-i", "sine=f=440:d=2", "-c:v", "libx264",
                         "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", "-movflags", "+faststart")  # fmt: skip

    @property
    def mov(self) -> Path:
        return self.make("plain.mov", *lavfi_testsrc(), "-c:v", "libx264", "-pix_fmt", "yuv420p")

    @property
    def webm(self) -> Path:
        return self.make("plain.webm", *lavfi_testsrc(1), "-c:v", "libvpx-vp9", "-deadline", "realtime", "-b:v", "300k")

    @property
    def gif(self) -> Path:
        return self.make("anim.gif", *lavfi_testsrc(1, "160x120", 10))

    @property
    def rotated(self) -> Path:  # coded 320x240 landscape, shown portrait (a phone held upright)
        return self.make("rotated.mp4", "-display_rotation", "-90", "-i", str(self.mov), "-c", "copy")

    @property
    def vfr(self) -> Path:  # 1 s at 30 fps then 1 s at 10 fps
        return self.make("vfr.mp4", *lavfi_testsrc(), "-vf", "setpts='(if(lt(N,30),N/30,1+(N-30)/10))/TB'",
                         "-fps_mode", "vfr", "-c:v", "libx264", "-pix_fmt", "yuv420p")  # fmt: skip

    @property
    def ten_bit(self) -> Path:
        return self.make("tenbit.mp4", *lavfi_testsrc(1), "-c:v", "libx265", "-pix_fmt", "yuv420p10le",
                         "-x265-params", "log-level=error")  # fmt: skip

    @property
    def alpha(self) -> Path:  # ProRes 4444 with a transparent left half
        return self.make("alpha.mov", *lavfi_testsrc(1), "-vf", "format=rgba,geq=r='r(X,Y)':g='g(X,Y)':b='b(X,Y)':a='if(lt(X,W/2),0,255)'",
                         "-c:v", "prores_ks", "-profile:v", "4444", "-pix_fmt", "yuva444p10le")  # fmt: skip

    @property
    def audio_only(self) -> Path:
        return self.make("audio.mp4", "-f", "lavfi", "-i", "sine=f=440:d=1", "-c:a", "aac")

    @property
    def mjpeg(self) -> Path:
        return self.make("mjpeg.mov", *lavfi_testsrc(1), "-c:v", "mjpeg")


@pytest.fixture(scope="session")
def footage(tmp_path_factory: pytest.TempPathFactory) -> Footage:
    return Footage(tmp_path_factory.mktemp("footage"))


def moving_subject(path: Path, seconds: float = 3.0) -> Path:
    """A red ball crossing a wide grey frame left to right (640x360, 30 fps): a subject to follow."""
    if not path.exists():
        ffmpeg("-f", "lavfi", "-i", f"color=c=0x808080:s=640x360:r=30:d={seconds}",
               "-f", "lavfi", "-i", f"color=c=red:s=60x60:r=30:d={seconds}",
               "-filter_complex", f"[1:v]format=rgba,geq=r='255':g='30':b='30':a='if(lt(hypot(X-30,Y-30),28),255,0)'[ball];"
               f"[0:v][ball]overlay=x='20+t*{540 / seconds:.3f}':y=150",
               "-c:v", "libx264", "-pix_fmt", "yuv420p", "-crf", "18", str(path))  # fmt: skip
    return path
