"""Probes an uploaded video before a single frame is decoded: container (sniffed), codec, size,
rotation, frame rate and whether it varies, pixel format (bit depth, alpha), audio, streams.

Two ffmpeg runs from argument lists: ``ffmpeg -i FILE`` for the header, then a packet scan
(``-c copy -f framecrc``: timestamps only, nothing decoded) for the true duration, frame count,
variable frame rate and truncation. ``check_video`` applies ``VideoLimits`` between the two, so a
two-hour upload or a pixel bomb is refused after reading its header.
"""

from __future__ import annotations

import itertools
import logging
import re
import subprocess
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from botkit.errors import InputError
from botkit.media.sniff import ACCEPTED, ACCEPTED_TEXT, Container, SniffError, sniff_file
from botkit.post.ffmpeg import ffmpeg_exe

logger = logging.getLogger(__name__)

PROBE_TIMEOUT_S = 60.0
SCAN_TIMEOUT_S = 120.0
VFR_TOLERANCE = 0.2  # a frame interval this far (fraction) from the median one is not constant rate
# ffmpeg's demuxer names for each sniffed container: a file must agree with both
_DEMUXERS: dict[str, str] = {"mp4": "mov,mp4", "mov": "mov,mp4", "webm": "matroska,webm", "gif": "gif"}
_ALPHA_FORMATS = re.compile(r"^(yuva|gbrap|ya\d|rgba|bgra|argb|abgr|rgb32|bgr32|pal8)")


