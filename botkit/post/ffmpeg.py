"""The ffmpeg binary (shipped by ``imageio-ffmpeg``) and runners that turn failures into
``PostError`` with ffmpeg's own last lines."""

from __future__ import annotations

import subprocess
from functools import cache

from botkit.errors import PostError


@cache
def ffmpeg_exe() -> str:
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


def _run(args: list[str], stdin: bytes | None, timeout: float) -> subprocess.CompletedProcess[bytes]:
    command = [ffmpeg_exe(), "-hide_banner", "-y", *([] if stdin is not None else ["-nostdin"]), *args]
    try:
        done = subprocess.run(command, input=stdin, capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as exc:
        raise PostError(f"ffmpeg ran longer than {timeout:g} s") from exc
    if done.returncode != 0:
        stderr = done.stderr.decode("utf-8", "replace")
        tail = "\n".join(stderr.strip().splitlines()[-5:])
        raise PostError(f"ffmpeg failed (exit {done.returncode}): {tail}")
    return done


def run_ffmpeg(args: list[str], *, stdin: bytes | None = None, timeout: float = 600) -> str:
    """Run ffmpeg with ``args``; return its stderr (where it reports). Raise ``PostError`` on failure."""
    return _run(args, stdin, timeout).stderr.decode("utf-8", "replace")


def ffmpeg_output(args: list[str], *, stdin: bytes | None = None, timeout: float = 600) -> bytes:
    """Run ffmpeg writing to ``pipe:1``; return what it wrote to stdout."""
    return _run(args, stdin, timeout).stdout
