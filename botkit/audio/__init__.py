"""Sound for botkit videos, offline: narration from text (Piper, espeak-ng, or a hosted
OpenAI-compatible voice), word timings from the synthesiser itself, caption cues, music beds made
in code, and a ducked, loudness-normalised AAC track muxed into the finished MP4.

What the render pipeline calls, in order::

    track = narrate(lines, durations, fps=timeline_fps)     # lines: NarrationLine | None per shot
    durations = track.shot_durations_s                       # render the shots this long
    ...render, assemble, encode the silent MP4s...
    cues = word_cues(track) if social else line_cues(track)  # on the video timeline
    mix_into(mp4, track, Music(bed="calm"), platform="tiktok", cues=cues)  # + .srt/.vtt sidecars

Nothing here downloads anything: voices are packages or files a deployment points at.
"""

from botkit.audio.captions import line_cues, word_cues
from botkit.audio.loudness import Loudness, LoudnessTarget, measure
from botkit.audio.mix import Mixed, Music, check_music_file, mix_into
from botkit.audio.music import BEDS, music_bed
from botkit.audio.narration import NarrationLine, NarrationTrack, narrate
from botkit.audio.speech import Speech, WordTiming
from botkit.audio.timing import fit_shot_durations
from botkit.audio.tts import Synthesizer, synthesize
from botkit.audio.voices import Voice, VoiceNotFound, VoiceTable

__all__ = [
    "BEDS",
    "Loudness",
    "LoudnessTarget",
    "Mixed",
    "Music",
    "NarrationLine",
    "NarrationTrack",
    "Speech",
    "Synthesizer",
    "Voice",
    "VoiceNotFound",
    "VoiceTable",
    "WordTiming",
    "check_music_file",
    "fit_shot_durations",
    "line_cues",
    "measure",
    "mix_into",
    "music_bed",
    "narrate",
    "synthesize",
    "word_cues",
]
