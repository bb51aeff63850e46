"""``botkit models``: list the model registry, and check that an entry loads and renders."""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path
from typing import Annotated

import numpy as np
import typer
from PIL import Image
from rich import box
from rich.console import Console
from rich.table import Table

from botkit.errors import BotkitError

app = typer.Typer(help="Video models in the registry (models.toml + BOTKIT_MODEL_REGISTRY).", no_args_is_help=True)

RegistryFile = Annotated[
    list[Path] | None, typer.Option("--registry", help="Extra registry TOML file(s), read after the packaged one.")
]


def _registry(extra: list[Path] | None):
    from botkit.engine.registry import Registry

    registry = Registry.default()
    if extra:
        registry.update(Registry.from_files(extra).entries.values())
    return registry


def _where(entry) -> str:
    if entry.loader:
        return f"loader {entry.loader}"
    if entry.builder:
        return f"builder {entry.builder}"
    path = entry.resolved_path()
    return f"{path}" + ("" if path and path.exists() else "  (missing)")


WIDE_COLUMNS = 110  # below this `models list` drops the family and the weights' paths
TASK_NAMES = {"condition": "cond"}


def _weights(entry, registry=None) -> str:
    if entry.loader or entry.builder:
        return "built-in"
    if entry.video_model and registry is not None:  # factorized: both of its models
        parts = [_weights(registry.get(name), registry) for name in (entry.keyframe_model, entry.video_model)]
        return "missing" if "missing" in parts else "ready" if "ready" in parts else "built-in"
    path = entry.resolved_path()
    return "ready" if path and path.exists() else "missing"


