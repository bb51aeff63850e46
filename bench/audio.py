"""Benchmark: botkit's sound against what a user would do instead, measured in one run.

1. Speech: ``botkit.audio`` (normalise + Piper with phoneme alignments + word mapping) against
   calling Piper directly (``PiperVoice.load`` + ``synthesize_wav``) on the same text, alternately,
   the whole process pinned to one core; real-time factor of each, and of espeak-ng.
2. The extra wall time of a 30 s narrated video over a silent one: the silent 1080x1920 encode
   (botkit's encoder) against narration (speech for the lines) + mix (bed, ducking, loudness,
   AAC, subtitle track, sidecars) on that MP4.
3. Caption drift: cue start vs speech onset found in the audio's energy, over narrated plans,
   on the narration track and on the finished MP4 (after AAC), per voice kind.
4. Through the product (``--product``): one 30 s training request planned and rendered by ``Bot``
   (the real render path: engine, produce, sound step), narrated against silent
   (``narration=False``), each in its own data dir so both render every shot; then the same
   conversation's "no music" follow-up (clips re-used) for cue drift on the delivered MP4.

    .venv/bin/python bench/audio.py [--repeats 5] [--skip-video] [--product [--engine tiny-wan]] [--only-product]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import tempfile
import time
import wave
from collections.abc import Callable
from pathlib import Path

import numpy as np

from botkit.audio import Music, NarrationLine, Synthesizer, VoiceTable, line_cues, mix_into, narrate, word_cues
from botkit.audio.decode import read_audio
from botkit.audio.drift import cue_drift, summarise
from botkit.audio.voices import Voice
from botkit.audio.wav import wav_bytes
from botkit.domain import Clip
from botkit.post.encode import encode_platforms
from botkit.post.presets import PRESETS

TEXT = (
    "Welcome to the team. In this short video you will learn how to set up your workstation safely. "
    "First, adjust the chair so your feet rest flat on the floor. Then raise the screen to eye level, "
    "and keep your wrists straight while you type."
)
PLANS = {
    "training": ["Step one. Put on the helmet.", "Step two. Fasten the chin strap under your jaw.",
                 "Step three. Check it's tight: two fingers, no more.", "Now you're ready to ride."],
    "marketing": ["Meet the trail shoe that grips wet rock.", "Light, soft, and built to last.",
                  "Save 10% this week only.", "Grab yours today at example.com!"],
    "social": ["Stop scrolling.", "This one trick saves you ten minutes every morning.",
               "Prep your coffee the night before, then just press start.", "Follow for more!"],
    "storyboard": ["Where is she?", "The door creaks open. Nobody's there.", "Then, a light at the end of the hall.",
                   "She runs."],
}  # fmt: skip
OTHER_LANGUAGES = {
    "de": ["Schritt eins. Setzen Sie den Helm auf.", "Schritt zwei. Schließen Sie den Kinnriemen."],
    "es": ["Paso uno. Ponte el casco.", "Paso dos. Abrocha la correa, ¡y listo!"],
    "fr": ["Étape un. Mettez le casque.", "Étape deux. Attachez la sangle, puis vérifiez."],
}


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def cpu_timed(action: Callable[[], object]) -> tuple[float, float]:
    """(wall s, CPU s of this process): on a machine others load, CPU time is the steadier figure."""
    wall, cpu = time.perf_counter(), time.process_time()
    action()
    return time.perf_counter() - wall, time.process_time() - cpu


def speech(repeats: int) -> list[str]:
    import onnxruntime
    from piper import PiperVoice
    from piper.config import PiperConfig

    voices = VoiceTable.load()
    joe = voices.for_language("en")
    synthesizer = Synthesizer(threads=1)
    load_botkit = timed(lambda: synthesizer.backend("piper").load(joe.model, joe.config))
    with tempfile.TemporaryDirectory(prefix="bench-voices-") as cache:
        Synthesizer(threads=1, cache_dir=Path(cache)).backend("piper").load(joe.model, joe.config)  # writes it
        load_cached = timed(lambda: Synthesizer(threads=1, cache_dir=Path(cache)).backend("piper").load(joe.model))
    started = time.perf_counter()
    direct = PiperVoice.load(joe.model)  # what the Piper docs show: onnxruntime's default threads
    load_direct = time.perf_counter() - started
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads, options.inter_op_num_threads = 1, 1
    config = PiperConfig.from_dict(json.loads(joe.config.read_text(encoding="utf-8")))
    direct_one = PiperVoice(session=onnxruntime.InferenceSession(str(joe.model), sess_options=options,
                                                                 providers=["CPUExecutionProvider"]), config=config)  # fmt: skip

    from piper import SynthesisConfig

    same = SynthesisConfig(noise_w_scale=0.0)  # botkit's setting: durations from the predictor's mean

    def piper(voice) -> Callable[[], None]:
        def run() -> None:
            with wave.open(io.BytesIO(), "wb") as out:
                voice.synthesize_wav(TEXT, out, syn_config=same)

        return run

    audio_s = synthesizer.synthesize(TEXT, joe).duration_s  # warm all three before timing
    piper(direct)()
    piper(direct_one)()
    ours, theirs, theirs_one = [], [], []
    for _ in range(repeats):  # alternate, so load on the machine falls on all alike
        ours.append(cpu_timed(lambda: synthesizer.synthesize(TEXT, joe)))
        theirs.append(cpu_timed(piper(direct)))
        theirs_one.append(cpu_timed(piper(direct_one)))
    espeak = voices.for_language("de")
    german = "Willkommen im Team. In diesem kurzen Video lernen Sie, wie Sie Ihren Arbeitsplatz sicher einrichten."
    espeak_audio = synthesizer.synthesize(german, espeak).duration_s
    espeak_s = statistics.median(timed(lambda: synthesizer.synthesize(german, espeak)) for _ in range(repeats))

    def median(runs: list[tuple[float, float]], which: int) -> float:
        return statistics.median(run[which] for run in runs)

    ours_s, theirs_s, one_s = median(ours, 0), median(theirs, 0), median(theirs_one, 0)
    ours_cpu, theirs_cpu, one_cpu = median(ours, 1), median(theirs, 1), median(theirs_one, 1)
    return [
        f"Speech, pinned to one core, {audio_s:.1f} s of audio, median of {repeats} alternating runs "
        f"(load average {os.getloadavg()[0]:.1f}):",
        "",
        "| | wall s | CPU s | real-time factor (wall) | load s |",
        "|---|---:|---:|---:|---:|",
        f"| Piper directly, default threads (`PiperVoice.load` + `synthesize_wav`) | {theirs_s:.3f} | "
        f"{theirs_cpu:.3f} | {theirs_s / audio_s:.3f} | {load_direct:.2f} |",
        f"| Piper directly, one onnxruntime thread | {one_s:.3f} | {one_cpu:.3f} | {one_s / audio_s:.3f} | |",
        f"| botkit: normalise + Piper (one thread) + word timings | {ours_s:.3f} | {ours_cpu:.3f} | "
        f"{ours_s / audio_s:.3f} | {load_botkit:.2f} ({load_cached:.2f} with cache_dir) |",
        f"| **ratio botkit / Piper one thread** | **{ours_s / one_s:.3f}x** | **{ours_cpu / one_cpu:.3f}x** | | |",
        f"| ratio botkit / Piper default threads | {ours_s / theirs_s:.3f}x | {ours_cpu / theirs_cpu:.3f}x | | |",
        f"| botkit, espeak-ng (de, word + phoneme events) | {espeak_s:.3f} | | {espeak_s / espeak_audio:.3f} | |",
        "",
    ]


def video(lines_text: list[str]) -> list[str]:
    preset = PRESETS["tiktok"]
    synthesizer = Synthesizer(threads=1)
    voices = VoiceTable.load()
    with tempfile.TemporaryDirectory(prefix="bench-audio-") as scratch:
        out = Path(scratch)
        frames = 30 * 24
        rng = np.random.default_rng(5)
        base = rng.integers(0, 255, (1, 180, 320, 3), dtype=np.uint8)
        data = np.repeat(base, frames, axis=0)
        data[:, :, :, 0] = (np.arange(frames) % 255)[:, None, None].astype(np.uint8)
        clip = Clip(data, 24)
        silent_s = timed(lambda: encode_platforms(clip, [preset], out, stem="silent"))
        lines = [NarrationLine(text=t) for t in lines_text]
        holder: dict[str, object] = {}
        narrate_s = timed(lambda: holder.update(track=narrate(lines, [30 / len(lines)] * len(lines), fps=24,
                                                              voices=voices, synthesizer=synthesizer)))  # fmt: skip
        track = holder["track"]
        video_path = out / "silent-tiktok.mp4"
        mixed: dict[str, object] = {}
        mix_s = timed(lambda: mixed.update(result=mix_into(video_path, track, Music(bed="calm"), platform="tiktok",
                                                           cues=word_cues(track), out=out / "narrated.mp4")))  # fmt: skip
        result = mixed["result"]
    speech_s = sum(line.speech.duration_s for line in track.lines)
    extra = narrate_s + mix_s
    return [
        f"A 30 s narrated TikTok video ({len(lines)} lines, {speech_s:.1f} s of speech) against the silent one:",
        "",
        "| step | wall s |",
        "|---|---:|",
        f"| silent video: reframe + encode 1080x1920 (botkit's encoder) | {silent_s:.2f} |",
        f"| narration: speech for every line, shots refitted | {narrate_s:.2f} |",
        f"| mix into the MP4: bed, ducking, loudness ({result.passes} measuring passes), AAC, subtitles | {mix_s:.2f} |",
        f"| **extra for sound** | **{extra:.2f} ({extra / silent_s:.0%} of the silent video)** |",
        "",
        f"Result: {result.loudness.integrated_lufs:.1f} LUFS integrated, true peak {result.loudness.true_peak_db:.1f}"
        " dBTP (ebur128 on the written file).",
        "",
    ]


def drift() -> list[str]:
    voices = VoiceTable.load()
    synthesizer = Synthesizer(threads=1)
    rows = ["Caption drift: cue start minus speech onset (energy), cues that follow a pause:", "",
            "| voice | where | cues | kind | median ms | worst ms | mean ms | within 1/30 s |",
            "|---|---|---:|---|---:|---:|---:|---:|"]  # fmt: skip

    def add(name: str, where: str, kind: str, values: list[float]) -> None:
        s = summarise(values)
        rows.append(f"| {name} | {where} | {s.count} | {kind} | {s.median_ms:.1f} | {s.worst_ms:.1f} | "
                    f"{s.mean_ms:+.1f} | {s.within_frame:.0%} |")  # fmt: skip

    tracks = []
    for texts in PLANS.values():
        lines = [NarrationLine(text=t) for t in texts]
        tracks.append(narrate(lines, [4.0] * len(lines), fps=30, voices=voices, synthesizer=synthesizer))
    for kind, make in (("line", line_cues), ("word", word_cues)):
        add("Piper joe", "track", kind, [d for t in tracks for d in cue_drift(t.samples, t.sample_rate, make(t))])
    with tempfile.TemporaryDirectory(prefix="bench-drift-") as scratch:
        out = Path(scratch)
        values: list[float] = []
        for index, track in enumerate(tracks):
            frames = round(track.duration_s * 30)
            clip = Clip(np.full((frames, 90, 160, 3), 64, np.uint8), 30)
            preset = PRESETS["youtube"].scaled(1 / 12)
            [silent] = encode_platforms(clip, [preset], out, stem=f"plan{index}")
            mixed = mix_into(silent.video, track, None, cues=word_cues(track), out=out / f"voiced{index}.mp4")
            values += cue_drift(read_audio(mixed.video), 48_000, word_cues(track))
        add("Piper joe", "MP4 (AAC)", "word", values)
    for language, texts in OTHER_LANGUAGES.items():
        lines = [NarrationLine(text=t, language=language) for t in texts]
        track = narrate(lines, [4.0] * len(lines), fps=30, voices=voices, synthesizer=synthesizer)
        add(f"espeak-ng {language}", "track", "word", cue_drift(track.samples, track.sample_rate, word_cues(track)))
    hosted = _hosted_drift(voices, synthesizer, tracks)
    add("hosted (served Piper audio, DTW-aligned)", "track", "word", hosted)
    return [*rows, ""]


def _hosted_drift(voices: VoiceTable, synthesizer: Synthesizer, tracks) -> list[float]:
    """The hosted path: a local server answering the speech protocol with Piper audio, the client
    aligning espeak-ng's word events onto it by DTW."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from tests.audio.fake_speech_server import SpeechServer

    joe = voices.for_language("en")

    def speak(text: str, voice: str) -> bytes:
        rendered = synthesizer.synthesize(text, joe)
        return wav_bytes(rendered.samples, rendered.sample_rate)

    values: list[float] = []
    with SpeechServer(speak) as server:
        voice = Voice(id="hosted", language="en", backend="openai", url=server.url, remote_voice="any")
        for texts in PLANS.values():
            lines = [NarrationLine(text=t) for t in texts]
            track = narrate(lines, [4.0] * len(lines), fps=30, voice=voice, synthesizer=synthesizer)
            values += cue_drift(track.samples, track.sample_rate, word_cues(track))
    return values


