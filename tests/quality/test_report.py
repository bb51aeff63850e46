"""``botkit report``: HTML from a conversation's rows, with contact sheets, plots and verdicts."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from botkit.domain import Clip, Shot, ShotPlan
from botkit.post.encode import encode_platforms
from botkit.post.presets import PlatformPreset
from botkit.quality import measure, quality_entry
from botkit.quality.plots import svg_plot
from botkit.quality.synthetic import blacked, good_clip
from botkit.settings import Settings
from botkit.store import models
from botkit.store.assets import AssetStore, sha256_of
from botkit.store.db import open_db, session_factory
from botkit.store.migrate import upgrade
from botkit.store.repo import Repository

SMALL = PlatformPreset(id="x", name="X", width=160, height=90, fps=16, max_duration_s=140)


def stored_conversation(settings: Settings, clip: Clip) -> str:
    """A conversation with a plan and one encoded video whose metrics hold a quality entry."""
    engine = open_db(settings.resolved_database_url())
    upgrade(engine)
    repo = Repository(session_factory(engine))
    plan = ShotPlan(skill="marketing", request="a lamp promo", title="Promo: lamp", platforms=["x"],
                    shots=[Shot(index=0, prompt="a lamp on a desk", duration_s=2.0, seed=1)], total_duration_s=2.0)  # fmt: skip
    conversation_id, plan_id = models.new_id(), models.new_id()
    with repo.sessions.begin() as session:  # rows written directly: only the read side is under test
        session.add(models.Conversation(id=conversation_id, channel="cli", skill=plan.skill))
        session.flush()
        session.add(models.ShotPlanRow(id=plan_id, conversation_id=conversation_id, revision=1, skill=plan.skill,
                                       planner=plan.planner, plan=plan.model_dump(mode="json")))  # fmt: skip
    store = AssetStore(settings.data_dir / "assets")
    folder = store.path(f"conversations/{conversation_id}/jobs/j1")
    folder.mkdir(parents=True)
    [video] = encode_platforms(clip, [SMALL], folder, mode="crop")
    with repo.sessions.begin() as session:
        session.add(models.RenderJob(id="j1", conversation_id=conversation_id, plan_id=plan_id, engine="test",
                                     state="succeeded"))  # fmt: skip
        session.flush()
        session.add(models.Asset(
            id=models.new_id(), conversation_id=conversation_id, job_id="j1", kind="video", platform="x",
            path=f"conversations/{conversation_id}/jobs/j1/{video.video.name}", mime="video/mp4",
            bytes=video.video.stat().st_size, width=160, height=90, fps=16, duration_s=2.0,
            checksum=sha256_of(video.video), metrics={"quality": [quality_entry(0, measure(clip))]},
        ))  # fmt: skip
    engine.dispose()
    return conversation_id


def test_report_shows_plan_sheet_plots_and_problems(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    broken = blacked(good_clip(0, frames=32))
    conversation_id = stored_conversation(settings, broken)
    from botkit.channels.cli.report import app

    out = tmp_path / "report.html"
    result = CliRunner().invoke(app, [conversation_id, "--out", str(out), "--data-dir", str(settings.data_dir)])
    assert result.exit_code == 0, result.output
    html = out.read_text()
    assert "Promo: lamp" in html and "a lamp on a desk" in html  # the plan
    assert html.count("data:image/png;base64,") == 1  # the contact sheet
    assert html.count("<svg") == 6  # six signal plots for the one stored report
    assert "black frames: 8 black frame(s)" in html  # the verdict of the stored report
    assert "succeeded" in html and "<video controls" in html and "incoherence" in html


def test_unknown_conversation_is_a_clear_error(tmp_path: Path) -> None:
    from botkit.channels.cli.report import app

    settings = Settings(data_dir=tmp_path / "data")
    upgrade(open_db(settings.resolved_database_url()))
    result = CliRunner().invoke(app, ["nope", "--data-dir", str(settings.data_dir)])
    assert result.exit_code == 2 and "no conversation 'nope'" in result.output


def test_svg_plot_scales_lines_and_threshold() -> None:
    svg = svg_plot({"a": [0.0, 1.0, 0.5]}, 8, title="t <x>", limit=0.25)
    assert svg.startswith("<svg") and "t &lt;x&gt;" in svg
    assert "polyline" in svg and "stroke-dasharray" in svg
    points = [tuple(map(float, p.split(","))) for p in svg.split('points="')[1].split('"')[0].split()]
    assert points[1][1] < points[2][1] < points[0][1]  # higher values drawn higher
