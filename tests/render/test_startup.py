"""The main job's start-up: a chat turn in a new process imports only what it uses and its
settings reach the render (the x264 preset, the denoising steps)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from botkit.render.context import database_sessions, render_context
from botkit.settings import Settings
from botkit.store.db import open_db
from botkit.store.migrate import upgrade

HEAVY = ("diffusers", "transformers", "scipy", "sympy", "alembic", "sentence_transformers", "celery", "fastapi",
         "slack_bolt", "langchain_openai", "botkit.testing", "botkit.engine.embedded.training")  # fmt: skip


def test_a_chat_turn_imports_only_what_it_uses(tmp_path: Path) -> None:
    data = tmp_path / "data"
    upgrade(open_db(Settings(data_dir=data).resolved_database_url()))  # a second run: nothing pending
    script = (
        "import sys\n"
        "from botkit.bot import Bot\n"
        "from botkit.settings import Settings\n"
        f"bot = Bot.open(Settings(data_dir={str(data)!r}, steps=1))\n"
        "turn = bot.chat('a 1 second teaser for our lamp', platforms=['x'])\n"
        "assert turn.outputs\n"
        f"heavy = {HEAVY!r}\n"
        "print(sorted({m for m in sys.modules if m.split('.')[0] in heavy or m.startswith(heavy)}))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_settings_reach_the_render_context(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, x264_preset="superfast", steps=3, task_engines={"i2v": "animatic"})
    context = render_context(settings, database_sessions(settings))
    assert (context.x264_preset, context.denoise_steps, context.task_engines) == ("superfast", 3, {"i2v": "animatic"})


def test_a_plan_only_turn_imports_neither_torch_nor_onnx(tmp_path: Path) -> None:
    """`botkit chat --dry-run`: no engine, so no torch; the narration is only estimated at plan time
    (phonemes, no voice model), so no onnx either, on a fresh data dir and on the second run."""
    data = tmp_path / "data"
    upgrade(open_db(Settings(data_dir=data).resolved_database_url()))
    script = (
        "import sys\n"
        "from botkit.bot import Bot\n"
        "from botkit.settings import Settings\n"
        f"bot = Bot.open(Settings(data_dir={str(data)!r}, narration=True))\n"
        "turn = bot.plan('a 4 second teaser for our lamp', platforms=['x'])\n"
        "assert turn.plan.shots\n"
        "print(sorted(m for m in ('torch', 'onnx') if m in sys.modules))\n"
    )
    runs = [subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300) for _ in "12"]
    for done in runs:
        assert done.returncode == 0, done.stderr[-2000:]
    assert [done.stdout.strip().splitlines()[-1] for done in runs] == ["[]", "[]"]
