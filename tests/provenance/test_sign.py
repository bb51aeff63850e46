"""Signing real outputs: an MP4, its poster PNG and a WebP preview each carry a manifest with the
AI source type, the generator and the edits; signing is atomic, all-or-nothing when required."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PIL import Image

from botkit.errors import InputError
from botkit.post.probe import probe
from botkit.provenance import (
    COMPOSITE,
    GENERATED,
    Ingredient,
    Provenance,
    SigningError,
    check,
    job_provenance,
    sign,
    sign_outputs,
    verify,
)
from botkit.provenance.model import weights_digest
from botkit.settings import Settings


@pytest.mark.parametrize("kind", ["mp4", "png", "webp"])
def test_each_output_kind_is_signed_and_verifies(kind: str, outputs, signer, provenance, settings) -> None:
    path = outputs[kind]
    before = path.stat().st_size
    frames_before = 0
    if kind != "mp4":
        with Image.open(path) as image:
            frames_before = getattr(image, "n_frames", 1)
    assert verify(path, settings).state == "unsigned"
    assert sign(path, provenance, signer) == path
    result = verify(path, settings)
    assert result.state == "untrusted" and result.ok, result.summary
    assert result.binding == "intact" and result.signature_valid
    assert result.digital_source_type == GENERATED and result.ai_generated
    assert result.signer is not None and result.signer.development and result.signer.ours
    assert result.generator is not None
    assert (result.generator.model, result.generator.weights_sha256) == ("embedded", "ab" * 32)
    assert result.generator.claim_generator.startswith("botkit ")
    assert result.generator.prompts == []  # prompts stay out unless the deployment opts in
    names = [a.action for a in result.actions]
    assert names == ["c2pa.created", "c2pa.cropped", "c2pa.edited", "c2pa.dubbed"]
    assert [a.description for a in result.actions][2:] == ["captions placed", "audio added"]
    assert path.stat().st_size > before
    assert not list(path.parent.glob(".*"))  # the temp file was renamed, none left over
    if kind != "mp4":
        with Image.open(path) as image:  # still the same image to every viewer
            assert getattr(image, "n_frames", 1) == frames_before
            image.load()


def test_signed_mp4_still_plays_as_before(outputs, signer, provenance) -> None:
    video = outputs["mp4"]
    before = probe(video)
    sign(video, provenance, signer)
    after = probe(video)
    assert (after.width, after.height, after.frames, after.faststart) == (
        before.width, before.height, before.frames, before.faststart,
    )  # fmt: skip


def test_user_media_makes_a_composite_with_ingredients(outputs, signer, provenance, settings, tmp_path) -> None:
    photo = Path(shutil.copy2(outputs["png"], tmp_path / "my-shop.png"))
    mixed = provenance.model_copy(update={"ingredients": (Ingredient(path=photo, role="photo"),)})
    sign(outputs["mp4"], mixed, signer)
    result = verify(outputs["mp4"], settings)
    assert result.digital_source_type == COMPOSITE and result.ai_generated
    assert [(i.title, i.format, i.relationship) for i in result.ingredients] == [
        ("my-shop.png", "image/png", "componentOf")
    ]
    assert "c2pa.placed" in [a.action for a in result.actions]
    assert "mixed with the user's own media" in result.summary


def test_prompts_only_when_the_deployment_opts_in(outputs, provenance, tmp_path) -> None:
    signer = check(Settings(data_dir=tmp_path / "d", provenance_prompts=True))
    sign(outputs["mp4"], provenance, signer)
    assert verify(outputs["mp4"]).generator.prompts == ["a toy car drives across a wooden table"]


def test_required_is_all_or_nothing(outputs, signer, provenance, tmp_path) -> None:
    missing_ingredient = provenance.model_copy(update={"ingredients": (Ingredient(path=tmp_path / "gone.mp4"),)})
    originals = {kind: path.read_bytes() for kind, path in outputs.items()}
    paths = [outputs["mp4"], outputs["png"], outputs["webp"]]
    with pytest.raises(SigningError, match=r"gone\.mp4 .*does not exist.*no output of this job was signed"):
        sign_outputs(paths, provenance, signer, overrides={outputs["webp"]: missing_ingredient})
    assert {kind: path.read_bytes() for kind, path in outputs.items()} == originals
    assert not list(outputs["mp4"].parent.glob(".*"))
    report = sign_outputs(paths, provenance, signer)
    assert report.all_signed and [f.path for f in report.files] == paths
    assert all(f.manifest_bytes > 0 for f in report.files)


def test_best_effort_delivers_and_reports_unsigned(outputs, provenance, tmp_path) -> None:
    signer = check(Settings(data_dir=tmp_path / "d", signing="best-effort"))
    text = outputs["mp4"].parent / "notes.txt"
    text.write_text("not media")
    report = sign_outputs([outputs["mp4"], text], provenance, signer)
    assert [f.signed for f in report.files] == [True, False]
    assert "notes.txt" in (report.unsigned[0].reason or "")
    assert verify(outputs["mp4"]).ok


def test_signing_off_touches_nothing(outputs, provenance) -> None:
    before = outputs["mp4"].read_bytes()
    report = sign_outputs([outputs["mp4"]], provenance, None)
    assert report.mode == "off" and not report.all_signed
    assert outputs["mp4"].read_bytes() == before


def test_file_too_big_to_sign_is_a_clear_error(outputs, provenance, tmp_path) -> None:
    signer = check(Settings(data_dir=tmp_path / "d", provenance_max_bytes=1000))
    before = outputs["mp4"].read_bytes()
    with pytest.raises(SigningError, match="more than the 0 MiB this deployment signs"):
        sign(outputs["mp4"], provenance, signer)
    assert outputs["mp4"].read_bytes() == before


def test_bad_paths_are_input_errors(signer, provenance, tmp_path) -> None:
    with pytest.raises(InputError, match="no such file"):
        sign(tmp_path / "missing.mp4", provenance, signer)
    (tmp_path / "clip.avi2").write_bytes(b"x")
    with pytest.raises(InputError, match="content credentials cover"):
        sign(tmp_path / "clip.avi2", provenance, signer)


def test_job_provenance_from_what_the_pipeline_did(outputs, signer, settings, tmp_path) -> None:
    weights = tmp_path / "weights.safetensors"
    weights.write_bytes(b"tensor bytes")
    photo = Ingredient(path=outputs["png"], role="photo")
    made = job_provenance("embedded", weights=weights, user_media=(photo,), captions=True, audio=True, badge=True)
    assert made.generator.weights_sha256 == weights_digest(weights) and made.digital_source_type == COMPOSITE
    assert [e.kind for e in made.edits] == ["cropped", "captions", "audio", "badge"]
    sign(outputs["mp4"], made, signer)
    descriptions = [a.description for a in verify(outputs["mp4"], settings).actions]
    assert "visible AI badge placed" in descriptions and "user photo placed" in descriptions


def test_weights_digest_is_stable_and_follows_changes(tmp_path: Path) -> None:
    folder = tmp_path / "weights"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.bin").write_bytes(b"1234")
    (folder / "sub" / "b.json").write_text("{}")
    first = weights_digest(folder)
    assert len(first) == 64 and weights_digest(folder) == first
    (folder / "a.bin").write_bytes(b"12345")
    assert weights_digest(folder) != first
    assert Provenance(generator={"model": "m", "weights_sha256": first}).generator.weights_sha256 == first
