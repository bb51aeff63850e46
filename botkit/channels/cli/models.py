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


def _registry(extra: list[Path] | None):  # type: ignore[no-untyped-def]
    from botkit.engine.registry import Registry

    registry = Registry.default()
    if extra:
        registry.update(Registry.from_files(extra).entries.values())
    return registry


def _where(entry) -> str:  # type: ignore[no-untyped-def]
    if entry.loader:
        return f"loader {entry.loader}"
    if entry.builder:
        return f"builder {entry.builder}"
    path = entry.resolved_path()
    return f"{path}" + ("" if path and path.exists() else "  (missing)")


WIDE_COLUMNS = 110  # below this `models list` drops the family and the weights' paths
TASK_NAMES = {"condition": "cond"}


def _weights(entry) -> str:  # type: ignore[no-untyped-def]
    if entry.loader or entry.builder:
        return "built-in"
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
        table.add_row(*row, _where(entry) if wide else _weights(entry))
    console.print(table)
    if not wide:
        console.print(
            "weights: built-in (made in code), ready (on disk) or missing; paths: --json",
            highlight=False,
        )


@app.command("check")
def check_model(
    name: str,
    steps: Annotated[int, typer.Option(help="Denoising steps for the test render.")] = 2,
    frames: Annotated[int | None, typer.Option(help="Frames to ask for [the smallest the model allows].")] = None,
    width: Annotated[int | None, typer.Option(help="Width to ask for [2 x the size multiple].")] = None,
    height: Annotated[int | None, typer.Option(help="Height to ask for [2 x the size multiple].")] = None,
    registry_file: RegistryFile = None,
) -> None:
    """Load one model, render a short clip with a few steps, and report what it did."""
    from botkit.domain import ShotRequest
    from botkit.engine.factory import load_engine

    console = Console()
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
