"""Loading a registry entry's pipelines from local files only, with errors that name the file expected."""

from __future__ import annotations

import importlib
import json
import logging
from pathlib import Path
from typing import Any

from botkit.engine.options import torch_dtype
from botkit.engine.registry import ModelEntry
from botkit.errors import EngineError, InputError

logger = logging.getLogger(__name__)

_WEIGHT_PATTERNS = ("*.safetensors", "*.bin", "*.safetensors.index.json", "*.bin.index.json", "*.gguf", "*.pt")
_CONFIG_FILES = {
    "scheduler": "scheduler_config.json",
    "feature_extractor": "preprocessor_config.json",
    "image_processor": "preprocessor_config.json",
    "guider": "guider_config.json",
}


def import_object(spec: str) -> Any:
    """``package.module:attr.attr`` -> the object."""
    module_name, _, attr_path = spec.partition(":")
    if not attr_path:
        raise InputError(f"{spec!r} is not of the form 'package.module:name'")
    try:
        obj: Any = importlib.import_module(module_name)
    except ImportError as exc:
        raise EngineError(f"cannot import {module_name!r} (from {spec!r}): {exc}") from exc
    for part in attr_path.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            raise EngineError(f"{module_name!r} has no {attr_path!r} (from {spec!r})") from None
    return obj


def pipeline_class(name: str) -> Any:
    import diffusers

    cls = getattr(diffusers, name, None)
    if cls is None:
        raise InputError(f"diffusers {diffusers.__version__} has no pipeline class {name!r}")
    return cls


def check_layout(folder: Path, *, model: str, external: frozenset[str] = frozenset()) -> dict[str, Any]:
    """Check a diffusers folder before loading; returns its ``model_index.json``."""
    index_file = folder / "model_index.json"
    if not folder.is_dir():
        raise EngineError(
            f"model {model!r}: folder {folder} does not exist (expected a diffusers folder with {index_file})"
        )
    if not index_file.is_file():
        raise EngineError(f"model {model!r}: {folder} is not a diffusers folder: expected {index_file}")
    try:
        index = json.loads(index_file.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise EngineError(f"model {model!r}: {index_file} is not valid JSON: {exc}") from exc
    for component, value in index.items():
        if component.startswith("_") or component in external or not isinstance(value, list) or value[0] is None:
            continue
        library, class_name = value[0], value[1]
        sub = folder / component
        if not sub.is_dir():
            raise EngineError(f"model {model!r}: {index_file} lists {component!r} ({class_name}) but {sub}/ is missing")
        if component in _CONFIG_FILES:
            expected = sub / _CONFIG_FILES[component]
            if not expected.is_file():
                raise EngineError(f"model {model!r}: expected {expected}")
        elif "Tokenizer" not in class_name and library in ("diffusers", "transformers"):
            if not (sub / "config.json").is_file():
                raise EngineError(f"model {model!r}: expected {sub / 'config.json'} for {class_name}")
            if not any(next(sub.glob(pattern), None) for pattern in _WEIGHT_PATTERNS):
                raise EngineError(
                    f"model {model!r}: no weights in {sub}/ for {class_name} "
                    f"(expected e.g. {sub / 'diffusion_pytorch_model.safetensors'} or {sub / 'model.safetensors'})"
                )
    return index


def load_pipelines(entry: ModelEntry) -> dict[str, Any]:
    """Task -> pipeline, all sharing one set of components. Nothing is fetched from the network."""
    tasks = list(entry.pipelines.items())
    first_task, first_class = tasks[0]
    if entry.builder:
        first = import_object(entry.builder)()
        if type(first).__name__ != first_class:
            first = pipeline_class(first_class).from_pipe(first)
    else:
        first = _from_disk(entry, pipeline_class(first_class))
    pipes: dict[str, Any] = {first_task: first}
    for task, class_name in tasks[1:]:
        pipes[task] = pipeline_class(class_name).from_pipe(first)
    if entry.loras:
        load_loras(first, entry)
    for pipe in pipes.values():
        pipe.set_progress_bar_config(disable=True)
    return pipes


def lora_file(entry: ModelEntry, path: str) -> Path:
    """A LoRA entry's file: the path itself, or ``pytorch_lora_weights.safetensors`` in a folder."""
    resolved = entry.resolved_path(path)
    assert resolved is not None
    if resolved.is_dir():
        resolved = resolved / "pytorch_lora_weights.safetensors"
    return resolved


def load_loras(pipe: Any, entry: ModelEntry) -> list[str]:
    """Load the entry's LoRAs into the (shared) components and weight them; returns adapter names.

    Components are shared between an entry's pipelines, so loading into the first is enough."""
    if not hasattr(pipe, "load_lora_weights"):
        raise EngineError(f"model {entry.name!r}: {type(pipe).__name__} cannot load LoRAs (no load_lora_weights)")
    names: list[str] = []
    weights: list[float] = []
    for index, lora in enumerate(entry.loras):
        file = lora_file(entry, lora.path)
        if not file.is_file():
            hint = f"; download it: {lora.hub.command(str(file.parent))}" if lora.hub else ""
            raise EngineError(f"model {entry.name!r}: LoRA file {file} does not exist{hint}")
        name = lora.name or "".join(c if c.isalnum() else "_" for c in file.stem) or f"lora{index}"
        targets = {"transformer": [False], "transformer_2": [True], "both": [False, True]}[lora.expert]
        for into_second in targets:
            if into_second and getattr(pipe, "transformer_2", None) is None:
                raise EngineError(f"model {entry.name!r}: LoRA {name!r} is for transformer_2, which this model lacks")
            adapter = f"{name}_2" if into_second and lora.expert == "both" else name
            extra = {"load_into_transformer_2": True} if into_second else {}
            try:
                pipe.load_lora_weights(str(file), adapter_name=adapter, **extra)
            except (ValueError, KeyError, OSError, RuntimeError, ImportError) as exc:
                raise EngineError(f"model {entry.name!r}: cannot load LoRA {file}: {exc}") from exc
            names.append(adapter)
            weights.append(lora.weight)
    pipe.set_adapters(names, weights)
    logger.info("loaded LoRAs", extra={"model": entry.name, "adapters": dict(zip(names, weights, strict=True))})
    return names


def _from_disk(entry: ModelEntry, cls: Any) -> Any:
    folder = entry.resolved_path()
    assert folder is not None
    check_layout(folder, model=entry.name, external=frozenset({"transformer"} if entry.transformer_file else ()))
    dtype = torch_dtype(entry.dtype)
    kwargs: dict[str, Any] = {"dtype": dtype, "local_files_only": True}
    if entry.transformer_file:
        weights = entry.resolved_path(entry.transformer_file)
        assert weights is not None
        if not weights.is_file():
            raise EngineError(f"model {entry.name!r}: transformer_file {weights} does not exist")
        index = json.loads((folder / "model_index.json").read_text(encoding="utf-8"))
        transformer_cls = pipeline_class(index["transformer"][1])
        try:
            kwargs["transformer"] = transformer_cls.from_single_file(
                str(weights), config=str(folder), subfolder="transformer", torch_dtype=dtype, local_files_only=True
            )
        except Exception as exc:
            raise EngineError(f"model {entry.name!r}: cannot load single-file weights {weights}: {exc}") from exc
    try:
        return cls.from_pretrained(folder, **kwargs)
    except (OSError, ValueError, KeyError) as exc:
        raise EngineError(f"model {entry.name!r}: cannot load {folder} as {cls.__name__}: {exc}") from exc
