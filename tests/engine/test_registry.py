"""The model registry: TOML entries -> engines loaded from local folders only, with clear errors."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from botkit.channels.cli.models import app
from botkit.domain import ShotRequest
from botkit.engine import available_engines, load_engine
from botkit.engine.pipeline import PipelineEngine
from botkit.engine.registry import Registry, read_registry_file
from botkit.errors import EngineError, InputError
from botkit.testing.tiny.wan import build_t2v

REQUEST = ShotRequest(prompt="a red shoe", num_frames=5, width=32, height=32, fps=16, steps=2, seed=1)


@pytest.fixture(scope="module")
def wan_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("models") / "wan-tiny"
    build_t2v().save_pretrained(folder)
    return folder


def write_registry(path: Path, name: str, folder: Path | str, **extra: str) -> Path:
    values = {
        "family": '"wan"',
        "pipelines": '{ t2v = "WanPipeline" }',
        "path": f'"{folder}"',
        "fps": "16",
        "size": "[32, 32]",
        "frames": '"4k+1"',
        "dtype": '"float32"',
        "steps": "2",
        "call": "{ max_sequence_length = 32 }",
    } | extra
    lines = [f'[models."{name}"]', *(f"{key} = {value}" for key, value in values.items())]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_packaged_names_still_load() -> None:
    assert {"embedded", "tiny-wan", "animatic"} <= set(available_engines())
    entry = Registry.default().get("embedded")
    assert entry.loader == "botkit.engine.embedded.engine:EmbeddedEngine.load"


def test_folder_entry_loads_offline_and_renders_like_the_builder(wan_folder: Path, tmp_path: Path) -> None:
    registry = Registry.from_files([write_registry(tmp_path / "models.toml", "wan-local", wan_folder)])
    engine = load_engine("wan-local", registry)
    assert isinstance(engine, PipelineEngine) and engine.native_fps == 16 and engine.native_size == (32, 32)
    clip = engine.generate(REQUEST)
    built = PipelineEngine(
        registry.get("wan-local").model_copy(update={"path": None, "builder": "x"}), {"t2v": build_t2v()}
    )
    assert clip.frames.shape == (5, 32, 32, 3)
    assert np.array_equal(clip.frames, built.generate(REQUEST).frames)


def test_relative_paths_resolve_against_the_registry_file(wan_folder: Path, tmp_path: Path) -> None:
    shutil.copytree(wan_folder, tmp_path / "weights")
    registry = Registry.from_files([write_registry(tmp_path / "models.toml", "rel", "weights")])
    assert registry.get("rel").resolved_path() == tmp_path / "weights"


def test_missing_folder_names_the_file_expected(tmp_path: Path) -> None:
    registry = Registry.from_files([write_registry(tmp_path / "m.toml", "gone", tmp_path / "nowhere")])
    with pytest.raises(EngineError, match=r"model_index\.json"):
        load_engine("gone", registry)


def test_missing_weights_name_the_file_expected(wan_folder: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(wan_folder, broken)
    for weights in (broken / "transformer").glob("*.safetensors"):
        weights.unlink()
    registry = Registry.from_files([write_registry(tmp_path / "m.toml", "broken", broken)])
    with pytest.raises(EngineError, match=r"transformer/diffusion_pytorch_model\.safetensors"):
        load_engine("broken", registry)
    shutil.rmtree(broken)
    shutil.copytree(wan_folder, broken)
    shutil.rmtree(broken / "vae")
    with pytest.raises(EngineError, match=r"lists 'vae'.*vae/ is missing"):
        load_engine("broken", registry)


def test_bad_entries_are_refused_with_the_reason(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="frame rule '5k'"):
        read_registry_file(write_registry(tmp_path / "a.toml", "x", tmp_path, frames='"5k"'))
    with pytest.raises(InputError, match="exactly one of path, builder, loader, video_model"):
        read_registry_file(write_registry(tmp_path / "b.toml", "x", tmp_path, builder='"a:b"'))
    (tmp_path / "c.toml").write_text("[models.x\n")
    with pytest.raises(InputError, match="not valid TOML"):
        read_registry_file(tmp_path / "c.toml")
    with pytest.raises(InputError, match=r"unknown engine 'nope'; available: .*tiny-wan"):
        load_engine("nope")


def test_registry_file_from_the_environment(wan_folder: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("BOTKIT_MODEL_REGISTRY", str(write_registry(tmp_path / "m.toml", "from-env", wan_folder)))
    assert "from-env" in available_engines() and "tiny-wan" in available_engines()


def test_cli_list_and_check(wan_folder: Path, tmp_path: Path) -> None:
    registry = write_registry(tmp_path / "m.toml", "cli-wan", wan_folder)
    listed = CliRunner().invoke(app, ["list", "--json", "--registry", str(registry)])
    assert listed.exit_code == 0, listed.output
    assert '"name": "cli-wan"' in listed.output and '"name": "tiny-wan"' in listed.output
    checked = CliRunner().invoke(app, ["check", "cli-wan", "--registry", str(registry)])
    assert checked.exit_code == 0, checked.output
    assert "5 frames 32x32" in checked.output and "ok cli-wan" in checked.output
    missing = CliRunner().invoke(app, ["check", "nope"])
    assert missing.exit_code == 2 and "unknown engine 'nope'" in missing.output


def test_single_file_transformer_with_local_config(wan_folder: Path, tmp_path: Path) -> None:
    from safetensors.torch import save_file

    configs = tmp_path / "configs"
    shutil.copytree(wan_folder, configs)
    for weights in (configs / "transformer").glob("*.safetensors"):
        weights.unlink()
    save_file(build_t2v().transformer.state_dict(), str(tmp_path / "wan-transformer.safetensors"))
    registry = Registry.from_files(
        [write_registry(tmp_path / "m.toml", "single", configs, transformer_file='"wan-transformer.safetensors"')]
    )
    folder = Registry.from_files([write_registry(tmp_path / "f.toml", "folder", wan_folder)])
    assert np.array_equal(
        load_engine("single", registry).generate(REQUEST).frames, load_engine("folder", folder).generate(REQUEST).frames
    )
    (tmp_path / "wan-transformer.safetensors").unlink()
    with pytest.raises(EngineError, match=r"transformer_file .*wan-transformer\.safetensors does not exist"):
        load_engine("single", registry)


def test_cli_check_an_image_to_video_model() -> None:
    checked = CliRunner().invoke(app, ["check", "tiny-wan-i2v"])
    assert checked.exit_code == 0, checked.output
    assert "WanImageToVideoPipeline" in checked.output and "ok tiny-wan-i2v" in checked.output
