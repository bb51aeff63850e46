"""The model registry: data (``models.toml``) naming every engine botkit can load.

An entry maps a name to where the weights are (a diffusers folder, a single weights file with a local
config, or a builder in code for tiny test models), which pipeline classes serve which task, and the
model's rules: native fps and size, frame rule, size multiple, dtype, and speed/memory options.
The packaged file is read first; files listed in ``BOTKIT_MODEL_REGISTRY`` (``:``-separated) add or
replace entries.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tomllib
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from botkit.engine.base import Capabilities, CapabilityTask
from botkit.engine.options import DTYPE_NAMES, EngineOptions
from botkit.engine.snapping import FrameRule
from botkit.errors import InputError

logger = logging.getLogger(__name__)

PACKAGED = Path(__file__).with_name("models.toml")
REGISTRY_ENV = "BOTKIT_MODEL_REGISTRY"
DEFAULT_MODELS_DIR = "~/botkit-models"
"""Where ``$BOTKIT_MODELS_DIR`` points when that variable is not set."""

Family = Literal[
    "wan",
    "ltx",
    "ltx2",
    "cogvideox",
    "skyreels",
    "hunyuan15",
    "sana",
    "svd",
    "animatediff",
    "helios",
    "anyflow",
    "kandinsky5",
    "image",
    "custom",
]
TaskName = Literal["t2v", "i2v", "condition", "long", "v2v", "vace", "continue", "t2i"]
"""``v2v``: restyle a video (strength); ``vace``: Wan VACE (reference images, video + mask);
``continue``: a native continuation pipeline (AnyFlow-FAR: chunk-wise causal, from given frames)."""
_WEIGHT_SUFFIXES = (".safetensors", ".bin", ".gguf", ".pt", ".json")


class CapabilityOverrides(BaseModel):
    """``[models.<name>.capabilities]``: what the entry's pipelines do not say (a loader engine's
    tasks; ``quality_checks = false`` for random test weights). Unset fields are derived."""

    model_config = ConfigDict(extra="forbid")

    tasks: list[CapabilityTask] | None = None
    max_frames: int | None = Field(default=None, ge=1)
    chunking: bool | None = None
    quality_checks: bool | None = None
    preview: bool | None = None
    needs_last_image: bool | None = None
    real_images: bool | None = None


class HubSource(BaseModel):
    """Where a user downloads the weights (botkit itself never does): a hub repo at a revision."""

    model_config = ConfigDict(extra="forbid")

    repo: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*$")
    revision: str = Field(default="main", max_length=80)
    """A branch, tag or commit; pin a commit for a reproducible deployment."""
    include: list[str] = Field(default_factory=list)
    """Only these file patterns (a LoRA repo with several files, one transformer of a few)."""
    folder: str | None = None
    """The local folder to download into; default: the entry's ``path`` (or the LoRA file's folder)."""

    def command(self, folder: str) -> str:
        """The exact shell command that downloads it (``hf`` is huggingface_hub's CLI)."""
        parts = ["hf", "download", self.repo]
        parts += [f"'{pattern}'" for pattern in self.include]
        if self.revision != "main":
            parts += ["--revision", self.revision]
        parts += ["--local-dir", f'"{folder}"']
        return " ".join(parts)


class LoraEntry(BaseModel):
    """One LoRA (or distillation) adapter, loaded with ``load_lora_weights`` after the pipeline."""

    model_config = ConfigDict(extra="forbid")

    path: str
    """A ``.safetensors`` file (or a folder with ``pytorch_lora_weights.safetensors``); ``~``/``$VARS`` expanded."""
    weight: float = Field(default=1.0, ge=-4, le=4)
    name: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_]+$")
    """Adapter name (default: the file's stem, made an identifier)."""
    expert: Literal["transformer", "transformer_2", "both"] = "transformer"
    """Wan 2.2 A14B has two experts: ``transformer_2`` loads the LoRA into the low-noise one."""
    hub: HubSource | None = None


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
    capabilities: CapabilityOverrides = Field(default_factory=CapabilityOverrides)
    hub: HubSource | None = None
    """Download hint: the hub repo and revision ``botkit models pull NAME`` prints a command for."""
    loras: list[LoraEntry] = Field(default_factory=list)
    """Adapters loaded after the pipeline (LightX2V few-step LoRAs ...); ``steps``/``guidance`` are
    then the values the distillation expects."""
    audio: Literal["keep", "drop"] = "drop"
    """Models that render a soundtrack too (LTX-2): ``keep`` returns it with the clip
    (``clip.meta["audio"]``, for the sound step to mix under narration/music); ``drop`` skips decoding it."""
    shapes: str | None = None
    """The config set under ``botkit/engine/configs/`` (real component configs, no weights) that
    ``botkit models plan NAME`` builds on the meta device; default: none (tiny and loader entries)."""
    revision: str | None = Field(default=None, max_length=80)
    """Names the weights (bump it when they change); default: a fingerprint of the entry and its weight files."""
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
        if value not in DTYPE_NAMES:
            raise ValueError(f"dtype {value!r} is not one of {sorted(DTYPE_NAMES)}")
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
        """The entry's pipeline tasks (``t2v``, ``i2v``, ``condition``, ``long``, ``t2i``)."""
        if self.pipelines:
            return list(self.pipelines)
        return sorted(self.capabilities.tasks or ["t2v"])

    def derived_capabilities(self) -> Capabilities:
        """Capabilities from the pipelines (what a ``PipelineEngine`` of this entry can do), then overrides."""
        pipes = set(self.pipelines)
        tasks: set[str] = set()
        if pipes & {"t2v", "condition", "vace", "continue"}:
            tasks.add("t2v")
        if pipes & {"i2v", "condition", "vace", "continue"}:
            tasks.add("i2v")
        if pipes & {"v2v", "vace"}:
            tasks.add("v2v")
        derived = Capabilities(
            tasks=frozenset(tasks or {"t2v"}),
            max_frames=self.max_frames,
            chunking="long" in pipes,
        )
        return apply_overrides(derived, self.capabilities)

    def fingerprint(self) -> str:
        """``revision`` when set; otherwise a hash of what decides the pixels: the entry's fields and,
        for a folder, every weight and config file's name, size and modification time (cheap:
        no multi-GB hashing at start-up)."""
        if self.revision:
            return self.revision
        fields = self.model_dump(
            mode="json", exclude={"description", "source", "options", "capabilities", "hub", "shapes"}
        )
        digest = hashlib.sha256(json.dumps(fields, sort_keys=True).encode())
        for value in (self.path, self.transformer_file, *(lora.path for lora in self.loras)):
            folder = self.resolved_path(value) if value else None
            if folder is None or not folder.exists():
                continue
            files = [folder] if folder.is_file() else sorted(p for p in folder.rglob("*") if p.is_file())
            for file in files:
                if file.suffix in _WEIGHT_SUFFIXES:
                    stat = file.stat()
                    digest.update(f"{file.relative_to(folder.parent)}:{stat.st_size}:{stat.st_mtime_ns}".encode())
        return f"{self.name}@{digest.hexdigest()[:16]}"

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


