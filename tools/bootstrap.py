"""Create ``.venv`` and install botkit into it without ever pulling CUDA torch onto a CPU machine.

    python3 tools/bootstrap.py [--extras dev]

- A torch that is already importable (in the venv, or system-wide on a GPU box) is kept: the venv
  then sees the system packages.
- Otherwise ``torch==$BOTKIT_TORCH_VERSION`` (default 2.13.0) is resolved with ``pip --dry-run``
  first; if that would bring NVIDIA packages and this machine has no NVIDIA GPU, the CPU build is
  taken from PyTorch's CPU index instead (``$BOTKIT_TORCH_INDEX`` overrides it).
- Then botkit itself is installed (editable) with the requested extras. A stamp file skips all of
  this when nothing changed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / ".venv"
PYTHON = VENV / "bin" / "python"
TORCH_VERSION = os.environ.get("BOTKIT_TORCH_VERSION", "2.13.0")
CPU_INDEX = os.environ.get("BOTKIT_TORCH_INDEX", "https://download.pytorch.org/whl/cpu")


def run(*args: str, capture: bool = False) -> str:
    print("+", " ".join(args), flush=True)
    done = subprocess.run(args, check=True, text=True, capture_output=capture)
    return done.stdout if capture else ""


def importable(python: str, module: str) -> bool:
    return subprocess.run([python, "-c", f"import {module}"], capture_output=True).returncode == 0


def has_nvidia_gpu() -> bool:
    return shutil.which("nvidia-smi") is not None or Path("/proc/driver/nvidia").exists()


def ensure_venv() -> None:
    if PYTHON.exists():
        return
    system_torch = importable(sys.executable, "torch")
    print(f"creating {VENV} (system site-packages: {system_torch})", flush=True)
    venv.create(VENV, with_pip=True, system_site_packages=system_torch)


def ensure_torch() -> None:
    if importable(str(PYTHON), "torch"):
        return
    pip = [str(PYTHON), "-m", "pip"]
    report = json.loads(
        run(*pip, "install", "--dry-run", "--quiet", "--report", "-", f"torch=={TORCH_VERSION}", capture=True)
    )
    names = [item["metadata"]["name"].lower() for item in report.get("install", [])]
    if any(name.startswith("nvidia-") for name in names) and not has_nvidia_gpu():
        print("no NVIDIA GPU here: installing the CPU build of torch", flush=True)
        run(
            *pip,
            "install",
            f"torch=={TORCH_VERSION}",
            "--index-url",
            CPU_INDEX,
            "--extra-index-url",
            "https://pypi.org/simple",
        )
    else:
        run(*pip, "install", f"torch=={TORCH_VERSION}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--extras", default="", help="comma-separated extras, e.g. dev")
    args = parser.parse_args()
    ensure_venv()
    stamp = VENV / ".botkit-installed"
    key = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + args.extras.encode()).hexdigest()
    if stamp.exists() and stamp.read_text() == key and importable(str(PYTHON), "botkit"):
        return
    ensure_torch()
    target = f"{ROOT}[{args.extras}]" if args.extras else str(ROOT)
    run(str(PYTHON), "-m", "pip", "install", "--quiet", "-e", target)
    stamp.write_text(key)


if __name__ == "__main__":
    main()
