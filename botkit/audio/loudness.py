"""Loudness per platform (EBU R128 / ITU-R BS.1770): targets, the measured gain + true-peak
limiter that meets them, and ``ebur128`` read-back of what a file really is.

ffmpeg's ``loudnorm`` is not used: on synthesised speech (peaks ~20 dB over the loudness) its
linear mode cannot reach -14 LUFS under -1 dBTP and falls back to its dynamic mode, which left our
test mixes at -15.3 and -16.0 LUFS. Measuring with ``ebur128`` and stepping the gain in front of a
192 kHz limiter lands within 0.25 LU in two or three passes over the audio alone.
"""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from botkit.errors import PostError
from botkit.post.ffmpeg import run_ffmpeg


class LoudnessTarget(BaseModel):
    """Integrated loudness, the true-peak ceiling of the delivered file, and loudness range."""

    model_config = ConfigDict(frozen=True)

    integrated_lufs: float = Field(default=-14.0, ge=-40, le=-5)
    true_peak_db: float = Field(default=-1.0, ge=-9, le=0)
    lra: float = Field(default=11.0, ge=1, le=50)
    # AAC encoding adds a little overshoot: limit this much under the ceiling so the encoded
    # file still meets it
    encode_margin_db: float = Field(default=0.5, ge=0, le=3)


# The platforms normalise playback to about -14 LUFS (YouTube, TikTok, Instagram, LinkedIn, X);
# delivering at that level means nothing is turned down or pumped by their players.
TARGETS: dict[str, LoudnessTarget] = {
    platform: LoudnessTarget()
    for platform in ("tiktok", "reels", "shorts", "youtube", "instagram-feed", "instagram-portrait", "linkedin", "x")
}


def target_for(platform: str | None) -> LoudnessTarget:
    return TARGETS.get(platform or "", LoudnessTarget())


class Loudness(BaseModel):
    integrated_lufs: float
    true_peak_db: float
    lra: float


def _float(value: str) -> float:
    return float("-inf") if value.strip() in ("-inf", "-nan", "nan") else float(value)


def _summary(stderr: str, what: str) -> Loudness:
    summary = stderr[stderr.rfind("Summary:") :]
    integrated = re.search(r"I:\s+(-?[\d.]+|-inf) LUFS", summary)
    lra = re.search(r"LRA:\s+(-?[\d.]+) LU", summary)
    peak = re.search(r"True peak:\s+Peak:\s+(-?[\d.]+|-inf) dBFS", summary)
    if not (integrated and lra and peak):
        raise PostError(f"could not read the loudness of {what} from ffmpeg's ebur128 summary")
    return Loudness(integrated_lufs=_float(integrated.group(1)), true_peak_db=_float(peak.group(1)),
                    lra=_float(lra.group(1)))  # fmt: skip


_EBUR128 = "ebur128=peak=true:framelog=quiet"


def measure(path: Path, *, stream: str = "0:a:0", timeout: float = 600) -> Loudness:
    """Integrated loudness, true peak and loudness range of ``path``'s audio, from ffmpeg ebur128."""
    stderr = run_ffmpeg(
        ["-nostats", "-i", str(path), "-map", stream, "-filter:a", _EBUR128, "-f", "null", "-"], timeout=timeout
    )
    return _summary(stderr, Path(path).name)


def measure_graph(inputs: list[str], graph: str, label: str, *, timeout: float = 600) -> Loudness:
    """Loudness of the audio a filter ``graph`` produces at ``[label]`` (nothing is written)."""
    return measure_labels(inputs, graph, [label], timeout=timeout)[0]


def measure_labels(inputs: list[str], graph: str, labels: list[str], *, timeout: float = 600) -> list[Loudness]:
    """Loudness at each of ``labels`` of one filter ``graph``, measured in a single ffmpeg run."""
    meters = ";".join(f"[{label}]{_EBUR128}[meter{i}]" for i, label in enumerate(labels))
    sinks = [arg for i in range(len(labels)) for arg in ("-map", f"[meter{i}]", "-f", "null", "-")]
    stderr = run_ffmpeg(["-nostats", *inputs, "-filter_complex", f"{graph};{meters}", *sinks], timeout=timeout)
    # each meter logs its own summary, tagged with its filter number (graph order), in any order
    blocks = re.split(r"\[Parsed_ebur128_(\d+) @ [^\]]+\] Summary:", stderr)
    found = sorted((int(number), text) for number, text in zip(blocks[1::2], blocks[2::2], strict=True))
    if len(found) != len(labels):
        raise PostError(f"ffmpeg's ebur128 reported {len(found)} of {len(labels)} loudness summaries")
    return [_summary("Summary:" + text, "the mix") for _, text in found]


# Speech from a synthesiser peaks ~20 dB over its loudness; -14 LUFS under a -1 dBTP ceiling needs
# that crest brought down first: a speech compressor (-20 dBFS, 4:1, fast) on the voice, then gain
# and a limiter over the whole mix at 192 kHz, where its ceiling holds for true (inter-sample) peaks.
VOICE_COMPRESSOR = "acompressor=threshold=0.1:ratio=4:attack=2:release=60:knee=4:makeup=1"


def limiter(gain_db: float, target: LoudnessTarget) -> str:
    """Gain then a true-peak limiter at the target's ceiling (less the encode margin), back at 48 kHz."""
    ceiling = 10 ** ((target.true_peak_db - target.encode_margin_db) / 20)
    return (
        f"volume={gain_db:.3f}dB,aresample=192000,alimiter=limit={ceiling:.5f}:attack=1:release=50:level=false,"
        "aresample=48000"
    )


def fit_gain(
    inputs: list[str], graph: str, label: str, target: LoudnessTarget, *, level_lufs: float | None = None,
    tolerance_lu: float = 0.25, passes: int = 3, timeout: float = 600,
) -> tuple[float, int]:  # fmt: skip
    """The gain that brings ``[label]`` to the target loudness once the limiter holds its peaks.

    The limiter takes back a little of every dB added, so this starts from ``level_lufs`` (the
    mix's loudness without limiter; measured when not given) and measures with the limiter up to
    ``passes`` times, stepping by the measured slope. Returns (gain dB, measuring passes run).
    """
    done = 0
    if level_lufs is None:
        level_lufs = measure_graph(inputs, graph, label, timeout=timeout).integrated_lufs
        done = 1
    if level_lufs < -70:
        raise PostError("the mix is silent: there is nothing to normalise")
    gain, previous_gain, previous = target.integrated_lufs - level_lufs, 0.0, level_lufs
    for _ in range(passes):
        level = measure_graph(inputs, f"{graph};[{label}]{limiter(gain, target)}[limited]", "limited",
                              timeout=timeout).integrated_lufs  # fmt: skip
        done += 1
        miss = target.integrated_lufs - level
        if abs(miss) <= tolerance_lu:
            break
        slope = (level - previous) / (gain - previous_gain) if gain != previous_gain else 1.0
        previous_gain, previous = gain, level
        gain += miss / min(1.0, max(slope, 0.2))
    return gain, done
