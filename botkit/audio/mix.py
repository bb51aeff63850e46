"""Sound into a finished MP4: narration and a music bed (trimmed, faded, ducked under the voice by
sidechain compression), loudness-normalised for the platform in two passes, encoded AAC 48 kHz
stereo, with the captions as a soft subtitle track (mov_text) and SRT/WebVTT sidecars.

    result = mix_into(video, track, Music(bed="calm"), platform="tiktok", cues=line_cues(track))

The video stream is copied, never re-encoded. A video with neither narration nor music gets no
audio track. Sound the video already has (a user's clip "with its sound") stays: it is mixed in
under the music, and both dip under the voice. Every output is written under a temporary name and renamed into place at the end.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator

from botkit.audio.loudness import (
    VOICE_COMPRESSOR,
    Loudness,
    LoudnessTarget,
    fit_gain,
    limiter,
    measure,
    measure_graph,
    measure_labels,
    target_for,
)
from botkit.audio.music import BEDS, RATE, music_bed
from botkit.audio.narration import NarrationTrack
from botkit.audio.wav import check_wav_file, write_wav
from botkit.errors import InputError, PostError
from botkit.post.ffmpeg import run_ffmpeg
from botkit.post.subtitles import Cue, to_srt, to_vtt

logger = logging.getLogger(__name__)

MAX_MUSIC_BYTES = 100 * 1024 * 1024
AUDIO_BITRATE = "192k"


class Music(BaseModel):
    """A bed botkit makes (``bed``, see ``botkit.audio.music.BEDS``) or a user's file (``path``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    bed: str | None = None
    path: Path | None = None
    level_lu: float = Field(default=-12.0, ge=-40, le=0)  # loudness relative to the voice, before ducking
    fade_s: float = Field(default=1.5, ge=0, le=10)
    duck_ratio: float = Field(default=8.0, ge=1, le=20)

    @model_validator(mode="after")
    def _one_source(self) -> Music:
        if (self.bed is None) == (self.path is None):
            raise ValueError("give exactly one of bed (a built-in bed name) or path (a music file)")
        if self.bed is not None and self.bed not in BEDS:
            raise ValueError(f"unknown music bed {self.bed!r}; choose from: {', '.join(BEDS)}")
        return self


@dataclass(frozen=True)
class Mixed:
    video: Path
    srt: Path | None
    vtt: Path | None
    loudness: Loudness | None  # measured on the written file (ebur128); None when it has no audio
    gain_db: float | None = None  # applied in front of the limiter
    passes: int = 0  # loudness measuring passes it took


@dataclass(frozen=True)
class _Streams:
    duration_s: float
    video: bool
    audio: bool


def _streams(path: Path) -> _Streams:
    try:
        stderr = run_ffmpeg(["-i", str(path), "-map", "0", "-c", "copy", "-f", "null", "-"], timeout=120)
    except PostError as exc:
        raise InputError(f"{path.name} is not a readable video: {exc}") from None
    duration = re.search(r"Duration: (\d+):(\d+):(\d+\.\d+)", stderr)
    if duration is None:
        raise InputError(f"{path.name} has no duration ffmpeg can read")
    hours, minutes, seconds = duration.groups()
    return _Streams(
        duration_s=int(hours) * 3600 + int(minutes) * 60 + float(seconds),
        video=bool(re.search(r"Stream #0:\d+.*: Video:", stderr)),
        audio=bool(re.search(r"Stream #0:\d+.*: Audio:", stderr)),
    )


