"""Checking a downloaded model folder against its registry entry, without loading a weight:
layout (``model_index.json``, one folder per component, configs, weight files), the pipeline class,
and each component's config against the shipped real config (``shapes``), and the entry's LoRA files."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from botkit.engine.registry import ModelEntry

_WEIGHTS = ("*.safetensors", "*.bin", "*.safetensors.index.json", "*.bin.index.json", "*.gguf", "*.pt")
_CONFIG_FILES = {"scheduler": "scheduler_config.json", "feature_extractor": "preprocessor_config.json",
                 "image_processor": "preprocessor_config.json", "guider": "guider_config.json"}  # fmt: skip


@dataclass(frozen=True)
class Finding:
    level: Literal["ok", "warning", "error"]
    what: str
    detail: str


def _read_json(path: Path) -> tuple[dict[str, Any] | None, str | None]:
    try:
        return json.loads(path.read_text(encoding="utf-8")), None
    except FileNotFoundError:
        return None, f"{path} is missing"
    except (OSError, ValueError) as exc:
        return None, f"{path} is not valid JSON: {exc}"


def _same(expected: Any, found: Any) -> bool:
    if isinstance(expected, list | tuple) and isinstance(found, list | tuple):
        return len(expected) == len(found) and all(_same(e, f) for e, f in zip(expected, found, strict=True))
    if isinstance(expected, dict) and isinstance(found, dict):
        return all(key not in found or _same(value, found[key]) for key, value in expected.items())
    if isinstance(expected, float) or isinstance(found, float):
        try:
            return abs(float(expected) - float(found)) <= 1e-6 * max(1.0, abs(float(expected)))
        except (TypeError, ValueError):
            return False
    return bool(expected == found)


def check_folder(entry: ModelEntry, folder: Path) -> list[Finding]:
    """Everything wrong (or right) with ``folder`` as the weights of ``entry``; nothing is loaded."""
    findings: list[Finding] = []
    if not folder.is_dir():
        hint = f"; download it: {entry.hub.command(str(folder))}" if entry.hub else ""
        return [Finding("error", "folder", f"{folder} does not exist{hint}")]
    index, problem = _read_json(folder / "model_index.json")
    if index is None:
        return [Finding("error", "model_index.json", f"not a diffusers folder: {problem}")]
    class_name = index.get("_class_name", "?")
    classes = set(entry.pipelines.values())
    if class_name in classes:
        findings.append(Finding("ok", "pipeline", f"{class_name} (the entry's {', '.join(entry.pipelines)})"))
    else:
        findings.append(
            Finding("warning", "pipeline", f"folder is {class_name}; the entry loads {', '.join(sorted(classes))}")
        )
    shipped: dict[str, Any] = {}
    if entry.shapes:
        from botkit.engine.shapes import read_config_set

        shipped = read_config_set(entry.shapes)["components"]
    external = {"transformer"} if entry.transformer_file else set()
    for component, value in index.items():
        if component.startswith("_") or not isinstance(value, list) or value[0] is None:
            continue
        library, component_class = value[0], value[1]
        sub = folder / component
        if not sub.is_dir():
            findings.append(
                Finding("error", component, f"model_index.json lists {component_class} but {sub}/ is missing")
            )
            continue
        if component in _CONFIG_FILES:
            expected = sub / _CONFIG_FILES[component]
            level: Literal["ok", "error"] = "ok" if expected.is_file() else "error"
            findings.append(
                Finding(level, component, f"{component_class}: {expected.name}" + ("" if level == "ok" else " missing"))
            )
            continue
        if (
            "Tokenizer" in component_class
            or "Processor" in component_class
            or library not in ("diffusers", "transformers")
        ):
            findings.append(Finding("ok", component, component_class))
            continue
        config, problem = _read_json(sub / "config.json")
        if config is None:
            findings.append(Finding("error", component, f"{component_class}: {problem}"))
            continue
        has_weights = component in external or any(next(sub.glob(pattern), None) for pattern in _WEIGHTS)
        if not has_weights:
            findings.append(Finding("error", component, f"{component_class}: no weight files in {sub}/"))
            continue
        spec = shipped.get(component)
        if spec is None:
            findings.append(Finding("ok", component, f"{component_class}: config and weights present"))
            continue
        if spec["class"] != component_class:
            findings.append(
                Finding("warning", component, f"folder has {component_class}, the shipped shapes {spec['class']}")
            )
            continue
        expected_config = spec["config"]  # nested text/vision configs are compared key by key too
        wrong = [
            f"{key}={config[key]!r} (expected {value!r})"
            for key, value in expected_config.items()
            if key in config and not _same(value, config[key])
        ]
        if wrong:
            findings.append(
                Finding(
                    "warning", component, f"{component_class} differs from the shipped config: " + "; ".join(wrong[:4])
                )
            )
        else:
            findings.append(Finding("ok", component, f"{component_class}: config matches the shipped shapes"))
    for component in shipped:
        if component not in index:
            findings.append(
                Finding("error", component, f"the entry's shapes have {component!r}; model_index.json does not")
            )
    for lora in entry.loras:
        from botkit.engine.loading import lora_file

        file = lora_file(entry, lora.path)
        if file.is_file():
            findings.append(Finding("ok", f"lora {lora.name or file.stem}", f"{file} (weight {lora.weight:g})"))
        else:
            hint = f"; download it: {lora.hub.command(str(file.parent))}" if lora.hub else ""
            findings.append(Finding("error", f"lora {lora.name or file.stem}", f"{file} is missing{hint}"))
    return findings


def write_skeleton(entry: ModelEntry, folder: Path) -> Path:
    """A weightless diffusers folder laid out like the real download (configs from the shipped shapes,
    empty weight files): what ``check_folder`` expects, for tests and for a dry run of a deployment."""
    from botkit.engine.shapes import read_config_set

    if not entry.shapes:
        raise ValueError(f"model {entry.name!r} has no shipped shapes")
    found = read_config_set(entry.shapes)
    index: dict[str, Any] = {"_class_name": found["pipeline"], "_diffusers_version": "0.42.1"}
    folder.mkdir(parents=True, exist_ok=True)
    for component, spec in found["components"].items():
        index[component] = [spec["library"], spec["class"]]
        sub = folder / component
        sub.mkdir(exist_ok=True)
        (sub / "config.json").write_text(json.dumps({"_class_name": spec["class"], **spec["config"]}, indent=1))
        weights = "diffusion_pytorch_model.safetensors" if spec["library"] == "diffusers" else "model.safetensors"
        (sub / weights).write_bytes(b"")
    index["scheduler"] = ["diffusers", "FlowMatchEulerDiscreteScheduler"]
    (folder / "scheduler").mkdir(exist_ok=True)
    (folder / "scheduler" / "scheduler_config.json").write_text("{}")
    (folder / "model_index.json").write_text(json.dumps(index, indent=1))
    return folder