class VideoLimits(BaseModel):
    """What an upload may be. Every error quotes the limit it broke."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    max_bytes: int = Field(default=500 * 2**20, gt=0)
    max_duration_s: float = Field(default=600.0, gt=0)
    max_pixels: int = Field(default=4096 * 2304, gt=0, description="per frame, after rotation")
    min_side: int = Field(default=16, gt=0)
    max_fps: float = Field(default=120.0, gt=0)
    max_streams: int = Field(default=8, gt=0)
    max_gif_pixels: int = Field(
        default=1_500_000_000, gt=0, description="frames x pixels of an animated GIF (LZW packs a flat frame tiny)"
    )
    codecs: tuple[str, ...] = ("h264", "hevc", "vp8", "vp9", "av1", "prores", "mpeg4", "gif")


class AudioStream(BaseModel):
    codec: str
    sample_rate: int | None = None
    channels: str | None = None


class MediaInfo(BaseModel):
    """One video upload as probed. ``width``/``height`` are as displayed (rotation applied)."""

    path: Path
    container: Container
    bytes: int
    codec: str
    coded_width: int
    coded_height: int
    width: int
    height: int
    rotation: int = Field(description="degrees clockwise the picture must turn to display upright: 0, 90, 180, 270")
    pix_fmt: str
    bit_depth: int
    alpha: bool
    fps: float = Field(description="average frame rate: frames / duration")
    nominal_fps: float = Field(description="1 / the median frame interval: the rate of most frames")
    variable_frame_rate: bool
    duration_s: float
    frames: int
    audio: list[AudioStream] = Field(default_factory=list)
    streams: int
    notes: list[str] = Field(default_factory=list, description="what normalisation will change")

    @property
    def has_audio(self) -> bool:
        return bool(self.audio)


class _Header(BaseModel):
    demuxer: str
    duration_s: float | None
    video: list[dict[str, str]]
    audio: list[AudioStream]
    streams: int


def _split_top(text: str) -> list[str]:
    """Split ``text`` at commas that are not inside parentheses or brackets."""
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for char in text:
        if char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        if char == "," and depth == 0:
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    parts.append("".join(current).strip())
    return [part for part in parts if part]


def _header_stderr(path: Path) -> str:
    # ``ffmpeg -i`` with no output prints the header and exits 1 by design: read stderr either way
    command = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", str(path)]
    try:
        done = subprocess.run(command, capture_output=True, timeout=PROBE_TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired:
        raise InputError(
            f"video {path.name!r} took longer than {PROBE_TIMEOUT_S:g} s to open; it is not usable"
        ) from None
    return done.stderr.decode("utf-8", "replace")


def _parse_header(stderr: str, name: str) -> _Header:
    opened = re.search(r"^Input #0, ([\w,]+), from", stderr, re.M)
    if not opened:
        if "moov atom not found" in stderr:
            raise InputError(
                f"video {name!r} is truncated or was not finished recording (no MP4 index, 'moov'); "
                "upload the complete file"
            )
        last = next((line.strip() for line in reversed(stderr.strip().splitlines()) if line.strip()), "")
        raise InputError(f"video {name!r} cannot be opened as a video ({last}); accepted: {ACCEPTED_TEXT}")
    duration = None
    found = re.search(r"Duration: (\d+):(\d+):(\d+(?:\.\d+)?)", stderr)
    if found:
        hours, minutes, seconds = found.groups()
        duration = int(hours) * 3600 + int(minutes) * 60 + float(seconds)
    video: list[dict[str, str]] = []
    audio: list[AudioStream] = []
    streams = 0
    current: dict[str, str] | None = None
    for line in stderr.splitlines():
        stream = re.match(r"\s+Stream #0:\d+\S*: (\w+): (.*)$", line)
        if stream:
            streams += 1
            kind, rest = stream.groups()
            current = None
            fields = _split_top(rest)
            if kind == "Video" and fields:
                current = {"codec": fields[0].split()[0], "fields": "|".join(fields[1:]), "side": ""}
                video.append(current)
            elif kind == "Audio" and fields:
                rate = next((int(f.split()[0]) for f in fields if f.endswith(" Hz")), None)
                channels = fields[2] if len(fields) > 2 else None
                audio.append(AudioStream(codec=fields[0].split()[0], sample_rate=rate, channels=channels))
        elif current is not None and line.startswith("    "):
            current["side"] += line.strip() + "\n"
    return _Header(demuxer=opened.group(1), duration_s=duration, video=video, audio=audio, streams=streams)


def _video_fields(stream: dict[str, str]) -> tuple[str, int, int, float | None]:
    """(pix_fmt, coded width, coded height, header fps) of a parsed video stream."""
    fields = stream["fields"].split("|")
    pix_fmt, width, height, fps = "", 0, 0, None
    for field in fields:
        size = re.match(r"(\d+)x(\d+)", field)
        if size and not width:
            width, height = int(size.group(1)), int(size.group(2))
        elif field.endswith(" fps"):
            fps = float(field.split()[0].rstrip("k")) * (1000 if field.split()[0].endswith("k") else 1)
        elif not pix_fmt and re.match(r"^[a-z][a-z0-9_]*(\(|$)", field) and not field.startswith(("q=", "SAR")):
            pix_fmt = field.split("(")[0]
    return pix_fmt, width, height, fps


def _rotation(side: str) -> int:
    """Clockwise degrees to display upright, from ffmpeg's display matrix note (counter-clockwise)."""
    found = re.search(r"rotation of (-?[\d.]+) degrees", side, re.I)
    if not found:
        return 0
    counter_clockwise = float(found.group(1))
    return round(-counter_clockwise / 90) * 90 % 360


def _bit_depth(pix_fmt: str) -> int:
    found = re.search(r"p(\d+)(le|be)$", pix_fmt) or re.search(r"(\d+)(le|be)$", pix_fmt)
    if found and int(found.group(1)) in (9, 10, 12, 14, 16):
        return int(found.group(1))
    return 8