def apply_overrides(capabilities: Capabilities, overrides: CapabilityOverrides) -> Capabilities:
    given = overrides.model_dump(exclude_none=True)
    if "tasks" in given:
        given["tasks"] = frozenset(given["tasks"])
    return capabilities.model_copy(update=given)


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
        if name not in self.entries and ">" in name:
            return self.factorized(*name.split(">", 1))
        try:
            return self.entries[name]
        except KeyError:
            raise InputError(f"unknown engine {name!r}; available: {', '.join(self.names())}") from None

    def factorized(self, keyframe: str, video: str) -> ModelEntry:
        """The entry ``"<keyframe>><video>"``: key frames by one model, motion by another (a deployment
        profile's ``keyframe`` + ``i2v``), at the video model's fps and size."""
        video_entry, keyframe_entry = self.get(video), self.get(keyframe)
        if "t2i" not in keyframe_entry.pipelines and not self.capabilities(keyframe).can("t2v"):
            raise InputError(f"key frame model {keyframe!r} makes neither images nor text-to-video")
        return ModelEntry(
            name=f"{keyframe}>{video}",
            description=f"factorized: a {keyframe} key frame -> {video} image-to-video",
            keyframe_model=keyframe,
            video_model=video,
            fps=video_entry.fps,
            size=video_entry.size,
        )

    def capabilities(self, name: str) -> Capabilities:
        """What the engine of entry ``name`` can do, without loading it (plan-time checks use this)."""
        entry = self.get(name)
        if entry.video_model:
            # factorized: text -> key frame -> the video model's image-to-video, at its frame limits
            video = self.capabilities(entry.video_model)
            keyframes = self.get(entry.keyframe_model or "")
            derived = video.model_copy(
                update={
                    "tasks": frozenset({"t2v", "i2v"}),
                    "quality_checks": video.quality_checks and keyframes.derived_capabilities().quality_checks,
                }
            )
            return apply_overrides(derived, entry.capabilities)
        if entry.loader:
            return apply_overrides(Capabilities(tasks=frozenset({"t2v"})), entry.capabilities)
        capabilities = entry.derived_capabilities()
        if entry.max_frames is not None and not capabilities.chunking and capabilities.can("i2v"):
            capabilities = capabilities.model_copy(update={"chunking": True})  # the factory chains i2v calls
        return capabilities

    def installed(self, name: str) -> bool:
        """Whether the entry's weights are here (loader and builder entries always are)."""
        entry = self.get(name)
        if entry.video_model:
            return self.installed(entry.video_model) and self.installed(entry.keyframe_model or "")
        folder = entry.resolved_path()
        return folder is None or folder.exists()

    def able(self, task: str) -> list[str]:
        """Names of video entries that can render ``task``: installed real models first, then missing
        ones, previews and test doubles last."""
        names = [name for name in self.names() if "t2i" not in self.entries[name].pipelines]
        able = [name for name in names if self.capabilities(name).can(task)]

        def rank(name: str) -> tuple[bool, bool, bool, str]:
            capabilities = self.capabilities(name)
            return (capabilities.preview, not capabilities.quality_checks, not self.installed(name), name)

        return sorted(able, key=rank)


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
