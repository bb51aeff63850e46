"""Real shapes without weights: every shipped config set built on the meta device, the figures the
``botkit models plan`` report gives, download hints (``pull``) and folder checks (``check FOLDER``)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from botkit.channels.cli.models import app
from botkit.engine import shapes
from botkit.engine.folders import check_folder, write_skeleton
from botkit.engine.registry import Registry

# Parameter counts as the model cards and diffusers' conversions give them (billions, rounded).
KNOWN = {
    ("wan2.1-t2v-1.3b", "transformer"): 1.42,
    ("wan2.1-t2v-1.3b", "text_encoder"): 5.68,  # UMT5-XXL encoder
    ("wan2.1-t2v-14b", "transformer"): 14.29,
    ("ltx-2", "transformer"): 18.88,  # "LTX-2 19B": video and audio streams
    ("ltx-2", "text_encoder"): 12.2,  # Gemma 3 12B
    ("flux1", "transformer"): 11.9,
    ("flux1", "text_encoder_2"): 4.76,  # T5-XXL encoder
    ("sdxl", "unet"): 2.57,
    ("sana-1600m", "transformer"): 1.6,
    ("kandinsky5-lite", "transformer"): 2.0,
}


@pytest.fixture(scope="module")
def planned() -> dict[str, dict[str, shapes.ComponentShape]]:
    return {name: shapes.plan_components(name) for name in shapes.config_sets()}


def test_every_registry_shapes_name_is_shipped() -> None:
    named = {entry.shapes for entry in Registry.default().entries.values() if entry.shapes}
    assert named and named <= set(shapes.config_sets())


def test_every_config_set_builds_on_the_meta_device(planned: dict[str, dict[str, shapes.ComponentShape]]) -> None:
    for name, components in planned.items():
        assert components, name
        for component in components.values():
            assert component.params > 1_000_000, (name, component.name)
            assert not component.ignored, (name, component.name, component.ignored)  # every key is understood
    for (name, component), billions in KNOWN.items():
        assert planned[name][component].params / 1e9 == pytest.approx(billions, rel=0.01), (name, component)


def test_memory_and_offload_peaks(planned: dict[str, dict[str, shapes.ComponentShape]]) -> None:
    wan = planned["wan2.1-t2v-1.3b"]
    total = sum(c.params for c in wan.values())
    assert shapes.weight_bytes(wan) == 2 * total
    assert shapes.weight_bytes(wan, fp8=True) == 2 * total - wan["transformer"].params
    peaks = shapes.offload_peaks(wan)
    assert peaks["none"] == 2 * total
    assert peaks["model"] == 2 * wan["text_encoder"].params  # the biggest component at a time
    assert peaks["group"] < peaks["model"] < peaks["none"] and peaks["sequential"] < peaks["model"]
    ltx = planned["ltx-2"]
    assert shapes.offload_peaks(ltx, fp8=True)["model"] < shapes.offload_peaks(ltx)["model"]  # fp8 transformer


def test_latent_shapes(planned: dict[str, dict[str, shapes.ComponentShape]]) -> None:
    wan = shapes.latent_shape(planned["wan2.1-t2v-1.3b"], "native", 832, 480, 81)
    assert wan.latent == (16, 21, 60, 104) and wan.tokens == 21 * 30 * 52  # 32,760: Wan's 480p sequence
    ltx = shapes.latent_shape(planned["ltx-2"], "native", 768, 512, 121)
    assert ltx.latent == (128, 16, 16, 24) and ltx.tokens == 16 * 16 * 24
    flux = shapes.latent_shape(planned["flux1"], "native", 1024, 1024, 1)
    assert flux.latent == (16, 128, 128) and flux.tokens == 64 * 64  # 2x2 packing
    sana = shapes.latent_shape(planned["sana-1600m"], "native", 1024, 1024, 1)
    assert sana.latent == (32, 32, 32)
    assert shapes.preset_sizes((832, 480), 16) == [("native", 832, 480), ("9:16", 480, 832), ("1:1", 624, 624)]


def test_cli_plan_every_entry_with_shapes() -> None:
    registry = Registry.default()
    for name in sorted(n for n, e in registry.entries.items() if e.shapes):
        done = CliRunner().invoke(app, ["plan", name, "--json"])
        assert done.exit_code == 0, (name, done.output)
        report = json.loads(done.output)
        assert report["params"] > 1e9 and report["bytes"]["fp8"] <= report["bytes"]["bf16"]
        assert {"none", "model", "group", "sequential"} == set(report["peak_bytes"]["bf16"])
    table = CliRunner().invoke(app, ["plan", "wan2.1-t2v-1.3b"])
    assert "WanTransformer3DModel" in table.output and "16x21x60x104" in table.output
    none = CliRunner().invoke(app, ["plan", "tiny-wan"])
    assert none.exit_code == 2 and "names no shipped config set" in none.output


def test_cli_pull_prints_the_commands() -> None:
    done = CliRunner().invoke(app, ["pull", "wan2.1-t2v-1.3b"])
    assert done.exit_code == 0
    assert 'hf download Wan-AI/Wan2.1-T2V-1.3B-Diffusers --local-dir "' in done.output
    lightning = CliRunner().invoke(app, ["pull", "wan2.2-t2v-a14b-lightning"]).output
    assert "hf download lightx2v/Wan2.2-Lightning 'Wan2.2-T2V-A14B-4steps-lora-rank64-Seko-V1.1/*'" in lightning
    assert lightning.count("hf download") == 2
    factorized = CliRunner().invoke(app, ["pull", "factorized-flux-wan-i2v"]).output
    assert "black-forest-labs/FLUX.1-schnell" in factorized and "Wan2.1-I2V-14B-480P" in factorized
    assert "nothing to download" in CliRunner().invoke(app, ["pull", "tiny-wan"]).output
    assert CliRunner().invoke(app, ["pull", "nope"]).exit_code == 2


def test_check_folder_against_the_entry(tmp_path: Path) -> None:
    entry = Registry.default().get("wan2.1-t2v-1.3b")
    folder = write_skeleton(entry, tmp_path / "Wan2.1-T2V-1.3B-Diffusers")
    findings = check_folder(entry, folder)
    assert all(f.level == "ok" for f in findings), findings
    # a 14B transformer config in the 1.3B folder: named, key by key
    config = json.loads((folder / "transformer" / "config.json").read_text())
    (folder / "transformer" / "config.json").write_text(json.dumps(config | {"num_layers": 40}))
    (folder / "vae" / "diffusion_pytorch_model.safetensors").unlink()
    shutil.rmtree(folder / "scheduler")
    problems = {f.what: (f.level, f.detail) for f in check_folder(entry, folder)}
    assert problems["transformer"][0] == "warning" and "num_layers=40 (expected 30)" in problems["transformer"][1]
    assert problems["vae"] == ("error", f"AutoencoderKLWan: no weight files in {folder / 'vae'}/")
    assert problems["scheduler"][0] == "error"
    missing = check_folder(entry, tmp_path / "nowhere")
    assert missing[0].level == "error" and "hf download Wan-AI/Wan2.1-T2V-1.3B-Diffusers" in missing[0].detail


def test_cli_check_folder(tmp_path: Path) -> None:
    entry = Registry.default().get("ltx-2")
    folder = write_skeleton(entry, tmp_path / "LTX-2")
    done = CliRunner().invoke(app, ["check", str(folder), "--entry", "ltx-2"])
    assert done.exit_code == 0, done.output
    assert "looks like ltx-2" in done.output
    (folder / "model_index.json").write_text("{not json")
    broken = CliRunner().invoke(app, ["check", str(folder), "--entry", "ltx-2"])
    assert broken.exit_code == 2 and "not valid JSON" in broken.output
    unknown = CliRunner().invoke(app, ["check", str(tmp_path)])
    assert unknown.exit_code == 2 and "--entry NAME" in unknown.output
