"""``botkit report``: one HTML page for a conversation (or one job) with the plan, each video's
contact sheet and its quality signals plotted over time, all inline (a single file to share)."""

from __future__ import annotations

import base64
import json
import logging
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html import escape
from pathlib import Path
from typing import Annotated, Any

import typer

from botkit.domain import ShotPlan
from botkit.errors import BotkitError, InputError
from botkit.post.decode import read_frames
from botkit.post.preview import contact_sheet
from botkit.quality import QualityReport, Thresholds, measure, verdict
from botkit.quality.plots import svg_plot
from botkit.quality.signals import BLACK_LUMA
from botkit.render.context import asset_store
from botkit.settings import Settings
from botkit.store.assets import AssetStore
from botkit.store.db import open_db, session_factory
from botkit.store.jobs import JobRepository
from botkit.store.repo import Repository

logger = logging.getLogger(__name__)

ANALYSIS_WIDTH = 320


@dataclass
class VideoEntry:
    platform: str
    path: Path
    width: int
    height: int
    duration_s: float
    job_id: str | None
    metrics: dict[str, Any] = field(default_factory=dict)


@dataclass
class ReportInput:
    conversation_id: str
    job_id: str | None
    plan: ShotPlan | None
    plan_revision: int | None
    videos: list[VideoEntry]
    jobs: list[dict[str, Any]] = field(default_factory=list)


def load_report_input(
    repo: Repository, jobs: JobRepository, assets: AssetStore, conversation_id: str, job_id: str | None = None
) -> ReportInput:
    """The rows a report shows: the newest plan revision, the jobs and their videos with metrics."""
    if repo.conversation(conversation_id) is None:
        raise InputError(f"no conversation {conversation_id!r}")
    job_rows = [
        {
            "id": job.id,
            "state": job.state.value,
            "engine": job.engine,
            "attempts": job.attempts,
            "error": job.error,
            "timings": job.timings,
        }
        for job in jobs.of_conversation(conversation_id)
        if job_id is None or job.id == job_id
    ]
    if job_id is not None and not job_rows:
        raise InputError(f"no job {job_id!r} in conversation {conversation_id!r}")
    videos = [
        VideoEntry(
            row["platform"] or "",
            assets.path(row["path"]),
            row["width"] or 0,
            row["height"] or 0,
            row["duration_s"] or 0.0,
            row["job_id"],
            dict(row["metrics"] or {}),
        )
        for row in repo.assets_of(conversation_id, "video", job_id=job_id)
    ]
    latest = repo.latest_revision(conversation_id)
    revision, plan = latest if latest is not None else (None, None)
    return ReportInput(conversation_id, job_id, plan, revision, videos, job_rows)


def _stored_reports(metrics: dict[str, Any]) -> list[tuple[str, QualityReport]]:
    """Quality reports kept in an asset's metrics: ``metrics["quality"]`` is a list of either
    ``QualityReport`` dumps or ``{"shot": i, "report": {...}}`` entries (see ``quality_metrics``)."""
    found = []
    for n, entry in enumerate(metrics.get("quality") or []):
        raw = entry.get("report", entry) if isinstance(entry, dict) else None
        try:
            report = QualityReport.model_validate(raw)
        except ValueError:
            logger.warning("unreadable quality report in metrics", extra={"entry": n})
            continue
        shot = entry.get("shot", n) if isinstance(entry, dict) else n
        attempt = entry.get("attempt") if isinstance(entry, dict) else None
        found.append((f"shot {int(shot) + 1}" + (f", attempt {attempt}" if attempt else ""), report))
    return found


def _plots(report: QualityReport, thresholds: Thresholds) -> str:
    s, fps = report.series, report.fps
    plots = [
        svg_plot(
            {"change": s["change"], "unexplained": s.get("residual", [])},
            fps,
            title="Frame-to-frame change",
            offset_frames=0.5,
        ),
        svg_plot(
            {"consecutive": s["ssim"], "to first": s["ssim_to_first"]},
            fps,
            title="Structural similarity (SSIM)",
            offset_frames=0.5,
            limit=thresholds.min_consistency,
        ),
        svg_plot({"mean luma": s["exposure"]}, fps, title="Exposure (grey levels)", limit=BLACK_LUMA),
        svg_plot(
            {"jitter": s["luma_jitter"]},
            fps,
            title="Brightness flicker",
            offset_frames=1,
            limit=thresholds.max_luma_jitter,
        ),
        svg_plot({"top-5 % flow": s["flow"]}, fps, title="Motion (optical flow, frame widths/s)", offset_frames=0.5),
        svg_plot({"noise": s["noise"]}, fps, title="Noise (grey levels)", limit=thresholds.max_noise),
    ]
    return "".join(f'<div class="plot">{plot}</div>' for plot in plots)


