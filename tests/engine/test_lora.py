"""LoRAs as registry data: a LoRA made in code (peft) for the tiny Wan transformer, loaded by the
entry's ``loras = [...]``, changes the output in proportion to its weight; errors name the file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from botkit.domain import ShotRequest
from botkit.engine import load_engine
from botkit.engine.registry import Registry
from botkit.errors import EngineError, InputError
from botkit.testing.tiny.lora import write_tiny_wan_lora

REQUEST = ShotRequest(prompt="a red shoe moving left", num_frames=5, width=32, height=32, fps=16, seed=0)


def registry_with(tmp_path: Path, loras: str, name: str = "wan-lora", builder: str = "build_t2v") -> Registry:
    file = tmp_path / f"{name}.toml"
    file.write_text(
        f"""[models.{name}]
family = "wan"
pipelines = {{ t2v = "WanPipeline" }}
builder = "botkit.testing.tiny.wan:{builder}"
loras = {loras}
fps = 16
size = [32, 32]
frames = "4k+1"
dtype = "float32"
steps = 2
call = {{ max_sequence_length = 16 }}
"""
    )
    return Registry.from_files([file])


@pytest.fixture(scope="module")
def lora(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_tiny_wan_lora(tmp_path_factory.mktemp("lora"), scale=1.0)


def test_a_lora_changes_the_output_by_its_weight(lora: Path, tmp_path: Path) -> None:
    base = load_engine("tiny-wan").generate(REQUEST).frames.astype(float)
    full = load_engine("wan-lora", registry_with(tmp_path, f'[{{ path = "{lora}", weight = 1.0 }}]'))
    clip = full.generate(REQUEST)
    assert clip.meta["loras"] == ["pytorch_lora_weights:1"]
    off = load_engine("off", registry_with(tmp_path, f'[{{ path = "{lora.parent}", weight = 0.0 }}]', name="off"))
    half = load_engine("half", registry_with(tmp_path, f'[{{ path = "{lora}", weight = 0.5 }}]', name="half"))
    changed = np.abs(clip.frames - base).mean()
    assert changed > 0.5  # the adapter reaches the transformer
    # weight 0: the base model up to float noise (a folder path works too); another weight, another output
    unchanged = np.abs(off.generate(REQUEST).frames - base).mean()
    halved = half.generate(REQUEST).frames
    assert unchanged < 0.1 * changed < np.abs(halved - base).mean(), (unchanged, changed)
    assert not np.array_equal(halved, clip.frames)


def test_lora_problems_are_named(lora: Path, tmp_path: Path) -> None:
    missing = registry_with(
        tmp_path,
        '[{ path = "/nowhere/x.safetensors", hub = { repo = "someone/loras", include = ["x.safetensors"] } }]',
    )
    with pytest.raises(
        EngineError, match=r"LoRA file /nowhere/x\.safetensors does not exist; download it: hf download"
    ):
        load_engine("wan-lora", missing)
    second = registry_with(tmp_path, f'[{{ path = "{lora}", expert = "transformer_2" }}]', name="second")
    with pytest.raises(EngineError, match="is for transformer_2, which this model lacks"):
        load_engine("second", second)
    (tmp_path / "junk.safetensors").write_bytes(b"junk")
    with pytest.raises(EngineError, match="cannot load LoRA"):
        load_engine("junk", registry_with(tmp_path, f'[{{ path = "{tmp_path / "junk.safetensors"}" }}]', name="junk"))
    with pytest.raises(InputError, match="weight"):
        registry_with(tmp_path, f'[{{ path = "{lora}", weight = 9 }}]', name="heavy")


def test_wan22_second_expert_gets_its_own_lora(lora: Path, tmp_path: Path) -> None:
    """A14B: one LoRA per expert (LightX2V / Lightning ship high- and low-noise files)."""
    from botkit.testing.tiny.wan import build_a14b_t2v

    assert build_a14b_t2v().transformer_2 is not None
    both = registry_with(
        tmp_path,
        f'[{{ path = "{lora}", name = "high" }}, {{ path = "{lora}", name = "low", expert = "transformer_2" }}]',
        name="a14b",
        builder="build_a14b_t2v",
    )
    engine = load_engine("a14b", both)
    pipe = engine.pipe  # type: ignore[attr-defined]
    assert "high" in pipe.transformer.peft_config and "low" in pipe.transformer_2.peft_config
    plain = load_engine("plain", registry_with(tmp_path, "[]", name="plain", builder="build_a14b_t2v"))
    assert not np.array_equal(engine.generate(REQUEST).frames, plain.generate(REQUEST).frames)


def test_distilled_registry_entries_carry_steps_guidance_and_files() -> None:
    registry = Registry.default()
    lightning = registry.get("wan2.2-t2v-a14b-lightning")
    assert (lightning.steps, lightning.guidance) == (4, 1.0)
    assert [lora.expert for lora in lightning.loras] == ["transformer", "transformer_2"]
    lightx2v = registry.get("wan2.1-t2v-14b-lightx2v")
    assert lightx2v.steps == 4 and lightx2v.loras[0].hub is not None