@app.command("list")
def list_models(
    registry_file: RegistryFile = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON array of entries.")] = False,
) -> None:
    """Every registry entry: tasks, native fps/size, frame rule and where its weights are."""
    try:
        registry = _registry(registry_file)
    except BotkitError as exc:
        Console(stderr=True).print(f"[bold red]error:[/] {exc}", highlight=False)
        raise typer.Exit(2) from None
    entries = [registry.entries[name] for name in registry.names()]
    if as_json:
        typer.echo(json.dumps([e.model_dump(mode="json", exclude={"source"}) for e in entries], indent=2))
        return
    console = Console()
    wide = console.width >= WIDE_COLUMNS
    table = Table(title="botkit models", box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("name", no_wrap=True)  # what a user types: never cut
    if wide:
        table.add_column("family", no_wrap=True)
    table.add_column("tasks")
    table.add_column("fps", justify="right", no_wrap=True)
    table.add_column("size", no_wrap=True)
    table.add_column("frames")
    table.add_column("source" if wide else "weights", no_wrap=not wide)
    for entry in entries:
        kinds = entry.tasks if "t2i" in entry.pipelines else sorted(registry.capabilities(entry.name).tasks)
        tasks = " ".join(TASK_NAMES.get(task, task) for task in kinds)
        size = "-" if entry.loader else f"{entry.size[0]}x{entry.size[1]}"
        frames = "-" if entry.loader else entry.frames + (f" ≤{entry.max_frames}" if entry.max_frames else "")
        row = [entry.name, *([entry.family] if wide else []), tasks, str(entry.fps), size, frames]
        table.add_row(*row, _where(entry) if wide else _weights(entry, registry))
    console.print(table)
    if not wide:
        console.print(
            "weights: built-in (made in code), ready (on disk) or missing; paths: --json",
            highlight=False,
        )


@app.command("check")
def check_model(
    name: Annotated[
        str, typer.Argument(help="A registry name (load and render), or a downloaded folder (validate it).")
    ],
    entry_name: Annotated[
        str | None, typer.Option("--entry", help="With a FOLDER: the registry entry to check it against.")
    ] = None,
    steps: Annotated[int, typer.Option(help="Denoising steps for the test render.")] = 2,
    frames: Annotated[int | None, typer.Option(help="Frames to ask for [the smallest the model allows].")] = None,
    width: Annotated[int | None, typer.Option(help="Width to ask for [2 x the size multiple].")] = None,
    height: Annotated[int | None, typer.Option(help="Height to ask for [2 x the size multiple].")] = None,
    registry_file: RegistryFile = None,
) -> None:
    """Load one model, render a short clip with a few steps, and report what it did; or, given a
    folder, check its layout, configs and LoRA files against a registry entry (nothing is loaded)."""
    from botkit.domain import ShotRequest
    from botkit.engine.factory import load_engine

    console = Console()
    if Path(name).expanduser().is_dir() or entry_name:
        _check_folder(Path(name).expanduser(), entry_name, registry_file)
        return
    try:
        registry = _registry(registry_file)
        entry = registry.get(name)
        started = time.perf_counter()
        engine = load_engine(name, registry)
        loaded = time.perf_counter() - started
        multiple = entry.size_multiple
        capabilities = engine.capabilities
        request = ShotRequest(
            task="t2v" if capabilities.can("t2v") else "i2v",
            prompt="a red shoe on a white background, slow push in",
            num_frames=frames or 1,
            width=width or 2 * multiple,
            height=height or 2 * multiple,
            fps=engine.native_fps,
            steps=steps,
            seed=0,
        )
        if request.task == "i2v":
            image_path = Path(tempfile.mkdtemp(prefix="botkit-check-")) / "check-image.png"
            gradient = np.linspace(0, 255, request.width * request.height * 3).reshape(request.height, request.width, 3)
            Image.fromarray(gradient.astype(np.uint8)).save(image_path)
            request = request.model_copy(update={"image": image_path})
            if capabilities.needs_last_image:
                request = request.model_copy(update={"last_image": image_path})
        seen: list[int] = []
        clip = engine.generate(request, on_progress=lambda step, total: seen.append(step))
    except BotkitError as exc:
        Console(stderr=True).print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    table = Table("check", "result", title=f"botkit models check {name}")
    table.add_row("loaded in", f"{loaded:.2f} s")
    table.add_row(
        "rendered", f"{clip.num_frames} frames {clip.size[0]}x{clip.size[1]} in {clip.meta.get('seconds', 0)} s"
    )
    table.add_row("progress callbacks", str(len(seen)))
    for key in ("task", "pipeline", "requested_frames", "snapped", "preview"):
        if key in clip.meta:
            table.add_row(key, str(clip.meta[key]))
    console.print(table)
    console.print(f"[bold green]ok[/] {name}")


def _fail(message: str) -> typer.Exit:
    Console(stderr=True).print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(2)


def _check_folder(folder: Path, entry_name: str | None, registry_file: list[Path] | None) -> None:
    from botkit.engine.folders import check_folder

    try:
        registry = _registry(registry_file)
        if entry_name is None:
            matches = [
                entry.name
                for entry in registry.entries.values()
                if entry.path and entry.resolved_path() is not None and _same_path(entry.resolved_path(), folder)
            ]
            if not matches:
                raise _fail(f"no registry entry points at {folder}; name one with --entry NAME (botkit models list)")
            entry_name = matches[0]
        entry = registry.get(entry_name)
        findings = check_folder(entry, folder)
    except BotkitError as exc:
        raise _fail(str(exc)) from None
    table = Table(
        "", "part", "finding", title=f"botkit models check {folder} (entry {entry.name})", box=box.SIMPLE_HEAD
    )
    marks = {"ok": "[green]ok[/]", "warning": "[yellow]warn[/]", "error": "[bold red]error[/]"}
    for finding in findings:
        table.add_row(marks[finding.level], finding.what, finding.detail)
    Console().print(table)
    errors = sum(finding.level == "error" for finding in findings)
    if errors:
        raise _fail(f"{errors} problem(s): {folder} is not a usable {entry.name!r} folder")
    Console().print(f"[bold green]ok[/] {folder} looks like {entry.name}", highlight=False)


def _same_path(a: Path | None, b: Path) -> bool:
    try:
        return a is not None and a.expanduser().resolve() == b.expanduser().resolve()
    except OSError:
        return False


@app.command("pull")
def pull_model(name: str, registry_file: RegistryFile = None) -> None:
    """Print the exact command(s) that download NAME's weights (botkit itself never downloads)."""
    try:
        registry = _registry(registry_file)
        entry = registry.get(name)
    except BotkitError as exc:
        raise _fail(str(exc)) from None
    names = [entry.keyframe_model, entry.video_model] if entry.video_model else [name]
    commands: list[str] = []
    for part in [registry.get(n) for n in names if n]:
        if part.builder or part.loader:
            continue
        if part.hub is None:
            raise _fail(f"model {part.name!r} has no download hint (hub = {{ repo = ... }}) in {part.source}")
        folder = part.hub.folder or str(part.resolved_path())
        commands.append(part.hub.command(folder))
        for lora in part.loras:
            if lora.hub is not None:
                from botkit.engine.loading import lora_file

                target = lora.hub.folder or str(lora_file(part, lora.path).parent)
                if lora.hub.include and "/" in lora.hub.include[0]:  # the file sits in a sub-folder of the repo
                    depth = lora.hub.include[0].count("/")
                    target = str(Path(target).parents[depth - 1]) if depth else target
                commands.append(lora.hub.command(target))
    if not commands:
        typer.echo(f"# {name} is built in code: nothing to download")
        return
    typer.echo(
        f"# weights for {name} (needs `pip install -U huggingface_hub` and network); then: botkit models check {name}"
    )
    for command in commands:
        typer.echo(command)


@app.command("plan")
def plan_model(
    name: str,
    frames: Annotated[
        int | None, typer.Option(help="Frames for the latent shapes [the entry's max_frames or 81].")
    ] = None,
    registry_file: RegistryFile = None,
    as_json: Annotated[bool, typer.Option("--json", help="The report as JSON.")] = False,
) -> None:
    """NAME's real shapes without a weight: components on the meta device, parameters, bf16/fp8
    memory, the weights on the GPU at the peak of each offload option, latent shapes per size."""
    from botkit.engine import shapes as sh

    try:
        registry = _registry(registry_file)
        entry = registry.get(name)
        if not entry.shapes:
            raise _fail(
                f"model {name!r} names no shipped config set (shapes = ...); config sets: {', '.join(sh.config_sets())}"
            )
        started = time.perf_counter()
        components = sh.plan_components(entry.shapes)
        seconds = time.perf_counter() - started
    except BotkitError as exc:
        raise _fail(str(exc)) from None
    count = frames or entry.max_frames or 81
    count = entry.frame_rule.snap(count)
    video = "t2i" not in entry.pipelines
    latents = [
        sh.latent_shape(components, label, width, height, count if video else 1)
        for label, width, height in sh.preset_sizes((int(entry.size[0]), int(entry.size[1])), entry.size_multiple)
    ]
    peaks = {"bf16": sh.offload_peaks(components), "fp8": sh.offload_peaks(components, fp8=True)}
    if as_json:
        report = {
            "name": name,
            "shapes": entry.shapes,
            "seconds": round(seconds, 2),
            "components": {
                key: {
                    "class": c.class_name,
                    "params": c.params,
                    "largest_block": c.largest_block,
                    "ignored": list(c.ignored),
                }
                for key, c in components.items()
            },
            "params": sum(c.params for c in components.values()),
            "bytes": {"bf16": sh.weight_bytes(components), "fp8": sh.weight_bytes(components, fp8=True)},
            "peak_bytes": peaks,
            "latents": [vars(latent) for latent in latents],
        }
        typer.echo(json.dumps(report, indent=2))
        return
    console = Console()
    table = Table("component", "class", "params", "bf16", box=box.SIMPLE_HEAD, title=f"botkit models plan {name}")
    for key, c in components.items():
        table.add_row(key, c.class_name, f"{c.params / 1e9:.3f} B", sh.gib(c.params * 2))
    total = sum(c.params for c in components.values())
    table.add_row("all", "", f"{total / 1e9:.3f} B", sh.gib(sh.weight_bytes(components)))
    console.print(table)
    memory = Table("offload", "bf16 weights on GPU", "fp8 denoiser", box=box.SIMPLE_HEAD,
                   title="peak weights on the GPU (activations come on top)")  # fmt: skip
    for option in ("none", "model", "group", "sequential"):
        memory.add_row(option, sh.gib(peaks["bf16"][option]), sh.gib(peaks["fp8"][option]))
    console.print(memory)
    shapes_table = Table("size", "frames", "latent", "tokens", box=box.SIMPLE_HEAD, title="latents")
    for latent in latents:
        shapes_table.add_row(
            f"{latent.label} {latent.width}x{latent.height}",
            str(latent.frames),
            "x".join(map(str, latent.latent)),
            f"{latent.tokens:,}",
        )
    console.print(shapes_table)
    ignored = {key: c.ignored for key, c in components.items() if c.ignored}
    if ignored:
        console.print(f"config keys this diffusers does not know (ignored): {ignored}", highlight=False)
    console.print(f"built on the meta device in {seconds:.1f} s; no weights read", highlight=False)