def _summary(report: QualityReport) -> str:
    rows = [
        ("frames analysed", f"{report.frames} at {report.width}x{report.height}"),
        ("black frames", report.black_frames),
        ("longest frozen run", f"{report.frozen_run} frames ({report.frozen_run_s:.2f} s)"),
        ("hard cuts", ", ".join(str(i) for i in report.hard_cuts) or "none"),
        ("temporal flicker (VBench-style)", f"{report.temporal_flicker:.4f}"),
        ("motion smoothness", f"{report.motion_smoothness:.4f}"),
        ("incoherence (unexplained change)", f"{report.incoherence:.4f}"),
        ("dynamic degree", f"{report.dynamic_degree:.2f}"),
        ("consistency (mean / min SSIM)", f"{report.consistency:.3f} / {report.min_consistency:.3f}"),
        ("noise / sharpness", f"{report.noise:.2f} / {report.sharpness:.1f}"),
        ("analysis time", f"{report.ms_per_frame:.1f} ms per frame"),
    ]
    return "<table>" + "".join(f"<tr><th>{escape(k)}</th><td>{escape(str(v))}</td></tr>" for k, v in rows) + "</table>"


def _quality_section(label: str, report: QualityReport, thresholds: Thresholds) -> str:
    problems = verdict(report, thresholds)
    status = (
        '<p class="ok">passes every check</p>'
        if not problems
        else '<ul class="bad">' + "".join(f"<li>{escape(p)}</li>" for p in problems) + "</ul>"
    )
    return f'<h4>{escape(label)}</h4>{status}{_summary(report)}<div class="plots">{_plots(report, thresholds)}</div>'


def _png_data_uri(path: Path) -> str:
    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def _video_section(video: VideoEntry, thresholds: Thresholds, measure_missing: bool) -> str:
    head = (
        f"<h3>{escape(video.platform or 'video')}: {video.width}x{video.height}, {video.duration_s:.2f} s</h3>"
        f'<p class="path">{escape(str(video.path))}</p>'
    )
    if video.path.is_file():
        head += f'<video controls preload="none" height="240" src="{escape(video.path.resolve().as_uri())}"></video>'
    if not video.path.is_file():
        return head + '<p class="bad">the file is missing from the asset store</p>'
    try:
        frames = read_frames(video.path, width=ANALYSIS_WIDTH)
    except BotkitError as exc:
        return head + f'<p class="bad">could not decode: {escape(str(exc))}</p>'
    with tempfile.TemporaryDirectory(prefix="botkit-report-") as scratch:
        sheet = contact_sheet(frames, Path(scratch) / "contact.png", count=12, columns=6, thumb_width=160)
        body = f'<img class="sheet" alt="contact sheet" src="{_png_data_uri(sheet)}">'
    body += _sound_section(video)
    stored = _stored_reports(video.metrics)
    for label, report in stored:
        body += _quality_section(label, report, thresholds)
    if not stored and measure_missing and frames.num_frames >= 2:
        body += _quality_section("measured on the encoded video", measure(frames), thresholds)
    return head + body


def _sound_section(video: VideoEntry) -> str:
    """The video's sound as a waveform with its caption cues over it (from the SRT sidecar), and
    the loudness the sound step measured; empty for a silent video."""
    from botkit.audio.decode import read_audio
    from botkit.audio.waveform import waveform_png
    from botkit.post.subtitles import from_srt

    rate = 8_000  # enough to draw the envelope
    try:
        samples = read_audio(video.path, rate=rate)
    except BotkitError:
        return ""  # no audio track: nothing to draw
    srt = video.path.with_suffix(".srt")
    cues = from_srt(srt.read_text(encoding="utf-8")) if srt.is_file() else []
    with tempfile.TemporaryDirectory(prefix="botkit-report-") as scratch:
        picture = waveform_png(samples, rate, Path(scratch) / "wave.png", cues=cues)
        html = f'<h4>Sound</h4><img class="sheet" alt="waveform with caption cues" src="{_png_data_uri(picture)}">'
    loudness = ((video.metrics.get("audio") or {}).get(video.platform) or {}).get("loudness")
    if loudness:
        html += (
            f"<p>{loudness['integrated_lufs']:.1f} LUFS integrated, true peak {loudness['true_peak_db']:.1f} dBTP, "
            f"{len(cues)} caption cue(s)</p>"
        )
    if cues:
        rows = "".join(
            f"<tr><th>{cue.start_s:.2f}-{cue.end_s:.2f} s</th><td>{escape(cue.text)}</td></tr>" for cue in cues[:40]
        )
        html += f"<details><summary>caption cues</summary><table>{rows}</table></details>"
    return html


