"""The model registry: data (``models.toml``) naming every engine botkit can load.

An entry maps a name to where the weights are (a diffusers folder, a single weights file with a local
config, or a builder in code for tiny test models), which pipeline classes serve which task, and the
model's rules: native fps and size, frame rule, size multiple, dtype, and speed/memory options.
The packaged file is read first; files listed in ``BOTKIT_MODEL_REGISTRY`` (``:``-separated) add or
replace entries.
"""

from __future__ import annotations

import logging
import os
import tomllib
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from botkit.engine.options import DTYPES, EngineOptions
from botkit.engine.snapping import FrameRule
from botkit.errors import InputError

logger = logging.getLogger(__name__)

PACKAGED = Path(__file__).with_name("models.toml")
REGISTRY_ENV = "BOTKIT_MODEL_REGISTRY"
DEFAULT_MODELS_DIR = "~/botkit-models"
"""Where ``$BOTKIT_MODELS_DIR`` points when that variable is not set."""

Family = Literal["wan", "ltx", "cogvideox", "skyreels", "hunyuan15", "sana", "svd", "animatediff", "image", "custom"]
TaskName = Literal["t2v", "i2v", "condition", "long", "t2i"]


class ModelEntry(BaseModel):
    """One model. Exactly one of ``path``, ``builder`` or ``loader`` says where it comes from."""

    model_config = ConfigDict(extra="forbid")

    name: str
    description: str = ""
    family: Family = "custom"
    pipelines: dict[TaskName, str] = Field(default_factory=dict)
    """Task -> diffusers pipeline class. The first is loaded; the others share its components (``from_pipe``)."""
    path: str | None = None
    """A diffusers folder (``model_index.json``); ``~`` and ``$VARS`` are expanded, relative to the registry file."""
    transformer_file: str | None = None
    """Single-file transformer weights (``.safetensors``/``.gguf``), configured from ``<path>/transformer``."""
    builder: str | None = None
    """``module:function`` returning a pipeline (tiny models built in code)."""
    loader: str | None = None
    """``module:callable`` returning a ready engine (the embedded model, the animatic)."""
    keyframe_model: str | None = None
    """Factorized text-to-video: the registry name painting key frames (a ``t2i`` model, or a t2v model's first frame)."""
    video_model: str | None = None
    """Factorized text-to-video: the registry name animating them (must do i2v)."""
    fps: int = Field(default=16, ge=1, le=120)
    size: tuple[int, int] = (832, 480)
    frames: str = "any"
    max_frames: int | None = Field(default=None, ge=1)
    min_frames: int = Field(default=1, ge=1)
    """Fewer frames are snapped up to this (SVD's temporal layers need at least 2)."""
    size_multiple: int = Field(default=16, ge=1)
    fixed_size: bool = False
    """The model renders only at ``size`` (CogVideoX-5b-I2V's learned positional embeddings)."""
    max_side: int = Field(default=2048, ge=8)
    dtype: str = "bfloat16"
    steps: int = Field(default=30, ge=1, le=200)
    guidance: float = Field(default=5.0, ge=0, le=30)
    call: dict[str, Any] = Field(default_factory=dict)
    """Extra keyword arguments passed to every pipeline call (``max_sequence_length``, ``decode_timestep`` ...)."""
    options: EngineOptions = Field(default_factory=EngineOptions)
    source: str = ""
    """The registry file this entry came from (set when loading)."""

    @field_validator("frames")
    @classmethod
    def _frame_rule(cls, value: str) -> str:
        FrameRule.parse(value)
        return value

    @field_validator("dtype")
    @classmethod
    def _dtype(cls, value: str) -> str:
        if value not in DTYPES:
            raise ValueError(f"dtype {value!r} is not one of {sorted(DTYPES)}")
        return value

    @model_validator(mode="after")
    def _one_source(self) -> ModelEntry:
        given = [key for key in ("path", "builder", "loader", "video_model") if getattr(self, key)]
        if len(given) != 1:
            raise ValueError(f"give exactly one of path, builder, loader, video_model (got {given or 'none'})")
        if bool(self.keyframe_model) != bool(self.video_model):
            raise ValueError("a factorized entry needs both keyframe_model and video_model")
        if not self.loader and not self.video_model and not self.pipelines:
            raise ValueError("a path or builder entry needs pipelines = {t2v = '...'} (task -> pipeline class)")
        return self

    @property
    def frame_rule(self) -> FrameRule:
        return FrameRule.parse(self.frames)

    @property
    def tasks(self) -> list[str]:
        return list(self.pipelines) if self.pipelines else ["t2v"]

    def resolved_path(self, value: str | None = None) -> Path | None:
        value = self.path if value is None else value
        if value is None:
            return None
        if "BOTKIT_MODELS_DIR" not in os.environ:
            value = value.replace("$BOTKIT_MODELS_DIR", DEFAULT_MODELS_DIR).replace(
                "${BOTKIT_MODELS_DIR}", DEFAULT_MODELS_DIR
            )
        path = Path(os.path.expandvars(os.path.expanduser(value)))
        if not path.is_absolute() and self.source:
            path = Path(self.source).parent / path
        return path


class Registry:
    """Entries by name, read from TOML files (later files override earlier ones)."""

    def __init__(self, entries: Iterable[ModelEntry] = ()) -> None:
        self.entries: dict[str, ModelEntry] = {entry.name: entry for entry in entries}

    @classmethod
    def from_files(cls, paths: Iterable[Path | str]) -> Registry:
        registry = cls()
        for path in paths:
            registry.update(read_registry_file(Path(path)))
        return registry

    @classmethod
    def default(cls) -> Registry:
        """The packaged registry plus the files named in ``BOTKIT_MODEL_REGISTRY``."""
        extra = [part for part in os.environ.get(REGISTRY_ENV, "").split(os.pathsep) if part]
        return cls.from_files([PACKAGED, *extra])

    def update(self, entries: Iterable[ModelEntry]) -> None:
        for entry in entries:
            self.entries[entry.name] = entry

    def names(self) -> list[str]:
        return sorted(self.entries)

    def get(self, name: str) -> ModelEntry:
        try:
            return self.entries[name]
        except KeyError:
            raise InputError(f"unknown engine {name!r}; available: {', '.join(self.names())}") from None


def read_registry_file(path: Path) -> list[ModelEntry]:
    """Entries of one TOML file: ``[models.<name>]`` tables."""
    if not path.is_file():
        raise InputError(f"model registry file {path} does not exist")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"model registry {path} is not valid TOML: {exc}") from exc
    models = data.get("models", {})
    if not isinstance(models, dict):
        raise InputError(f"model registry {path}: [models] must be a table of tables")
    entries = []
    for name, table in models.items():
        try:
            entries.append(ModelEntry(name=name, source=str(path), **table))
        except ValidationError as exc:
            problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
            raise InputError(f"model registry {path}, entry {name!r}: {problems}") from exc
    return entries
