"""Sound into real MP4s with the ffmpeg botkit ships: streams, loudness (ebur128), ducking,
subtitle track and sidecars, and bad music refused with nothing half-written."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from botkit.audio.captions import line_cues, word_cues
from botkit.audio.decode import read_audio
from botkit.audio.drift import cue_drift, summarise
from botkit.audio.loudness import measure
from botkit.audio.mix import Music, mix_into
from botkit.audio.wav import write_wav
from botkit.domain import Clip
from botkit.errors import InputError
from botkit.post.encode import encode_platforms
from botkit.post.ffmpeg import ffmpeg_output, run_ffmpeg
from botkit.post.presets import PlatformPreset
from botkit.post.subtitles import Cue

SMALL = PlatformPreset(id="small", name="small", width=160, height=90, fps=30, max_duration_s=60)


@pytest.fixture(scope="module")
def silent_video(tmp_path_factory, track) -> Path:
    """A silent MP4 as botkit's encoder makes it, as long as the narrated track."""
    frames = round(track.duration_s * 24)
    ramp = np.linspace(0, 255, 160, dtype=np.uint8)
    data = np.broadcast_to(ramp[None, None, :, None], (frames, 90, 160, 3)).copy()
    data[:, :, :, 1] = (np.arange(frames) * 3 % 255)[:, None, None].astype(np.uint8)
    [video] = encode_platforms(Clip(data, 24), [SMALL], tmp_path_factory.mktemp("silent"), stem="silent")
    return video.video


def streams(path: Path) -> str:
    info = run_ffmpeg(["-i", str(path), "-map", "0", "-c", "copy", "-f", "null", "-"])
    return "\n".join(line for line in info.splitlines() if "Stream #" in line)


def video_md5(path: Path) -> bytes:
    return ffmpeg_output(["-i", str(path), "-map", "0:v:0", "-c", "copy", "-f", "md5", "pipe:1"])


def loud_enough(loudness) -> None:
    assert loudness.integrated_lufs == pytest.approx(-14.0, abs=0.5)
    assert loudness.true_peak_db <= -1.0


@pytest.fixture(scope="module")
def mixed(tmp_path_factory, silent_video, track):
    out = tmp_path_factory.mktemp("mixed") / "training-youtube.mp4"
    return mix_into(silent_video, track, Music(bed="calm"), platform="youtube", cues=line_cues(track), out=out)


def test_narration_and_music_make_one_aac_track_beside_the_copied_video(mixed, silent_video) -> None:
    info = streams(mixed.video)
    assert re.search(r"Audio: aac .*48000 Hz, stereo", info), info
    assert re.search(r"\(eng\).*Subtitle: mov_text", info), info
    assert video_md5(mixed.video) == video_md5(silent_video)  # the picture is copied, not re-encoded


def test_loudness_meets_the_platform_target(mixed) -> None:
    measured = measure(mixed.video)  # read back from the written file, independently of the mixer
    loud_enough(measured)
    assert mixed.loudness == measured


def test_the_subtitle_track_and_sidecars_carry_the_cues(mixed, track) -> None:
    cues = line_cues(track)
    embedded = ffmpeg_output(["-i", str(mixed.video), "-map", "0:s:0", "-f", "srt", "pipe:1"]).decode()
    starts = [float(m[0]) * 3600 + float(m[1]) * 60 + float(m[2].replace(",", "."))
              for m in re.findall(r"(\d\d):(\d\d):(\d\d,\d\d\d) -->", embedded)]  # fmt: skip
    assert starts == pytest.approx([c.start_s for c in cues], abs=0.002)
    assert mixed.srt.read_text(encoding="utf-8").count("-->") == len(cues)
    assert mixed.vtt.read_text(encoding="utf-8").startswith("WEBVTT")
    assert sorted(p.name for p in mixed.video.parent.iterdir()) == [
        "training-youtube.mp4", "training-youtube.srt", "training-youtube.vtt",
    ]  # fmt: skip


def test_captions_stay_on_the_voice_through_aac(tmp_path: Path, silent_video, track) -> None:
    """Cue start vs speech onset, measured on the decoded MP4 audio (encoder delay included)."""
    result = mix_into(silent_video, track, None, cues=word_cues(track), out=tmp_path / "voice.mp4")
    loud_enough(result.loudness)
    audio = read_audio(result.video, rate=48_000)
    drift = summarise(cue_drift(audio, 48_000, word_cues(track)))
    assert drift.count >= 5
    assert drift.median_ms <= 1000 / 30, drift
    assert drift.worst_ms <= 50, drift