def check_music_file(path: Path, *, max_bytes: int = MAX_MUSIC_BYTES) -> None:
    """Raise ``InputError`` unless ``path`` is a music file of sane size whose audio ffmpeg decodes."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"music file {path} does not exist")
    size = path.stat().st_size
    if size > max_bytes:
        raise InputError(f"music file {path.name} is {size / 2**20:.0f} MiB; at most {max_bytes / 2**20:.0f} MiB")
    if size == 0:
        raise InputError(f"music file {path.name} is empty")
    with path.open("rb") as handle:
        head = handle.read(12)
    if head[:4] in (b"RIFF", b"RF64") and head[8:12] == b"WAVE":
        check_wav_file(path, what=f"music file {path.name}")
    try:
        run_ffmpeg(["-t", "0.5", "-i", str(path), "-map", "0:a:0", "-f", "null", "-"], timeout=60)
    except PostError as exc:
        raise InputError(f"music file {path.name} has no readable audio track ({exc})") from None


VOICE_LEVEL_LUFS = -20.0  # the voice is brought here before its compressor and the ducking key


def _voice_chain(index: int, duration: float, gain_db: float = 0.0, *, compress: bool = True) -> str:
    chain = (
        f"[{index}:a]aresample={RATE},pan=stereo|c0=c0|c1=c0,apad=whole_dur={duration:.6f},"
        f"atrim=duration={duration:.6f},volume={gain_db:.3f}dB"
    )
    return f"{chain},{VOICE_COMPRESSOR}" if compress else chain


def _music_chain(index: int, duration: float, music: Music, gain_db: float = 0.0) -> str:
    fade = min(music.fade_s, duration / 4)
    return (
        f"[{index}:a]atrim=duration={duration:.6f},asetpts=PTS-STARTPTS,aresample={RATE},"
        f"aformat=channel_layouts=stereo,volume={gain_db:.3f}dB,"
        f"afade=t=in:d={fade:.3f},afade=t=out:st={duration - fade:.6f}:d={fade:.3f},apad=whole_dur={duration:.6f},"
        f"atrim=duration={duration:.6f}"
    )


OWN_LEVEL_LU = -6.0  # the video's own sound (a user's clip) relative to the voice, before ducking


def _own_chain(index: int, duration: float, gain_db: float = 0.0) -> str:
    return (
        f"[{index}:a]asetpts=PTS-STARTPTS,aresample={RATE},aformat=channel_layouts=stereo,volume={gain_db:.3f}dB,"
        f"apad=whole_dur={duration:.6f},atrim=duration={duration:.6f}"
    )


@dataclass(frozen=True)
class _Levels:
    voice_gain_db: float = 0.0
    music_gain_db: float = 0.0
    own_gain_db: float = 0.0


def _graph(voice: int | None, music_index: int | None, music: Music | None, duration: float, levels: _Levels,
           own: int | None = None) -> str:  # fmt: skip
    """A filter graph ending in ``[mix]``. ``own``: the input holding the video's own sound, a second
    bed beside the music."""
    beds = []
    if music_index is not None and music is not None:
        beds.append(_music_chain(music_index, duration, music, levels.music_gain_db))
    if own is not None:
        beds.append(_own_chain(own, duration, levels.own_gain_db))
    if not beds:
        assert voice is not None
        return f"{_voice_chain(voice, duration, levels.voice_gain_db)}[mix]"
    if len(beds) == 1:
        bed = beds[0]
    else:  # music and the clip's sound summed into one bed
        bed = f"{beds[0]}[b0];{beds[1]}[b1];[b0][b1]amix=inputs=2:duration=first:normalize=0"
    if voice is None:
        return f"{bed}[mix]"
    ratio = music.duck_ratio if music is not None else Music.model_fields["duck_ratio"].default
    return (
        f"{_voice_chain(voice, duration, levels.voice_gain_db)},asplit=2[voice][key];{bed}[bed];"
        # the voice keys a compressor on the beds: music and clip sound dip while someone speaks
        f"[bed][key]sidechaincompress=threshold=0.02:ratio={ratio:g}:attack=20:release=800:"
        f"makeup=1[ducked];[voice][ducked]amix=inputs=2:duration=first:normalize=0[mix]"
    )


def _levels(inputs: list[str], voice: int | None, music_index: int | None, music: Music | None, duration: float,
            timeout: float, own: int | None = None) -> tuple[_Levels, float | None]:  # fmt: skip
    """Gains that bring the voice to VOICE_LEVEL_LUFS, the music ``music.level_lu`` and the video's
    own sound OWN_LEVEL_LU under the compressed voice; and the loudness the mix will have before the
    final gain (None: unknown). A silent own sound is left as it is."""
    if voice is None:
        return _Levels(), None
    graph, labels = f"{_voice_chain(voice, duration, compress=False)}[v]", ["v"]
    has_music = music_index is not None and music is not None
    if has_music:
        assert music is not None and music_index is not None
        graph += f";{_music_chain(music_index, duration, music)}[m]"
        labels.append("m")
    if own is not None:
        graph += f";{_own_chain(own, duration)}[o]"
        labels.append("o")
    raw = measure_labels(inputs, graph, labels, timeout=timeout)
    if raw[0].integrated_lufs < -70:
        raise InputError("the narration track is silent")
    voice_gain = VOICE_LEVEL_LUFS - raw[0].integrated_lufs
    # the compressor's threshold is absolute: measure the voice as it leaves it, at this gain
    compressed = measure_graph(inputs, f"{_voice_chain(voice, duration, voice_gain)}[c]", "c", timeout=timeout)
    music_gain = own_gain = 0.0
    if has_music:
        assert music is not None
        if raw[1].integrated_lufs < -70:
            raise InputError(f"the music {music.path.name if music.path else music.bed} is silent")
        music_gain = compressed.integrated_lufs + music.level_lu - raw[1].integrated_lufs
    if own is not None and raw[-1].integrated_lufs >= -70:
        own_gain = compressed.integrated_lufs + OWN_LEVEL_LU - raw[-1].integrated_lufs
    # the ducked beds add little under the voice: the voice's level predicts the mix's
    return _Levels(voice_gain, music_gain, own_gain), compressed.integrated_lufs


def mix_into(
    video: Path,
    track: NarrationTrack | None,
    music: Music | None,
    *,
    platform: str | None = None,
    target: LoudnessTarget | None = None,
    cues: list[Cue] | None = None,
    out: Path | None = None,
    subtitle_language: str = "eng",
    timeout: float = 600,
) -> Mixed:
    """Write ``out`` (default: ``video`` itself, replaced) = ``video``'s picture + the mixed sound
    + a mov_text track of ``cues``, and ``<out>.srt`` / ``<out>.vtt`` when there are cues.

    Loudness follows ``target`` (default: the platform's, -14 LUFS, true peak -1 dBTP).
    Raises ``InputError`` for a bad video or music file, ``PostError`` when ffmpeg fails; on any
    failure no output file is left half-written.
    """
    video = Path(video)
    out = Path(out) if out is not None else video
    streams = _streams(video)
    if not streams.video:
        raise InputError(f"{video.name} has no video stream")
    if music is not None and music.path is not None:
        check_music_file(music.path)
    target = target or target_for(platform)
    duration = streams.duration_s
    if track is not None and track.duration_s > duration + 0.05:
        raise InputError(
            f"the narration track is {track.duration_s:.2f} s but {video.name} is {duration:.2f} s; "
            "narrate with the durations the video was rendered with"
        )
    with tempfile.TemporaryDirectory(prefix=".botkit-mix-", dir=out.parent) as scratch_dir:
        scratch = Path(scratch_dir)
        sources: list[list[str]] = []  # one ffmpeg input each, after the video
        voice_index = music_index = own_index = None
        if track is not None and track.lines:
            voice_index = len(sources)
            sources.append(["-i", str(track.write_wav(scratch / "voice.wav"))])
        if music is not None:
            music_index = len(sources)
            if music.bed is not None:
                sources.append(["-i", str(write_wav(scratch / "bed.wav", music_bed(music.bed, duration), RATE))])
            else:
                # a short song loops under a long video; a long one is read only as far as needed
                sources.append(["-stream_loop", "-1", "-t", f"{duration + 1:.3f}", "-i", str(music.path)])
        if streams.audio and sources:  # the clip's own sound: a bed under the narration and music
            own_index = len(sources)
            sources.append(["-i", str(video)])
        audio_on = bool(sources)
        gain, passes = None, 0
        if not audio_on and not cues:
            if out != video:
                temporary = scratch / "copy"
                shutil.copyfile(video, temporary)
                os.replace(temporary, out)
            return Mixed(out, None, None, None)
        inputs = [arg for source in sources for arg in source]
        command = ["-i", str(video), *inputs]
        maps = ["-map", "0:v:0", "-c:v", "copy"]
        if audio_on:
            levels, predicted = _levels(inputs, voice_index, music_index, music, duration, timeout, own_index)
            mix = _graph(voice_index, music_index, music, duration, levels, own_index)
            gain, passes = fit_gain(inputs, mix, "mix", target, level_lufs=predicted, timeout=timeout)
            passes += 2 * (voice_index is not None)
            # in the final pass the video is input 0, so every sound input moves up by one
            graph = _graph(_after_video(voice_index), _after_video(music_index), music, duration, levels,
                           _after_video(own_index))  # fmt: skip
        else:
            graph, gain = "", 0.0
            maps += ["-map", "0:a?", "-c:a", "copy"]  # only captions are added: keep any sound it has
        audio_maps = ["-map", "[audio]", "-c:a", "aac", "-b:a", AUDIO_BITRATE, "-ar", str(RATE), "-ac", "2"]
        srt_text = vtt_text = ""
        if cues:
            srt_text, vtt_text = to_srt(cues), to_vtt(cues)
            srt_input = scratch / "captions.srt"
            srt_input.write_text(srt_text, encoding="utf-8")
            command += ["-i", str(srt_input)]
            maps += ["-map", f"{1 + len(sources)}:s:0", "-c:s", "mov_text",
                     "-metadata:s:s:0", f"language={subtitle_language}"]  # fmt: skip
        temporary = scratch / f"out{out.suffix or '.mp4'}"
        loudness = None
        margin = target.encode_margin_db
        for _ in range(2):
            audio = []
            if audio_on:
                ceiling = target.model_copy(update={"encode_margin_db": margin})
                audio = ["-filter_complex", f"{graph};[mix]{limiter(gain, ceiling)}[audio]", *audio_maps]
            run_ffmpeg([*command, *maps, *audio, "-t", f"{duration:.6f}", "-movflags", "+faststart", str(temporary)],
                       timeout=timeout)  # fmt: skip
            if not audio_on:
                break
            loudness = measure(temporary, timeout=timeout)
            if loudness.true_peak_db <= target.true_peak_db:
                break
            # the encoder overshot the ceiling: once more with the limiter lower by the overshoot
            margin += loudness.true_peak_db - target.true_peak_db + 0.1
            passes += 1
        if loudness is not None and loudness.true_peak_db > target.true_peak_db:
            logger.warning("true peak above target after a second encode", extra={"true_peak": loudness.true_peak_db})
        staged: list[tuple[Path, Path]] = [(temporary, out)]
        if cues:
            for suffix, text in ((".srt", srt_text), (".vtt", vtt_text)):
                sidecar = scratch / f"sidecar{suffix}"
                sidecar.write_text(text, encoding="utf-8", newline="\n")
                staged.append((sidecar, out.with_suffix(suffix)))
        for source, final in staged:  # everything is ready: only renames are left
            os.replace(source, final)
    logger.info(
        "mixed",
        extra={"video": out.name, "voice": voice_index is not None, "music": music_index is not None,
               "own_sound": own_index is not None,
               "cues": len(cues or []), "loudness": loudness.model_dump() if loudness else None,
               "gain_db": gain, "passes": passes},
    )  # fmt: skip
    return Mixed(out, out.with_suffix(".srt") if cues else None, out.with_suffix(".vtt") if cues else None,
                 loudness, gain if audio_on else None, passes)  # fmt: skip


def _after_video(index: int | None) -> int | None:
    return None if index is None else index + 1
