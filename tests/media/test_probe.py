"""Uploads are probed before decoding: what each real file is, and a clear refusal for bad ones."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from botkit.errors import InputError
from botkit.media.decode import FrameSize, normalise_video, read_frames
from botkit.media.probe import VideoLimits, check_video
from botkit.media.sniff import SniffError, sniff_bytes

from .conftest import Footage, ffmpeg, lavfi_testsrc


@pytest.mark.parametrize(
    ("name", "container", "codec", "frames"),
    [("mp4", "mp4", "h264", 60), ("mov", "mov", "h264", 60), ("webm", "webm", "vp9", 30), ("gif", "gif", "gif", 10)],
)
def test_accepted_containers_are_probed(footage: Footage, name: str, container: str, codec: str, frames: int) -> None:
    info = check_video(getattr(footage, name))
    assert (info.container, info.codec, info.frames) == (container, codec, frames)
    assert info.duration_s == pytest.approx(frames / info.fps, abs=1e-3)
    assert not info.variable_frame_rate and info.rotation == 0


def test_audio_and_streams_are_reported(footage: Footage) -> None:
    info = check_video(footage.mp4)
    assert info.has_audio and info.audio[0].codec == "aac" and info.audio[0].sample_rate == 44100
    assert info.streams == 2 and (info.width, info.height) == (320, 240)
    assert not check_video(footage.mov).has_audio


def test_rotation_metadata_swaps_the_displayed_size_and_is_applied(footage: Footage, tmp_path: Path) -> None:
    info = check_video(footage.rotated)
    assert info.rotation == 90 and (info.coded_width, info.coded_height) == (320, 240)
    assert (info.width, info.height) == (240, 320)
    upright = read_frames(info, "setsar=1", FrameSize(240, 320), max_frames=1)[0]
    plain = read_frames(check_video(footage.mov), "setsar=1", FrameSize(320, 240), max_frames=1)[0]
    # turned clockwise: the source's left column is now the top row (read right to left)
    assert np.abs(upright.astype(int) - np.rot90(plain, k=-1).astype(int)).mean() < 3
    working = normalise_video(info, tmp_path)
    again = check_video(working.video)
    assert again.rotation == 0 and (again.width, again.height) == (240, 320)


def test_variable_frame_rate_is_detected_and_made_constant(footage: Footage, tmp_path: Path) -> None:
    info = check_video(footage.vfr)
    assert info.variable_frame_rate and info.nominal_fps == pytest.approx(30, abs=0.1)
    assert info.duration_s == pytest.approx(4.0, abs=0.02)
    working = normalise_video(info, tmp_path)
    again = check_video(working.video)
    assert not again.variable_frame_rate and again.fps == pytest.approx(30, abs=0.01)
    assert again.duration_s == pytest.approx(info.duration_s, abs=0.05)


def test_ten_bit_becomes_eight_bit(footage: Footage, tmp_path: Path) -> None:
    info = check_video(footage.ten_bit)
    assert info.bit_depth == 10 and info.codec == "hevc" and not info.alpha
    again = check_video(normalise_video(info, tmp_path).video)
    assert again.bit_depth == 8 and again.pix_fmt == "yuv420p"


def test_alpha_is_flattened_onto_the_background(footage: Footage, tmp_path: Path) -> None:
    info = check_video(footage.alpha)
    assert info.alpha and info.codec == "prores"
    frame = read_frames(info, "setsar=1", FrameSize(320, 240), max_frames=1)[0]
    assert frame[:, :150].mean() > 250  # the transparent half is white
    assert frame[:, 170:].mean() < 200  # the opaque half keeps the picture
    black = read_frames(info, "setsar=1", FrameSize(320, 240), max_frames=1, background="black")[0]
    assert black[:, :150].mean() < 5


def test_audio_is_extracted_to_wav_when_kept(footage: Footage, tmp_path: Path) -> None:
    working = normalise_video(check_video(footage.mp4), tmp_path)
    assert working.audio is not None and working.audio.read_bytes()[:4] == b"RIFF"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["working.mp4", "working.wav"]


def test_no_video_stream(footage: Footage) -> None:
    with pytest.raises(InputError, match=r"has no video stream \(only audio \(aac\)\)"):
        check_video(footage.audio_only)


def test_unsupported_codec_names_the_supported_ones(footage: Footage) -> None:
    with pytest.raises(InputError, match=r"uses the mjpeg codec; supported: h264, hevc"):
        check_video(footage.mjpeg)


def test_truncated_mp4_without_index(footage: Footage, tmp_path: Path) -> None:
    source = tmp_path / "late-index.mp4"
    ffmpeg("-i", str(footage.mov), "-c", "copy", str(source))  # moov at the end, as cameras write it
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(source.read_bytes()[: source.stat().st_size // 2])
    with pytest.raises(InputError, match=r"truncated or was not finished recording"):
        check_video(cut)


def test_truncated_mp4_with_index_first(footage: Footage, tmp_path: Path) -> None:
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(footage.mp4.read_bytes()[: footage.mp4.stat().st_size // 2])
    with pytest.raises(InputError, match=r"is truncated: its frames stop at"):
        check_video(cut)


@pytest.mark.parametrize(
    ("content", "found"),
    [
        (b"PK\x03\x04" + b"\0" * 60, "a ZIP archive"),
        (b"<!DOCTYPE html><html><body>not a video</body></html>", "an HTML page"),
        (b"\n  <html lang=en>" + b" " * 40, "an HTML page"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 60, "a PNG image"),
        (b"\x00\x00\x00\x1cftypheic" + b"\0" * 60, "a HEIF/HEIC image"),
        (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x88matroska" + b"\0" * 40, "Matroska"),
    ],
)
def test_renamed_files_are_refused_by_their_bytes(tmp_path: Path, content: bytes, found: str) -> None:
    path = tmp_path / "clip.mp4"
    path.write_bytes(content)
    with pytest.raises(InputError, match=rf"is {found}.*accepted: MP4, MOV, WebM or animated GIF"):
        check_video(path)


def test_sniff_knows_the_accepted_containers(footage: Footage) -> None:
    assert sniff_bytes(footage.webm.read_bytes()[:512]) == "webm"
    assert sniff_bytes(footage.mov.read_bytes()[:512]) == "mov"
    with pytest.raises(SniffError):
        sniff_bytes(b"hello world, this is text")


def test_two_hour_upload_is_refused_from_its_header(tmp_path: Path) -> None:
    # 2 hours of a 16x16 picture at 1 fps: tiny on disk, long on the clock
    path = tmp_path / "long.mp4"
    ffmpeg(
        *lavfi_testsrc(7200, "32x32", 1), "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", str(path)
    )
    with pytest.raises(InputError, match=r"is 2:00:00 long \(7200 s\); at most 600 s is allowed"):
        check_video(path)


def test_size_and_byte_limits_are_stated(footage: Footage) -> None:
    with pytest.raises(InputError, match=r"320x240 \(0.1 MP a frame\); at most 0.0 MP is allowed"):
        check_video(footage.mp4, VideoLimits(max_pixels=20_000))
    with pytest.raises(InputError, match=r"at most 0 MiB is allowed"):
        check_video(footage.mp4, VideoLimits(max_bytes=1000))
    with pytest.raises(InputError, match=r"2 streams; at most 1 are allowed"):
        check_video(footage.mp4, VideoLimits(max_streams=1))


def bomb_gif(frames: int, width: int, height: int) -> bytes:
    """A GIF as bombs are made: a huge logical screen, each frame a single pixel (a few bytes)."""
    screen = b"GIF89a" + width.to_bytes(2, "little") + height.to_bytes(2, "little") + b"\x80\x00\x00"
    palette = b"\x00\x00\x00\xff\xff\xff"
    loop = b"\x21\xff\x0bNETSCAPE2.0\x03\x01\x00\x00\x00"
    frame = (
        b"\x21\xf9\x04\x00\x04\x00\x00\x00"  # 40 ms
        + b"\x2c\x00\x00\x00\x00\x01\x00\x01\x00\x00"  # a 1x1 image at (0, 0)
        + b"\x02\x02\x44\x01\x00"  # LZW: clear, pixel 0, end
    )
    return screen + palette + loop + frame * frames + b"\x3b"


def test_decompression_bomb_gif_is_refused_before_decoding(tmp_path: Path) -> None:
    # 400 frames of a 2000x2000 screen: 8 KiB on disk, 1.6 billion pixels to decode
    path = tmp_path / "bomb.gif"
    path.write_bytes(bomb_gif(400, 2000, 2000))
    assert path.stat().st_size < 10_000
    with pytest.raises(InputError, match=r"400 frames of 2000x2000 \(1.6 billion pixels to decode\); at most 1.5"):
        check_video(path)
    assert check_video(path, VideoLimits(max_gif_pixels=2_000_000_000)).frames == 400


def test_giant_gif_frame_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "wide.gif"
    Image.new("P", (6000, 4000)).save(path)
    with pytest.raises(InputError, match=r"6000x4000 \(24.0 MP a frame\); at most 9.4 MP"):
        check_video(path)


def test_missing_and_empty(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        check_video(tmp_path / "nope.mp4")
    (tmp_path / "empty.mp4").write_bytes(b"")
    with pytest.raises(InputError, match="is empty"):
        check_video(tmp_path / "empty.mp4")


def test_a_failed_normalisation_leaves_nothing(footage: Footage, tmp_path: Path) -> None:
    source = tmp_path / "src.mp4"
    shutil.copy(footage.mov, source)
    info = check_video(source)
    source.write_bytes(b"gone")  # the upload vanished between probe and decode
    out = tmp_path / "out"
    with pytest.raises(Exception, match="ffmpeg failed"):
        normalise_video(info, out)
    assert list(out.iterdir()) == []