def test_music_ducks_under_the_voice(tmp_path: Path, silent_video, track) -> None:
    # a 50 Hz tone as the "song": below the voice's pitch, so its level can be read under speech
    rate = 48_000
    tone = 0.5 * np.sin(2 * np.pi * 50 * np.arange(rate * 20) / rate)
    song = write_wav(tmp_path / "tone.wav", np.stack([tone, tone], axis=1).astype(np.float32), rate)
    result = mix_into(silent_video, track, Music(path=song), out=tmp_path / "ducked.mp4")
    audio = read_audio(result.video, rate=rate)

    from scipy.signal import butter, sosfiltfilt

    only_tone = sosfiltfilt(butter(4, [40, 60], btype="band", fs=rate, output="sos"), audio)

    def tone_db(start: float, end: float) -> float:
        part = only_tone[round(start * rate) : round(end * rate)]
        return 20 * np.log10(np.sqrt((part**2).mean()) + 1e-12)

    speaking = [tone_db(line.words[0].start_s + 0.3, line.words[-1].end_s - 0.1) for line in track.lines]
    starts = [line.start_s for line in track.lines]
    gap = tone_db(track.lines[1].end_s + 0.5, starts[2] - 0.2)  # the silent shot
    assert all(gap - level >= 6 for level in speaking), (gap, speaking)


def _band_db(audio: np.ndarray, rate: int, hz: float, start: float, end: float) -> float:
    from scipy.signal import butter, sosfiltfilt

    only = sosfiltfilt(butter(4, [hz * 0.8, hz * 1.2], btype="band", fs=rate, output="sos"), audio)
    part = only[round(start * rate) : round(end * rate)]
    return float(20 * np.log10(np.sqrt((part**2).mean()) + 1e-12))


@pytest.mark.parametrize("music", [None, "calm"])
def test_a_clips_own_sound_stays_under_the_narration(tmp_path: Path, silent_video, track, music) -> None:
    """A user's clip kept "with its sound": the sound is mixed in under the voice (and the music),
    dipping while someone speaks, not replaced by the narration."""
    rate = 48_000
    tone = 0.3 * np.sin(2 * np.pi * 50 * np.arange(round(rate * track.duration_s)) / rate)
    wav = write_wav(tmp_path / "own.wav", np.stack([tone, tone], axis=1).astype(np.float32), rate)
    with_sound = tmp_path / "with-sound.mp4"
    run_ffmpeg(["-i", str(silent_video), "-i", str(wav), "-map", "0:v", "-map", "1:a", "-c:v", "copy", "-c:a", "aac",
                "-shortest", str(with_sound)])  # fmt: skip
    result = mix_into(with_sound, track, Music(bed=music) if music else None, out=tmp_path / "mixed.mp4")
    loud_enough(result.loudness)
    audio = read_audio(result.video, rate=rate)
    starts = [line.start_s for line in track.lines]
    gap = _band_db(audio, rate, 50, track.lines[1].end_s + 0.5, starts[2] - 0.2)  # the silent shot
    speaking = [
        _band_db(audio, rate, 50, line.words[0].start_s + 0.3, line.words[-1].end_s - 0.1) for line in track.lines
    ]
    assert gap > -40, gap  # the clip's sound is there
    assert all(gap - level >= 3 for level in speaking), (gap, speaking)  # and dips under the voice
    voice_only = read_audio(mix_into(silent_video, track, None, out=tmp_path / "voice.mp4").video, rate=rate)
    assert _band_db(voice_only, rate, 50, track.lines[1].end_s + 0.5, starts[2] - 0.2) < gap - 20


def test_music_alone_is_trimmed_faded_and_normalised(tmp_path: Path, silent_video) -> None:
    result = mix_into(silent_video, None, Music(bed="bright"), platform="tiktok", out=tmp_path / "music.mp4")
    loud_enough(result.loudness)
    audio = read_audio(result.video)
    assert len(audio) / 48_000 == pytest.approx(11.0, abs=0.03)
    rms = lambda a, b: float(np.sqrt((audio[int(a * 48000) : int(b * 48000)] ** 2).mean()))  # noqa: E731
    assert rms(0, 0.1) < rms(5, 6) / 4 and rms(10.9, 11.0) < rms(5, 6) / 4  # faded in and out


