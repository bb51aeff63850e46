"""The embedded engine: a small latent video diffusion model trained on a procedural toy world
and shipped with botkit, so the whole pipeline runs offline on a CPU.

It proves the pipeline end to end; real footage needs a real model (see ``TRAINING.md``).
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

WEIGHTS_DIR = Path(__file__).with_name("weights")
"""The shipped ``save_pretrained`` folder (fp16 safetensors)."""


@cache
def weights_revision(folder: Path) -> str:
    """``embedded@<hash>`` of every weight and config file in a ``save_pretrained`` folder (10 MB: ~20 ms)."""
    digest = hashlib.sha256()
    for file in sorted(p for p in Path(folder).rglob("*") if p.is_file() and p.suffix in (".json", ".safetensors")):
        if file.name == "scores.json":  # evaluation notes, not weights
            continue
        digest.update(str(file.relative_to(folder)).encode())
        digest.update(file.read_bytes())
    return f"embedded@{digest.hexdigest()[:16]}"


__all__ = ["WEIGHTS_DIR", "weights_revision"]
