"""Train (or resume) the embedded toy-world video model: see botkit/engine/embedded/training/train.py."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from botkit.engine.embedded.training.train import main

if __name__ == "__main__":
    main()
