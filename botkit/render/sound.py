"""The plan's sound in the render path: shots fitted to estimated line lengths when the plan is
made (nothing is spoken then), the lines spoken by the render job and the shots fitted again to the
real audio, caption cues timed by the speech, and the ``SoundStep`` that mixes voice and music into
every finished MP4 (ducked, loudness per platform, AAC 48 kHz stereo, a mov_text track, SRT +
WebVTT sidecars).

    plan = narrator.fit(plan)                        # plan time: estimates, well under a millisecond a line
    spoken = narrator.speak_plan(plan)               # the job, before shots render: real speech, exact fit
    sound = narrator.prepare(spoken.plan, fps, assets, spoken.speeches)  # before produce: track + cues
    staged = SoundStep()(staged)                     # after the skill's hook, before signing

A video whose plan has neither narration nor music gets no audio track. A line or a music file that
cannot be used is a warning on the job, and the rest of the video is still delivered.
"""

from __future__ import annotations

import logging
import math
import os
import shutil
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

from botkit.audio import Music, NarrationTrack, Speech, Synthesizer, Voice, VoiceTable, line_cues, word_cues
from botkit.audio.estimate import SpeechEstimator
from botkit.audio.loudness import measure, target_for
from botkit.audio.mix import Mixed, check_music_file, mix_into
from botkit.audio.music import BEDS
from botkit.audio.narration import NarrationLine, PlacedLine, place, speak_lines
from botkit.audio.onset import voiced_span
from botkit.audio.timing import fit_shot_durations, needed_s
from botkit.domain import Limits, Narration, ShotPlan
from botkit.errors import BotkitError, InputError, PlanLimitError
from botkit.post.ffmpeg import run_ffmpeg
from botkit.post.subtitles import Cue
from botkit.render.steps import Staged, StagedFile
from botkit.store.assets import AssetStore

logger = logging.getLogger(__name__)

PLAN_FPS = 30.0  # shot durations fitted at plan time are whole frames at this rate
WORD_BY_WORD_SKILLS = frozenset({"social"})
_CACHE_SIZE = 256


@dataclass
class Sound:
    """What the sound step needs, prepared before ``produce`` (which burns the cues in)."""

    track: NarrationTrack | None
    music: Music | None
    cues: list[Cue]
    burn: bool  # the plan asked for captions: the cues are drawn into the picture
    warnings: list[str] = field(default_factory=list)


