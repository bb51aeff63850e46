"""Piper (VITS on onnxruntime), offline. Word timing comes from the model's own phoneme durations:
the ``w_ceil`` tensor (samples per phoneme id) is exposed as an output by patching the loaded
model in memory, the way ``piper.patch_voice_with_alignment`` does on disk; nothing is written."""

from __future__ import annotations

import json
import logging
import os
import re
import tempfile
import threading
from pathlib import Path

import numpy as np

from botkit.audio.align import PhonemeGroup, word_spans
from botkit.audio.normalize import Script
from botkit.audio.tts.base import Rendered
from botkit.errors import InputError, PostError

logger = logging.getLogger(__name__)

_FLAGS = re.compile(r"\([^)]+\)")
_SEPARATORS = {" ", "^", "$", "_", ".", ",", "!", "?", ";", ":", "…", "—", "-"}


class PiperBackend:
    """Loads each voice model once (per thread count) and reads scripts with it."""

    def __init__(self, threads: int | None = 1, cache_dir: Path | None = None) -> None:
        self.threads = threads
        self.cache_dir = Path(cache_dir) if cache_dir is not None else None
        self._voices: dict[Path, object] = {}
        self._lock = threading.Lock()

    def load(self, model: Path, config: Path | None = None):
        """The ``piper.PiperVoice`` for ``model``, patched for alignments (cached)."""
        model = Path(model)
        with self._lock:
            if model not in self._voices:
                self._voices[model] = _load(model, config, self.threads, self.cache_dir)
            return self._voices[model]

    def speak(self, script: Script, voice) -> Rendered:
        from piper import SynthesisConfig

        piper_voice = self.load(voice.model, voice.config)
        # noise_w 0: phoneme durations from the duration predictor's mean, so the same line always
        # takes the same time and a re-narrated plan keeps its shot lengths (the default 0.8 made
        # one line 3.0 s in one run and 3.04 s in the next)
        syn_config = SynthesisConfig(length_scale=1.0 / voice.rate, speaker_id=voice.speaker, noise_w_scale=0.0)
        pieces: list[np.ndarray] = []
        groups: list[PhonemeGroup] = []
        cursor = 0
        for chunk in piper_voice.synthesize(script.text, syn_config=syn_config, include_alignments=True):
            audio = chunk.audio_float_array
            if chunk.phoneme_alignments is None:
                raise PostError(f"voice {voice.id}: Piper returned no phoneme alignments for {script.text[:40]!r}")
            groups += _groups(chunk.phoneme_alignments, cursor)
            pieces.append(audio)
            cursor += len(audio)
        samples = np.concatenate(pieces).astype(np.float32) if pieces else np.zeros(0, np.float32)
        standalone = _standalone(piper_voice, script.words)
        spans = word_spans(standalone, groups)
        return Rendered(samples, piper_voice.config.sample_rate, spans, "engine")


def _standalone(piper_voice, words) -> list[str]:
    """Each word phonemised on its own by Piper's espeak-ng, the voice set once for all of them
    (Piper's own ``phonemize`` sets it on every call: half a millisecond each)."""
    from piper import espeakbridge
    from piper import voice as piper_module
    from piper.config import PhonemeType

    if piper_voice.config.phoneme_type != PhonemeType.ESPEAK or piper_module._ESPEAK_PHONEMIZER is None:
        return ["".join("".join(s) for s in piper_voice.phonemize(word)) for word in words]
    with piper_module._ESPEAK_PHONEMIZER_LOCK:
        espeakbridge.set_voice(piper_voice.config.espeak_voice)
        # "(en)"-style language-switch flags are not phonemes: Piper drops them too
        return [_FLAGS.sub("", "".join(p for p, _, _ in espeakbridge.get_phonemes(word))) for word in words]


def _groups(alignments, offset: int) -> list[PhonemeGroup]:
    groups: list[PhonemeGroup] = []
    current: list[str] = []
    start = cursor = offset
    for alignment in alignments:
        if alignment.phoneme in _SEPARATORS:
            if current:
                groups.append(PhonemeGroup("".join(current), start, cursor))
                current = []
        else:
            if not current:
                start = cursor
            current.append(alignment.phoneme)
        cursor += int(alignment.num_samples)
    if current:
        groups.append(PhonemeGroup("".join(current), start, cursor))
    return groups


def _patched(model: Path, cache_dir: Path | None):
    """The model with its alignment output: an ONNX graph in memory, or (with ``cache_dir``) the
    path of a patched copy written there once (saves ~0.9 s per load: parse + serialise)."""
    if cache_dir is not None:
        stat = model.stat()
        cached = cache_dir / f"{model.stem}-{stat.st_size}-{stat.st_mtime_ns}-aligned.onnx"
        if cached.is_file():
            return str(cached)  # onnx (and its ml_dtypes, ~1 s) not imported: onnxruntime reads the file
    import onnx
    from piper.patch_voice_with_alignment import add_alignment_output

    try:
        graph = onnx.load(str(model))
    except Exception as exc:  # protobuf's DecodeError and onnx's own errors share no base class
        raise InputError(f"Piper voice {model.name} could not be read as an ONNX model: {exc}") from None
    try:
        add_alignment_output(graph)
    except ValueError as exc:  # already patched on disk, or not a VITS graph with a Ceil
        logger.debug("voice not patched for alignments", extra={"model": str(model), "reason": str(exc)})
    data = graph.SerializeToString()
    if cache_dir is None:
        return data
    cache_dir.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=cache_dir, suffix=".part")
    with os.fdopen(handle, "wb") as out:
        out.write(data)
    os.replace(temporary, cached)
    return str(cached)


def _load(model: Path, config: Path | None, threads: int | None, cache_dir: Path | None = None):
    import onnxruntime
    from piper import PiperVoice
    from piper.config import PiperConfig

    config = Path(config) if config is not None else model.with_name(model.name + ".json")
    for path in (model, config):
        if not path.is_file():
            raise InputError(f"Piper voice file {path} does not exist")
    try:
        config_dict = json.loads(config.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"Piper voice config {config.name} could not be read: {exc}") from None
    graph = _patched(model, cache_dir)
    options = onnxruntime.SessionOptions()
    if threads:
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
    try:
        session = onnxruntime.InferenceSession(graph, sess_options=options, providers=["CPUExecutionProvider"])
    except Exception as exc:  # onnxruntime raises its own untyped errors for a bad graph
        raise InputError(f"Piper voice {model.name} could not be loaded by onnxruntime: {exc}") from None
    try:
        piper_config = PiperConfig.from_dict(config_dict)
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(f"Piper voice config {config.name} lacks what Piper needs: {exc!r}") from None
    logger.info("piper voice loaded", extra={"model": model.name, "threads": threads})
    return PiperVoice(session=session, config=piper_config)
