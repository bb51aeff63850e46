"""The plain-torch run-time of the embedded model against diffusers' own classes on the shipped
weights: the denoiser, the schedule and whole renders match; the run-time path imports no diffusers."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
import torch
from diffusers import FlowMatchEulerDiscreteScheduler, WanTransformer3DModel

from botkit.domain import ShotRequest
from botkit.engine.embedded import WEIGHTS_DIR
from botkit.engine.embedded.engine import EmbeddedEngine
from botkit.engine.embedded.networks import FlowMatchEuler, WanDenoiser, read_config
from botkit.engine.embedded.runtime import EmbeddedRuntime


@pytest.fixture(scope="module")
def runtime() -> EmbeddedRuntime:
    return EmbeddedRuntime.from_pretrained(WEIGHTS_DIR)


def test_denoiser_matches_diffusers_wan_transformer(runtime: EmbeddedRuntime) -> None:
    reference = WanTransformer3DModel.from_pretrained(WEIGHTS_DIR, subfolder="transformer", dtype=torch.float32)
    reference.eval()
    generator = torch.Generator().manual_seed(0)
    x = torch.randn(2, 9, 9, 8, 8, generator=generator)
    t = torch.tensor([913.5, 24.0])
    text = torch.randn(2, 11, 384, generator=generator)
    with torch.no_grad():
        ours = runtime.transformer(x, t, text)
        theirs = reference(x, timestep=t, encoder_hidden_states=text, return_dict=False)[0]
    assert ours.shape == theirs.shape == (2, 4, 9, 8, 8)
    assert torch.allclose(ours, theirs, atol=1e-5, rtol=1e-5), (ours - theirs).abs().max()


@pytest.mark.parametrize("steps", [1, 2, 16, 30])
def test_schedule_matches_flow_match_euler(steps: int) -> None:
    config = read_config(WEIGHTS_DIR / "scheduler")
    theirs = FlowMatchEulerDiscreteScheduler.from_config(config)
    ours = FlowMatchEuler(config["num_train_timesteps"], config["shift"])
    theirs.set_timesteps(steps)
    ours.set_timesteps(steps)
    assert torch.equal(ours.timesteps, theirs.timesteps) and torch.equal(ours.sigmas, theirs.sigmas)
    sample, velocity = torch.randn(1, 4, 3, 8, 8), torch.randn(1, 4, 3, 8, 8)
    for t in theirs.timesteps:
        expected = theirs.step(velocity, t, sample, return_dict=False)[0]
        assert torch.equal(ours.step(velocity, t, sample)[0], expected)


def test_unsupported_configurations_are_refused() -> None:
    with pytest.raises(ValueError, match="text-only Wan"):
        WanDenoiser(image_dim=1280)


@pytest.mark.parametrize("task", ["t2v", "i2v"])
def test_whole_renders_match_the_diffusers_pipeline(task: str, tmp_path) -> None:
    from PIL import Image

    image = tmp_path / "first.png"
    Image.new("RGB", (32, 32), (250, 200, 0)).save(image)
    request = ShotRequest(
        task=task,
        prompt="a green triangle moving up on a black background",
        image=image if task == "i2v" else None,
        num_frames=12,
        width=256,
        height=256,
        fps=8,
        steps=4,
        seed=7,
    )
    fast = EmbeddedEngine.load(runtime="torch").generate(request).frames
    stock = EmbeddedEngine.load(runtime="diffusers").generate(request).frames
    assert np.array_equal(fast, stock)


def test_the_runtime_path_imports_no_diffusers() -> None:
    script = (
        "import sys\n"
        "from botkit.domain import ShotRequest\n"
        "from botkit.engine import load_engine\n"
        "engine = load_engine('embedded')\n"
        "engine.generate(ShotRequest(prompt='a red circle moving left', num_frames=9, width=256, height=256, fps=8,"
        " steps=1))\n"
        "heavy = ('diffusers', 'transformers', 'scipy', 'sympy', 'sentence_transformers', 'botkit.testing',"
        " 'botkit.engine.embedded.training')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy or m.startswith(heavy)))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]", done.stdout