PRODUCT_REQUEST = (
    "How to set up your workstation in 30 seconds: 1. Adjust the chair so your feet rest flat 2. Raise the screen "
    "to eye level 3. Keep your wrists straight 4. Put the keyboard close 5. Turn the lamp away from the screen "
    "6. Take a short break every hour"
)


def product(engine: str) -> list[str]:
    """The wired path: ``Bot.plan`` + ``Bot.render`` of one request, narrated and silent."""
    from botkit.bot import Bot
    from botkit.settings import Settings

    rows: dict[str, tuple[float, float]] = {}
    stages: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-product-") as scratch:
        outputs: dict[str, Path] = {}
        bots: dict[str, tuple[Bot, str]] = {}
        for name, narration in (("silent", False), ("narrated", True)):
            bot = Bot.open(Settings(data_dir=Path(scratch) / name, engine=engine, narration=narration, workers=1))
            holder: dict[str, object] = {}
            plan_s = timed(lambda bot=bot, holder=holder: holder.update(turn=bot.plan(PRODUCT_REQUEST, seed=3)))
            turn = holder["turn"]
            render_s = timed(lambda bot=bot, turn=turn: bot.render(turn))
            rows[name] = (plan_s, render_s)
            [job] = bot.context.jobs.of_conversation(turn.conversation_id)
            stages[name] = dict(job.timings or {})
            outputs[name] = Path(bot.outputs(turn.conversation_id)[0].path)
            bots[name] = (bot, turn.conversation_id)
        bot, conversation = bots["narrated"]
        holder = {}
        follow_s = timed(lambda: holder.update(turn=bot.follow_up(conversation, "no music")))
        quiet = holder["turn"]
        remix_s = timed(lambda: bot.render(quiet))
        quiet_video = Path(bot.outputs(conversation, job_id=quiet.job_id)[0].path)
        from botkit.audio.loudness import measure
        from botkit.post.probe import probe
        from botkit.post.subtitles import from_srt

        loud = measure(outputs["narrated"])
        srt = quiet_video.with_suffix(".srt").read_text(encoding="utf-8")
        cues = from_srt(srt)
        drifts = cue_drift(read_audio(quiet_video, rate=48_000), 48_000, cues)
        summary = summarise(drifts)
        durations = {name: probe(path).duration_s for name, path in outputs.items()}
        narrated_plan = quiet.plan
    silent_total = sum(rows["silent"])
    narrated_total = sum(rows["narrated"])
    lines = [
        f"Through the product ({engine} engine): {PRODUCT_REQUEST[:60]}... "
        f"({len(narrated_plan.shots)} shots, {narrated_plan.total_duration_s:g} s, youtube 1920x1080):",
        "",
        "| run | plan s | render s | total s |",
        "|---|---:|---:|---:|",
        f"| silent (narration off) | {rows['silent'][0]:.2f} | {rows['silent'][1]:.2f} | {silent_total:.2f} |",
        f"| narrated + calm bed (default) | {rows['narrated'][0]:.2f} | {rows['narrated'][1]:.2f} | {narrated_total:.2f} |",
        f"| **extra for sound** | {rows['narrated'][0] - rows['silent'][0]:+.2f} | "
        f"{rows['narrated'][1] - rows['silent'][1]:+.2f} | **{narrated_total - silent_total:+.2f} "
        f"({narrated_total / silent_total:.2f}x)** |",
        f'| follow-up "no music" (clips re-used): plan + render | {follow_s:.2f} | {remix_s:.2f} | '
        f"{follow_s + remix_s:.2f} |",
        "",
        "Inside the render (the job's own timings, s): "
        + "; ".join(
            f"{name}: shots {t.get('render_s', 0):.1f}, produce {t.get('produce_s', 0):.1f}, "
            f"steps + store {t.get('total_s', 0) - t.get('render_s', 0) - t.get('produce_s', 0):.1f}"
            for name, t in stages.items()
        )
        + ". Narration is spoken at plan time (Piper load + 6 lines) and re-used by the render.",
        "",
        f"Delivered narrated MP4: {loud.integrated_lufs:.1f} LUFS integrated, true peak {loud.true_peak_db:.1f} dBTP "
        f"(ebur128); durations silent {durations['silent']:.2f} s, narrated {durations['narrated']:.2f} s.",
        f"Cue drift on the delivered voice-only MP4 (AAC decoded, onsets from energy): {summary.count} cues, "
        f"median {summary.median_ms:.1f} ms, worst {summary.worst_ms:.1f} ms, mean {summary.mean_ms:+.1f} ms, "
        f"within one 30 fps frame: {summary.within_frame:.0%}.",
        "",
    ]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--skip-video", action="store_true")
    parser.add_argument("--product", action="store_true", help="Also plan and render through Bot (slow).")
    parser.add_argument("--only-product", action="store_true", help="Only the product section.")
    parser.add_argument("--engine", default="tiny-wan", help="Engine for the product section.")
    args = parser.parse_args()
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core, as the real-time factor is quoted
    report = ["# bench/audio.py", ""]
    if args.only_product:
        print("\n".join(report + product(args.engine)))
        return
    report += speech(args.repeats)
    if not args.skip_video:
        report += video([line for texts in (PLANS["training"], PLANS["marketing"]) for line in texts])
    report += drift()
    if args.product:
        report += product(args.engine)
    print("\n".join(report))


if __name__ == "__main__":
    main()