def _scan_packets(path: Path, limit_s: float) -> tuple[list[float], bool]:
    """Presentation times (s) of the first video stream's packets up to ``limit_s``, and whether
    ffmpeg saw the file end early (truncated)."""
    command = [
        ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", str(path), "-map", "0:v:0", "-c", "copy",
        "-t", f"{limit_s:.3f}", "-f", "framecrc", "-",
    ]  # fmt: skip
    try:
        done = subprocess.run(command, capture_output=True, timeout=SCAN_TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired:
        raise InputError(
            f"video {path.name!r} took longer than {SCAN_TIMEOUT_S:g} s to read; it is not usable"
        ) from None
    stdout = done.stdout.decode("ascii", "replace")
    stderr = done.stderr.decode("utf-8", "replace")
    base = re.search(r"^#tb 0: (\d+)/(\d+)", stdout, re.M)
    if done.returncode != 0 or not base:
        tail = "; ".join(stderr.strip().splitlines()[-2:])
        raise InputError(f"video {path.name!r} could not be read ({tail})")
    tick = int(base.group(1)) / int(base.group(2))
    times = []
    for line in stdout.splitlines():
        if line.startswith("0,"):
            parts = line.split(",")
            times.append(int(parts[2]) * tick)
    truncated = "partial file" in stderr or "corrupt input packet" in stderr
    return sorted(times), truncated


def _refuse_sniffed(path: Path) -> Container:
    try:
        return sniff_file(path)
    except SniffError as exc:
        raise InputError(f"video {path.name!r} is {exc.found}, not a video; accepted: {ACCEPTED_TEXT}") from None


def _format_duration(seconds: float) -> str:
    minutes, rest = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{rest:02d}" if hours else f"{minutes}:{rest:02d}"


def check_video(path: Path, limits: VideoLimits | None = None) -> MediaInfo:
    """Probe ``path`` and apply ``limits``; raise ``InputError`` saying what is wrong and what is allowed."""
    limits = limits or VideoLimits()
    path = Path(path)
    name = path.name
    if not path.is_file():
        raise InputError(f"video {name!r} not found")
    size = path.stat().st_size
    if size == 0:
        raise InputError(f"video {name!r} is empty")
    if size > limits.max_bytes:
        raise InputError(
            f"video {name!r} is {size / 2**20:.0f} MiB; at most {limits.max_bytes / 2**20:.0f} MiB is allowed"
        )
    container = _refuse_sniffed(path)
    header = _parse_header(_header_stderr(path), name)
    if not header.demuxer.startswith(_DEMUXERS[container]):
        raise InputError(
            f"video {name!r} starts like {ACCEPTED[container]} but ffmpeg reads it as {header.demuxer}; "
            f"accepted: {ACCEPTED_TEXT}"
        )
    if header.streams > limits.max_streams:
        raise InputError(f"video {name!r} has {header.streams} streams; at most {limits.max_streams} are allowed")
    if not header.video:
        what = f"only audio ({header.audio[0].codec})" if header.audio else "no streams ffmpeg can read"
        raise InputError(f"video {name!r} has no video stream ({what}); upload a file with a picture")
    stream = header.video[0]
    codec = stream["codec"]
    if codec not in limits.codecs:
        raise InputError(f"video {name!r} uses the {codec} codec; supported: {', '.join(limits.codecs)}")
    pix_fmt, coded_w, coded_h, header_fps = _video_fields(stream)
    if not (coded_w and coded_h and pix_fmt):
        raise InputError(f"video {name!r} does not say its picture size or format; it cannot be decoded safely")
    rotation = _rotation(stream["side"])
    width, height = (coded_h, coded_w) if rotation in (90, 270) else (coded_w, coded_h)
    if width * height > limits.max_pixels:
        raise InputError(
            f"video {name!r} is {width}x{height} ({width * height / 1e6:.1f} MP a frame); "
            f"at most {limits.max_pixels / 1e6:.1f} MP is allowed"
        )
    if min(width, height) < limits.min_side:
        raise InputError(f"video {name!r} is {width}x{height}; each side must be at least {limits.min_side} px")
    if header.duration_s is not None and header.duration_s > limits.max_duration_s:
        raise InputError(
            f"video {name!r} is {_format_duration(header.duration_s)} long ({header.duration_s:.0f} s); "
            f"at most {limits.max_duration_s:g} s is allowed: trim it first"
        )
    times, truncated = _scan_packets(path, limits.max_duration_s + 1)
    return _finish(path, container, size, header, limits, times, truncated,
                   codec=codec, pix_fmt=pix_fmt, coded=(coded_w, coded_h), shown=(width, height),
                   rotation=rotation, header_fps=header_fps, alpha_side="alpha_mode" in stream["side"] and
                   re.search(r"alpha_mode\s*:\s*1", stream["side"]) is not None)  # fmt: skip


def _finish(
    path: Path, container: Container, size: int, header: _Header, limits: VideoLimits, times: list[float],
    truncated: bool, *, codec: str, pix_fmt: str, coded: tuple[int, int], shown: tuple[int, int], rotation: int,
    header_fps: float | None, alpha_side: bool,
) -> MediaInfo:  # fmt: skip
    name = path.name
    if not times:
        raise InputError(f"video {name!r} has a video stream with no frames in it")
    frames = len(times)
    intervals = [b - a for a, b in itertools.pairwise(times) if b > a]
    interval = sorted(intervals)[len(intervals) // 2] if intervals else 1 / (header_fps or 25)
    # the last frame shows for as long as the one before it (a variable-rate tail keeps its pace)
    span = times[-1] - times[0] + (intervals[-1] if intervals else interval)
    if span > limits.max_duration_s:
        raise InputError(f"video {name!r} runs longer than {limits.max_duration_s:g} s; trim it first")
    if truncated or (header.duration_s and header.duration_s - span > max(1.0, 0.1 * header.duration_s)):
        raise InputError(
            f"video {name!r} is truncated: its frames stop at {span:.1f} s"
            + (f" of the {header.duration_s:.1f} s it declares" if header.duration_s else "")
            + "; upload the complete file"
        )
    fps = frames / span if span > 0 else header_fps or 25.0
    if fps > limits.max_fps:
        raise InputError(f"video {name!r} runs at {fps:.0f} frames per second; at most {limits.max_fps:g} is allowed")
    width, height = shown
    if container == "gif" and frames * width * height > limits.max_gif_pixels:
        raise InputError(
            f"GIF {name!r} is {frames} frames of {width}x{height} ({frames * width * height / 1e9:.1f} billion pixels "
            f"to decode); at most {limits.max_gif_pixels / 1e9:.1f} billion is allowed"
        )
    variable = bool(intervals) and any(abs(gap - interval) > VFR_TOLERANCE * interval for gap in intervals)
    depth = _bit_depth(pix_fmt)
    alpha = bool(_ALPHA_FORMATS.match(pix_fmt)) or alpha_side
    notes = []
    if variable:
        notes.append(
            f"variable frame rate ({min(intervals) * 1000:.0f}-{max(intervals) * 1000:.0f} ms a frame): made constant"
        )
    if rotation:
        notes.append(f"rotated {rotation} degrees: turned upright")
    if depth > 8:
        notes.append(f"{depth}-bit ({pix_fmt}): converted to 8 bit")
    if alpha:
        notes.append("transparency: flattened onto a background")
    info = MediaInfo(
        path=path, container=container, bytes=size, codec=codec, coded_width=coded[0], coded_height=coded[1],
        width=width, height=height, rotation=rotation, pix_fmt=pix_fmt, bit_depth=depth, alpha=alpha,
        fps=round(fps, 3), nominal_fps=round(1 / interval, 3), variable_frame_rate=variable, duration_s=round(span, 4), frames=frames,
        audio=header.audio, streams=header.streams, notes=notes,
    )  # fmt: skip
    logger.debug("probed video", extra={"video": name, "codec": codec, "frames": frames})
    return info