@dataclass
class SpokenPlan:
    """A plan's lines spoken by the job and its shots fitted to them: ``plan`` has the durations
    really rendered, ``changes`` says which shots moved from the stored plan's (shot index, planned
    seconds, rendered seconds). ``speeches`` is None when the narration could not be spoken."""

    plan: ShotPlan
    speeches: list[Speech | None] | None
    changes: list[tuple[int, float, float]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def describe(self) -> str:
        """ "shot 2 3.0 -> 3.4 s, shot 3 4.0 -> 3.6 s" """
        return ", ".join(f"shot {index + 1} {old:.1f} -> {new:.1f} s" for index, old, new in self.changes)


class Narrator:
    """Reads a plan's lines aloud: the voice table, one synthesiser (a Piper model loads once), the
    plan-time length estimator, and the last few hundred lines spoken (by text and voice), so a
    follow-up that keeps the lines does not speak them again."""

    def __init__(
        self,
        voices: VoiceTable | None = None,
        synthesizer: Synthesizer | None = None,
        *,
        default_voice: str | None = None,
        default_music: str | None = None,
    ) -> None:
        self._voices = voices
        self.synthesizer = synthesizer or Synthesizer()
        self.default_voice = default_voice
        self.default_music = default_music
        self._spoken: OrderedDict[tuple[str, str, float], Speech] = OrderedDict()
        self._lock = threading.Lock()
        self._estimator: SpeechEstimator | None = None

    @property
    def estimator(self) -> SpeechEstimator:
        if self._estimator is None:
            self._estimator = SpeechEstimator()
        return self._estimator

    @property
    def voices(self) -> VoiceTable:
        if self._voices is None:
            self._voices = VoiceTable.load()
        return self._voices

    def voice_for(self, plan: ShotPlan, line: Narration) -> Voice:
        """The line's own voice, else the plan's, else the deployment's, else its language's default;
        at the plan's speaking rate. Raises ``VoiceNotFound`` naming what to install."""
        name = line.voice or plan.voice or self.default_voice
        voice = self.voices.resolve(line.language, name) if name else self.voices.for_language(line.language)
        if plan.voice_rate != 1.0:
            voice = voice.model_copy(update={"rate": max(0.5, min(2.0, voice.rate * plan.voice_rate))})
        return voice

    def speak(self, plan: ShotPlan, line: Narration) -> Speech:
        voice = self.voice_for(plan, line)
        key = (line.text, voice.model_dump_json(), voice.rate)
        with self._lock:
            if key in self._spoken:
                self._spoken.move_to_end(key)
                return self._spoken[key]
        line_in = NarrationLine(text=line.text, language=line.language)
        spoken = speak_lines([line_in], voices=self.voices, voice=voice, synthesizer=self.synthesizer)[0]
        assert spoken is not None
        speech = spoken
        with self._lock:
            self._spoken[key] = speech
            while len(self._spoken) > _CACHE_SIZE:
                self._spoken.popitem(last=False)
        return speech

    def speeches(self, plan: ShotPlan) -> list[Speech | None]:
        """Each shot's line spoken (None for a silent shot). ``InputError`` names the shot."""
        spoken: list[Speech | None] = []
        for shot in plan.shots:
            if shot.narration is None:
                spoken.append(None)
                continue
            try:
                spoken.append(self.speak(plan, shot.narration))
            except InputError as exc:
                raise type(exc)(f"shot {shot.index + 1}'s narration: {exc}") from None
        return spoken

    def estimates(self, plan: ShotPlan) -> list[float | None]:
        """Each shot's line length as estimated (with the safety margin), nothing spoken; None for a
        silent shot. ``InputError`` names the shot."""
        lengths: list[float | None] = []
        for shot in plan.shots:
            if shot.narration is None:
                lengths.append(None)
                continue
            try:
                lengths.append(self.estimator.padded_s(shot.narration.text, self.voice_for(plan, shot.narration)))
            except InputError as exc:
                raise type(exc)(f"shot {shot.index + 1}'s narration: {exc}") from None
        return lengths

    def fit(self, plan: ShotPlan) -> ShotPlan:
        """Plan time: ``plan`` with every shot long enough for its line's *estimated* length plus a
        breath, the whole as long as before (time moves from shots with room to spare). Nothing is
        spoken here: the render job speaks the lines and fits them exactly (``speak_plan``). Lines
        that cannot be read or cannot fit are dropped with a note saying why; the rest stands."""
        if not plan.narrated:
            return plan
        try:
            durations = _fitted(plan, self.estimates(plan))
        except (PlanLimitError, InputError) as exc:
            logger.warning("narration dropped", extra={"reason": str(exc)})
            shots = [shot.model_copy(update={"narration": None}) for shot in plan.shots]
            note = f"no narration: {exc}"[:300]
            return plan.model_copy(update={"shots": shots, "notes": [*plan.notes, note][:8]})
        return plan if durations is None else _with_durations(plan, durations)

    def speak_plan(self, plan: ShotPlan) -> SpokenPlan:
        """The job's step before shots render: every line spoken, and the shots fitted again to the
        real speech (``fit_shot_durations``, the same total). Shots whose planned length already holds
        their line keep it. When the real lines need more than the plan's total, the shots that need
        it grow (the video runs longer, with a warning); a line that cannot be spoken at all leaves the
        video silent with a warning, never a failed job."""
        if not plan.narrated:
            return SpokenPlan(plan, [None] * len(plan.shots))
        try:
            speeches = self.speeches(plan)
        except (InputError, BotkitError) as exc:
            return SpokenPlan(plan, None, warnings=[f"the video is delivered without narration: {exc}"])
        lengths = [s.duration_s if s is not None else None for s in speeches]
        warnings: list[str] = []
        try:
            try:
                durations = _fitted(plan, lengths)
            except PlanLimitError:
                durations = _lengthened(plan, lengths)
                warnings.append(
                    f"the narration needs {sum(durations):.1f} s, more than the {plan.total_duration_s:g} s planned: "
                    "the shots that carry it run longer"
                )
            fitted = plan if durations is None else _with_durations(plan, durations)
        except (PlanLimitError, ValueError) as exc:  # past a shot's or a video's limit
            return SpokenPlan(plan, None, warnings=[f"the video is delivered without narration: {exc}"])
        changes = [
            (old.index, old.duration_s, new.duration_s)
            for old, new in zip(plan.shots, fitted.shots, strict=True)
            if abs(old.duration_s - new.duration_s) > 1e-6
        ]
        return SpokenPlan(fitted, speeches, changes, warnings)

    def prepare(
        self,
        plan: ShotPlan,
        fps: float,
        assets: AssetStore | None = None,
        speeches: list[Speech | None] | None = None,
    ) -> Sound | None:
        """The narration track on the video timeline (shots as the plan has them, cut on frames at
        ``fps``), the music and the caption cues; None when the plan has no sound. ``speeches``: the
        lines the job already spoke (``speak_plan``); spoken here when not given."""
        warnings: list[str] = []
        track = None
        if plan.narrated:
            try:
                speeches = speeches if speeches is not None else self.speeches(plan)
                track = snap_line_starts(place(speeches, [shot.duration_s for shot in plan.shots], fps=fps))
                warnings += track.warnings
                for line, shot in ((line, plan.shots[line.shot]) for line in track.lines):
                    if line.speech.duration_s + 0.15 > shot.duration_s + 0.05 and line.shot + 1 < len(plan.shots):
                        warnings.append(f"shot {shot.index + 1}: its narration runs into the next shot")
            except (InputError, BotkitError) as exc:
                warnings.append(f"the video is delivered without narration: {exc}")
                track = None
        music = self.music_for(plan, assets, warnings)
        if track is None and music is None:
            return Sound(None, None, [], False, warnings) if warnings else None
        cues: list[Cue] = []
        if track is not None and track.lines:
            cues = word_cues(track) if plan.skill in WORD_BY_WORD_SKILLS else line_cues(track)
        return Sound(track, music, cues, bool(plan.captions and cues), warnings)

    def music_for(self, plan: ShotPlan, assets: AssetStore | None, warnings: list[str]) -> Music | None:
        choice = plan.music
        if not choice:
            return None
        if choice in BEDS:
            return Music(bed=choice)
        path = Path(choice)
        if not path.is_absolute() and assets is not None:
            path = assets.path(choice)
        try:
            check_music_file(path)
        except InputError as exc:
            warnings.append(f"the video is delivered without music: {exc}")
            return None
        return Music(path=path)


def _fitted(plan: ShotPlan, lengths: list[float | None]) -> list[float] | None:
    """Durations holding every line (``lengths`` seconds, None for silence) within the plan's
    total, or None when the plan's own durations already do."""
    needed = [needed_s(length) for length in lengths]
    if all(shot.duration_s + 1e-6 >= need for shot, need in zip(plan.shots, needed, strict=True)):
        return None
    return fit_shot_durations(
        needed, [shot.duration_s for shot in plan.shots], total_s=plan.total_duration_s, fps=PLAN_FPS
    )


def _lengthened(plan: ShotPlan, lengths: list[float | None]) -> list[float]:
    """Each shot as planned, or as long as its line needs when that is longer (whole frames)."""
    durations = []
    for shot, length in zip(plan.shots, lengths, strict=True):
        need = max(shot.duration_s, needed_s(length))
        if need > Limits.MAX_SHOT_S + 1e-9:
            raise PlanLimitError(f"shot {shot.index + 1}'s narration needs {need:.1f} s, more than a shot may last")
        durations.append(math.ceil(need * PLAN_FPS - 1e-6) / PLAN_FPS)
    return durations


def _with_durations(plan: ShotPlan, durations: list[float]) -> ShotPlan:
    shots = [shot.model_copy(update={"duration_s": round(d, 4)}) for shot, d in zip(plan.shots, durations, strict=True)]
    return ShotPlan.model_validate(
        plan.model_copy(update={"shots": shots, "total_duration_s": round(sum(s.duration_s for s in shots), 3)})
        .model_dump()
    )  # fmt: skip


def snap_line_starts(track: NarrationTrack, floor_db: float = -40.0) -> NarrationTrack:
    """Each line's first word starts no later than the line's sound does. Piper's alignment puts
    the first word after its start-of-sentence symbol, whose samples already carry the hiss of an
    opening "S" or "Ch" (35 ms of it on "Step one."): a caption cue timed by that word would come a
    frame after the voice. The sound's start is read from the line's own samples (10 ms RMS frames
    within ``floor_db`` of the line's peak)."""
    lines = []
    for line in track.lines:
        if not line.words:
            lines.append(line)
            continue
        first, _ = voiced_span(line.speech.samples, line.speech.sample_rate, floor_db=floor_db)
        sound_s = line.start_s + first / line.speech.sample_rate
        head = line.words[0]
        if sound_s < head.start_s:
            head = head.model_copy(update={"start_s": sound_s})
            line = PlacedLine(line.shot, line.start_s, line.speech, [head, *line.words[1:]])
        lines.append(line)
    track.lines = lines
    return track


STORED_MUSIC = ("library/", "music/")
"""Where music files live in the asset store: library items, and ``--music`` files copied there."""


def check_music_choice(choice: str | None) -> None:
    """Refuse (``InputError``) a music choice that is neither a built-in bed nor a usable file."""
    if not choice or choice in BEDS:
        return
    if choice.startswith(STORED_MUSIC):
        return  # in the asset store (a library item, or a file copied there): checked when it was stored
    path = Path(choice)
    if not path.is_absolute():
        raise InputError(f"music {choice!r} is neither a built-in bed ({', '.join(BEDS)}) nor an absolute file path")
    check_music_file(path)


@dataclass(frozen=True)
class SoundChoice:
    """What a channel asks of the sound: a voice for every line, no voice, a music bed or file
    ("none": no music)."""

    voice: str | None = None
    narration: bool | None = None  # False: no voice
    music: str | None = None


def with_sound_choice(plan: ShotPlan, choice: SoundChoice | None) -> ShotPlan:
    if choice is None:
        return plan
    update: dict[str, object] = {}
    if choice.narration is False:
        update["shots"] = [shot.model_copy(update={"narration": None}) for shot in plan.shots]
    if choice.voice:
        update["voice"] = choice.voice
    if choice.music:
        update["music"] = None if choice.music.lower() == "none" else choice.music
    return plan.model_copy(update=update) if update else plan


def check_sound_choice(plan: ShotPlan, narrator: Narrator) -> None:
    """Refuse (``InputError``, ``VoiceNotFound``) a voice that is not installed or music that cannot be used."""
    if plan.voice and plan.narrated:
        narrator.voices.get(plan.voice)
    check_music_choice(plan.music)


_SHARED: dict[tuple[object, ...], Narrator] = {}
_SHARED_LOCK = threading.Lock()


def shared_narrator(
    *,
    voice_files: tuple[Path, ...] = (),
    voice_folders: tuple[Path, ...] = (),
    default_voice: str | None = None,
    default_music: str | None = None,
    cache_dir: Path | None = None,
) -> Narrator:
    """One narrator per configuration in this process (the plan side and the workers share the
    loaded voice and the lines already spoken). ``cache_dir`` keeps Piper models patched for
    alignments (about 0.9 s less per process start)."""
    key = (voice_files, voice_folders, default_voice, default_music, cache_dir)
    with _SHARED_LOCK:
        if key not in _SHARED:
            voices = VoiceTable.load(files=voice_files, folders=voice_folders) if voice_files or voice_folders else None
            _SHARED[key] = Narrator(voices, Synthesizer(cache_dir=cache_dir), default_voice=default_voice,
                                    default_music=default_music)  # fmt: skip
        return _SHARED[key]


_ISO639_2 = {"en": "eng", "es": "spa", "fr": "fra", "de": "deu", "it": "ita", "pt": "por", "ja": "jpn",
             "ko": "kor", "zh": "zho", "nl": "nld", "pl": "pol", "ru": "rus", "ar": "ara", "hi": "hin"}  # fmt: skip


def caption_language(plan: ShotPlan) -> str | None:
    """The captions' language (BCP 47 primary tag, "en", "es" ...): the first narrated shot's."""
    code = next((shot.narration.language for shot in plan.shots if shot.narration is not None), "")
    base = code.split("-")[0].lower()
    return base if base.isalpha() and 2 <= len(base) <= 3 else None


def subtitle_language(plan: ShotPlan) -> str:
    """The mov_text track's language tag (ISO 639-2): the first narrated shot's ("und" when unknown)."""
    return _ISO639_2.get(caption_language(plan) or "", "und")


SUBTITLE_MIMES = {".srt": ("subtitles", "application/x-subrip"), ".vtt": ("subtitles", "text/vtt")}


class SoundStep:
    """Narration and music into every output MP4 (right after the skill's hook; signing comes after)."""

    name = "sound"

    def __call__(self, staged: Staged) -> Staged:
        sound: Sound | None = staged.sound
        if sound is None:
            return staged
        staged.warnings.extend(sound.warnings)
        if sound.track is None and sound.music is None:
            return staged
        audio: dict[str, dict[str, object]] = {}
        made: dict[str, Mixed] = {}  # loudness target -> the first output mixed for it
        language = subtitle_language(staged.plan)
        for output in staged.outputs:
            video = Path(output.path)
            target = target_for(output.platform).model_dump_json()
            if target in made:
                # the same sound for the same target: copy its streams instead of mixing again
                try:
                    mixed = reuse_sound(made[target], video)
                except BotkitError as exc:
                    staged.warnings.append(f"{output.platform}: delivered without sound: {exc}")
                    continue
                self._record(staged, output.platform, mixed, audio, caption_language(staged.plan))
                continue
            try:
                mixed = mix_into(video, sound.track, sound.music, platform=output.platform, cues=sound.cues or None,
                                 subtitle_language=language)  # fmt: skip
            except InputError as exc:
                if sound.music is None or sound.track is None:
                    staged.warnings.append(f"{output.platform}: delivered without sound: {exc}")
                    continue
                staged.warnings.append(f"{output.platform}: delivered without music: {exc}")
                mixed = mix_into(video, sound.track, None, platform=output.platform, cues=sound.cues or None,
                                 subtitle_language=language)  # fmt: skip
            except BotkitError as exc:  # ffmpeg failed: the silent video is still whole
                staged.warnings.append(f"{output.platform}: delivered without sound: {exc}")
                continue
            made[target] = mixed
            self._record(staged, output.platform, mixed, audio, caption_language(staged.plan))
        if sound.track is not None:
            staged.metrics["narration"] = {
                "lines": len(sound.track.lines),
                "timing": sorted({line.timing for line in sound.track.lines}),
                "cues": len(sound.cues),
                "burned": sound.burn,
            }
        staged.metrics["audio"] = audio
        return staged

    @staticmethod
    def _record(
        staged: Staged, platform: str, mixed: Mixed, audio: dict[str, dict[str, object]], language: str | None
    ) -> None:
        for sidecar in (mixed.srt, mixed.vtt):
            if sidecar is not None:
                kind, mime = SUBTITLE_MIMES[sidecar.suffix]
                metrics = {"language": language} if language else None
                staged.extras.append(StagedFile(sidecar, kind, mime, platform=platform, metrics=metrics))
        audio[platform] = {
            "loudness": mixed.loudness.model_dump() if mixed.loudness else None,
            "gain_db": mixed.gain_db,
            "passes": mixed.passes,
        }


def reuse_sound(source: Mixed, video: Path) -> Mixed:
    """``video`` with ``source``'s audio and subtitle streams copied in (no mixing, no re-encode)
    and its sidecars copied beside it; written under a temporary name, then renamed."""
    temporary = video.with_name(f".{video.stem}.sound{video.suffix}")
    try:
        run_ffmpeg(["-i", str(video), "-i", str(source.video), "-map", "0:v:0", "-map", "1:a?", "-map", "1:s?",
                    "-c", "copy", "-movflags", "+faststart", str(temporary)])  # fmt: skip
        sidecars = []
        for sidecar in (source.srt, source.vtt):
            if sidecar is not None:
                copy = video.with_suffix(sidecar.suffix)
                shutil.copyfile(sidecar, copy)
                sidecars.append(copy)
        os.replace(temporary, video)
    finally:
        temporary.unlink(missing_ok=True)
    srt = video.with_suffix(".srt") if source.srt else None
    vtt = video.with_suffix(".vtt") if source.vtt else None
    return Mixed(video, srt, vtt, measure(video) if source.loudness else None, source.gain_db, 0)