def test_a_short_song_loops_under_a_long_video(tmp_path: Path, silent_video) -> None:
    rate = 44_100
    tone = (0.3 * np.sin(2 * np.pi * 440 * np.arange(rate * 2) / rate)).astype(np.float32)
    song = write_wav(tmp_path / "short.wav", tone, rate)
    audio = read_audio(mix_into(silent_video, None, Music(path=song, fade_s=0.5), out=tmp_path / "l.mp4").video)
    assert np.sqrt((audio[8 * 48000 : 9 * 48000] ** 2).mean()) > 0.05


def test_no_narration_and_no_music_adds_no_audio_track(tmp_path: Path, silent_video) -> None:
    result = mix_into(silent_video, None, None, out=tmp_path / "same.mp4")
    assert "Audio:" not in streams(result.video)
    assert result.video.read_bytes() == silent_video.read_bytes()
    assert result.loudness is None and result.srt is None


def test_captions_without_sound_get_a_subtitle_track_and_no_audio(tmp_path: Path, silent_video) -> None:
    cues = [Cue(start_s=0.5, end_s=2.0, text="Step one")]
    result = mix_into(silent_video, None, None, cues=cues, out=tmp_path / "subs.mp4")
    info = streams(result.video)
    assert "Audio:" not in info and "mov_text" in info


def test_mixing_in_place_replaces_the_video(tmp_path: Path, silent_video, track) -> None:
    video = tmp_path / "in-place.mp4"
    video.write_bytes(silent_video.read_bytes())
    mix_into(video, track, None)
    assert "Audio: aac" in streams(video)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in-place.mp4"]


def _bomb(path: Path) -> Path:
    import struct

    header = struct.pack("<4sI4s4sIHHIIHH4sI", b"RIFF", 0xFFFFFFF0, b"WAVE", b"fmt ", 16, 1, 2, 48000, 192000, 4,
                         16, b"data", 4_000_000_000)  # fmt: skip
    path.write_bytes(header + b"\0" * 4096)
    return path


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: (p / "noise.mp3").write_bytes(np.random.default_rng(1).bytes(20_000)) and p / "noise.mp3",
         "no readable audio track"),
        (lambda p: _bomb(p / "bomb.wav"), "claims 4,000,000,000 bytes"),
        (lambda p: (p / "empty.ogg").write_bytes(b"") or p / "empty.ogg", "is empty"),
        (lambda p: p / "missing.mp3", "does not exist"),
    ],
)  # fmt: skip
def test_bad_music_is_refused_and_nothing_is_written(tmp_path: Path, silent_video, track, make, message) -> None:
    uploads, out_dir = tmp_path / "uploads", tmp_path / "out"
    uploads.mkdir()
    out_dir.mkdir()
    music = make(uploads)
    with pytest.raises(InputError, match=message):
        mix_into(silent_video, track, Music(path=music), out=out_dir / "v.mp4")
    assert list(out_dir.iterdir()) == []


def test_a_huge_music_file_is_refused_before_reading_it(tmp_path: Path, silent_video, track) -> None:
    huge = tmp_path / "huge.mp3"
    with huge.open("wb") as handle:
        handle.truncate(300 * 2**20)  # sparse: costs no disk
    with pytest.raises(InputError, match="300 MiB; at most 100 MiB"):
        mix_into(silent_video, track, Music(path=huge), out=tmp_path / "v.mp4")
    assert not (tmp_path / "v.mp4").exists()


def test_a_file_that_is_not_a_video_is_refused(tmp_path: Path, track) -> None:
    fake = tmp_path / "fake.mp4"
    fake.write_text("not a video")
    with pytest.raises(InputError, match=r"fake\.mp4 is not a readable video"):
        mix_into(fake, track, None, out=tmp_path / "out.mp4")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fake.mp4"]


def test_music_needs_exactly_one_source(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="exactly one of bed"):
        Music()
    with pytest.raises(ValueError, match="choose from"):
        Music(bed="disco")


def test_a_track_longer_than_the_video_is_refused(tmp_path: Path, silent_video, voices, synthesizer) -> None:
    from botkit.audio.narration import NarrationLine, narrate

    longer = narrate([NarrationLine(text="Hello.")], [20.0], fps=24, voices=voices, synthesizer=synthesizer)
    with pytest.raises(InputError, match=r"narration track is 20\.00 s but silent-small\.mp4 is 11\.00 s"):
        mix_into(silent_video, longer, None, out=tmp_path / "v.mp4")
