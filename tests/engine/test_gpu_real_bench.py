"""bench/gpu_real.py: argument parsing, and a ``--tiny`` dry run on the CPU writing its JSON."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "gpu_real.py"


@pytest.fixture(scope="module")
def bench():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("gpu_real", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_arguments(bench, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("OUT", "/tmp/out-here")
    args = bench.parse_args([])
    assert args.model == ["ltx-2", "wan2.1-t2v-1.3b"] and args.variants == list(bench.VARIANTS)
    assert args.out == Path("/tmp/out-here") and not args.tiny
    args = bench.parse_args(
        ["--model", "ltx-2", "--variants", "baseline, taylor", "--steps", "8", "--size", "640", "384"]
    )
    assert (args.model, args.variants, args.steps, args.size) == (["ltx-2"], ["baseline", "taylor"], 8, [640, 384])
    with pytest.raises(SystemExit):
        bench.parse_args(["--variants", "baseline,warp"])
    with pytest.raises(SystemExit):
        bench.parse_args(["--model", "sora"])
    assert bench.REAL["wan2.1-t2v-1.3b"] == {"frames": 81, "size": (832, 480), "steps": 30}


def test_tiny_dry_run_writes_results(bench, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    code = bench.main(
        ["--tiny", "--model", "wan2.1-t2v-1.3b", "--variants", "baseline,mag,group", "--out", str(tmp_path)]
    )
    assert code == 0
    report = json.loads((tmp_path / "gpu_real.json").read_text())
    assert report["tiny"] and "random weights" in report["note"]
    rows = {row["variant"]: row for row in report["rows"]}
    assert rows["baseline"]["botkit_vs_direct"] > 0 and rows["baseline"]["s_per_step"] > 0
    assert "calibration_s" in rows["mag"] and rows["group"]["skipped"] == "needs a CUDA device"
    assert "| wan2.1-t2v-1.3b | baseline |" in capsys.readouterr().out


def test_real_sizes_refuse_without_a_gpu(bench, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import torch

    if torch.cuda.is_available():
        pytest.skip("a GPU is here")
    assert bench.main(["--model", "wan2.1-t2v-1.3b", "--out", str(tmp_path)]) == 2
