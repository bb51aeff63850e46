"""`pip install .` must give a working botkit: the wheel carries the skills, prompts, migrations,
the embedded model's weights, the font and the widget."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_carries_code_and_data(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            str(ROOT),
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
        ],
        check=True,
        capture_output=True,
    )
    [wheel] = tmp_path.glob("botkit-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for expected in [
        "botkit/skills/builtin/marketing.py",
        "botkit/prompts/offline/v1.toml",
        "botkit/store/migrations/env.py",
        "botkit/store/migrations/versions/0001_initial_schema.py",
        "botkit/engine/embedded/weights/model_index.json",
        "botkit/engine/embedded/weights/transformer/diffusion_pytorch_model.safetensors",
        "botkit/post/fonts/DejaVuSans-Bold.ttf",
        "botkit/channels/web/static/widget.js",
        "botkit/engine/models.toml",
        "botkit/post/presets.toml",
        "botkit/audio/voices.toml",
    ]:
        assert expected in names, f"{expected} is missing from the wheel"
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "[botkit.skills]" in text and "botkit = botkit.channels.cli:main" in text