STYLE = """
body{font-family:system-ui,sans-serif;margin:2em;max-width:1200px;color:#111}
h1{font-size:1.5em} h3{margin-top:2em;border-top:1px solid #ddd;padding-top:1em}
.sheet{max-width:100%;border:1px solid #ccc} .plots{display:flex;flex-wrap:wrap;gap:8px}
table{border-collapse:collapse;font-size:.9em} th{text-align:left;padding-right:1em;font-weight:normal;color:#555}
.ok{color:#15803d} .bad{color:#b91c1c} .path{color:#666;font-size:.8em} pre{background:#f4f4f5;padding:1em;overflow:auto}
"""


def render_html(data: ReportInput, thresholds: Thresholds | None = None, *, measure_missing: bool = True) -> str:
    """The whole report as one self-contained HTML document."""
    thresholds = thresholds or Thresholds()
    title = f"botkit report: conversation {data.conversation_id}" + (f", job {data.job_id}" if data.job_id else "")
    parts = [f"<!doctype html><html><head><meta charset=\"utf-8\"><title>{escape(title)}</title>",
             f"<style>{STYLE}</style></head><body><h1>{escape(title)}</h1>",
             f"<p>Written {datetime.now(UTC):%Y-%m-%d %H:%M} UTC.</p>"]  # fmt: skip
    if data.plan is not None:
        parts.append(f"<h2>Plan (revision {data.plan_revision})</h2><pre>{escape(data.plan.summary())}</pre>")
        parts.append(
            f"<details><summary>plan JSON</summary><pre>{escape(data.plan.model_dump_json(indent=2))}</pre></details>"
        )
    if data.jobs:
        parts.append("<h2>Jobs</h2><table>")
        for job in data.jobs:
            detail = job["error"] or json.dumps(job["timings"] or {})
            parts.append(
                f"<tr><th>{escape(job['id'])}</th><td>{escape(job['state'])}</td><td>{escape(job['engine'])}</td>"
                f"<td>attempts {job['attempts']}</td><td>{escape(detail)}</td></tr>"
            )
        parts.append("</table>")
    parts.append("<h2>Videos</h2>")
    if not data.videos:
        parts.append("<p>No videos yet.</p>")
    for video in data.videos:
        parts.append(_video_section(video, thresholds, measure_missing))
    parts.append("</body></html>")
    return "".join(parts)


def write_report(
    settings: Settings, conversation_id: str, out: Path | None = None, *, job_id: str | None = None
) -> Path:
    """Write the report for a conversation (or one of its jobs); returns the HTML file's path."""
    db = open_db(settings.resolved_database_url())
    try:
        sessions = session_factory(db)
        data = load_report_input(
            Repository(sessions),
            JobRepository(sessions),
            asset_store(settings),
            conversation_id,
            job_id,
        )
    finally:
        db.dispose()
    target = Path(out) if out is not None else Path(settings.data_dir) / "reports" / f"{conversation_id}.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render_html(data), encoding="utf-8")
    logger.info("report written", extra={"conversation_id": conversation_id, "path": str(target)})
    return target


def report_command(
    conversation_id: Annotated[str, typer.Argument(help="The conversation to report on.")],
    job: Annotated[str | None, typer.Option(help="Only this render job.")] = None,
    out: Annotated[Path | None, typer.Option(help="HTML file to write [<data-dir>/reports/<id>.html].")] = None,
    data_dir: Annotated[Path | None, typer.Option("--data-dir", help="Where the database and assets live.")] = None,
) -> None:
    """Write an HTML report: the plan, contact sheets and quality signals over time."""
    settings = Settings(data_dir=data_dir) if data_dir is not None else Settings()
    try:
        path = write_report(settings, conversation_id, out, job_id=job)
    except BotkitError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=2) from None
    typer.echo(str(path))


app = typer.Typer(help="Reports.", add_completion=False, pretty_exceptions_enable=False)
app.command("report")(report_command)
