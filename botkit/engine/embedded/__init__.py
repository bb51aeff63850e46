"""The embedded engine: a small latent video diffusion model trained on a procedural toy world
and shipped with botkit, so the whole pipeline runs offline on a CPU.

It proves the pipeline end to end; real footage needs a real model (see ``TRAINING.md``).
"""

from __future__ import annotations

from pathlib import Path

WEIGHTS_DIR = Path(__file__).with_name("weights")
"""The shipped ``save_pretrained`` folder (fp16 safetensors)."""

__all__ = ["WEIGHTS_DIR"]
