"""Assertions that botkit's outputs carry valid content credentials, for end-to-end tests (ours
and those of people who build on botkit): signed, the binding intact, marked as AI-generated."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from botkit.provenance import Verification, verify
from botkit.provenance.model import COMPOSITE, GENERATED, mime_for

SIGNED_SUFFIXES = (".mp4", ".png", ".webp", ".gif")  # what a job signs; sidecars (.json, .srt, .vtt) are text


def assert_verifies(path: Path | str, *, source_type: str | None = None, model: str | None = None) -> Verification:
    """``path`` carries a C2PA manifest whose signature and binding hold (a development signer is
    fine), that says AI made it: ``source_type`` GENERATED or COMPOSITE when given, and the
    generator ``model`` when given. Returns the verification for further checks."""
    path = Path(path)
    result = verify(path)
    problems = "; ".join(f"{p.code}: {p.explanation}" for p in result.problems)
    assert result.ok, f"{path.name} does not verify ({result.state}): {result.summary} {problems}"
    assert result.binding == "intact", f"{path.name}: binding {result.binding}"
    assert result.ai_generated, f"{path.name} is not marked as AI-generated ({result.digital_source_type!r})"
    assert result.digital_source_type in (GENERATED, COMPOSITE)
    if source_type is not None:
        assert result.digital_source_type == source_type, f"{path.name}: {result.digital_source_type}"
    if model is not None:
        assert result.generator is not None and model in result.generator.model, (
            f"{path.name}: generator {result.generator.model if result.generator else None!r}, expected {model!r}"
        )
    return result


def assert_outputs_verify(paths: Iterable[Path | str], **expected: str) -> list[Verification]:
    """Every signable file among ``paths`` (videos, posters, previews, contact sheets) verifies
    (see ``assert_verifies``); at least one video is among them."""
    files = [Path(p) for p in paths if Path(p).suffix.lower() in SIGNED_SUFFIXES and mime_for(Path(p))]
    assert any(f.suffix.lower() == ".mp4" for f in files), f"no video among {[Path(p).name for p in paths]}"
    return [assert_verifies(file, **expected) for file in files]


def assert_job_verifies(folder: Path | str, **expected: str) -> list[Verification]:
    """Every signable file in a job's folder (``conversations/<id>/jobs/<job>``) verifies, and each
    video has its upload metadata beside it."""
    folder = Path(folder)
    files = sorted(p for p in folder.iterdir() if p.is_file())
    for video in (f for f in files if f.suffix == ".mp4"):
        assert video.with_name(f"{video.stem}.upload.json").is_file(), f"no upload metadata beside {video.name}"
    return assert_outputs_verify(files, **expected)
