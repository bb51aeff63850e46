"""What the render pipeline did to make one output, as a small typed description, and the C2PA
manifest definition built from it (``c2pa.created`` with the IPTC digital source type, the
generator, ingredients and edit actions)."""

from __future__ import annotations

import hashlib
import logging
from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from botkit import __version__
from botkit.errors import InputError

logger = logging.getLogger(__name__)

IPTC = "http://cv.iptc.org/newscodes/digitalsourcetype/"
GENERATED = IPTC + "trainedAlgorithmicMedia"  # made by a generative model from a prompt
COMPOSITE = IPTC + "compositeWithTrainedAlgorithmicMedia"  # generated media mixed with the user's own
AI_SOURCE_TYPES = frozenset({GENERATED, COMPOSITE, IPTC + "algorithmicMedia"})

GENERATOR_LABEL = "org.botkit.generator"  # our own assertion: model, weights hash (and prompts, opt-in)

MIME_TYPES = {
    ".mp4": "video/mp4",
    ".m4v": "video/mp4",
    ".mov": "video/quicktime",
    ".png": "image/png",
    ".webp": "image/webp",
    ".gif": "image/gif",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".wav": "audio/wav",
    ".mp3": "audio/mpeg",
    ".m4a": "audio/mp4",
}

EditKind = Literal["cropped", "resized", "trimmed", "captions", "end_card", "badge", "audio", "transcoded"]

# C2PA 2.x action names; where the spec has no action of its own the edit is a described c2pa.edited.
_ACTIONS: dict[str, tuple[str, str]] = {
    "cropped": ("c2pa.cropped", "reframed to the platform's aspect ratio"),
    "resized": ("c2pa.resized", "scaled to the platform's size"),
    "trimmed": ("c2pa.trimmed", "trimmed to the planned duration"),
    "captions": ("c2pa.edited", "captions placed"),
    "end_card": ("c2pa.edited", "end card placed"),
    "badge": ("c2pa.edited", "visible AI badge placed"),
    "audio": ("c2pa.dubbed", "audio added"),  # the spec: "changes were made to audio"
    "transcoded": ("c2pa.transcoded", "encoded for the platform"),
}


def mime_for(path: Path) -> str | None:
    return MIME_TYPES.get(Path(path).suffix.lower())


class Generator(BaseModel):
    """What made the pixels: botkit and the video model (name and a hash of its weights)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    model: str = Field(min_length=1, max_length=200, description="Engine model name, e.g. 'embedded'.")
    weights_sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")
    weights_revision: str | None = Field(
        default=None, max_length=200, description="The engine's own weights revision, e.g. 'embedded@1a2b...'."
    )
    botkit_version: str = __version__


class Ingredient(BaseModel):
    """A file of the user's that went into the output (footage, a photo, a logo, music)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    path: Path
    title: str | None = Field(default=None, max_length=200, description="Shown by verifiers; default: file name.")
    role: Literal["footage", "photo", "logo", "audio"] = "footage"


class Edit(BaseModel):
    """One thing post-processing did to the generated media."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: EditKind
    detail: str = Field(default="", max_length=200, description="Replaces the default description.")


class Provenance(BaseModel):
    """The credentials of one output: ``generated`` when every pixel came from the model,
    ``composite`` as soon as one of the user's files is an ingredient."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    generator: Generator
    ingredients: tuple[Ingredient, ...] = ()
    edits: tuple[Edit, ...] = ()
    prompts: tuple[str, ...] = Field(default=(), description="Written only when the deployment opts in.")

    @property
    def digital_source_type(self) -> str:
        return COMPOSITE if self.ingredients else GENERATED

    def with_edits(self, *kinds: EditKind) -> Provenance:
        """The same provenance plus these edits (e.g. a poster has the video's edits, a preview fewer)."""
        return self.model_copy(update={"edits": (*self.edits, *(Edit(kind=kind) for kind in kinds))})


def job_provenance(
    model: str,
    *,
    weights: Path | None = None,
    user_media: tuple[Ingredient, ...] = (),
    reframed: bool = True,
    captions: bool = False,
    end_card: bool = False,
    audio: bool = False,
    badge: bool = False,
    prompts: tuple[str, ...] = (),
) -> Provenance:
    """The provenance of a job's platform videos from what the pipeline knows; ``weights`` is
    hashed (cached per process). A poster has the same edits; give a preview
    ``Provenance(generator=..., edits=(Edit(kind="resized"),))``."""
    kinds: list[EditKind] = []
    for kind, done in (("cropped", reframed), ("captions", captions), ("end_card", end_card), ("audio", audio),
                       ("badge", badge)):  # fmt: skip
        if done:
            kinds.append(kind)  # type: ignore[arg-type]
    return Provenance(
        generator=Generator(model=model, weights_sha256=weights_digest(weights) if weights is not None else None),
        ingredients=user_media,
        edits=tuple(Edit(kind=kind) for kind in kinds),
        prompts=prompts,
    )


def manifest_definition(
    provenance: Provenance, *, title: str, mime: str, include_prompts: bool = False
) -> tuple[dict[str, Any], list[tuple[dict[str, Any], str, Path]]]:
    """The c2pa-python manifest JSON for one file, and its ingredients as (ingredient JSON, MIME
    type, path) for ``Builder.add_ingredient``."""
    generator = provenance.generator
    created: dict[str, Any] = {
        "action": "c2pa.created",
        "digitalSourceType": provenance.digital_source_type,
        "softwareAgent": {"name": generator.model},
    }
    actions = [created]
    ingredients = []
    for n, ingredient in enumerate(provenance.ingredients):
        ingredient_id = f"botkit-ingredient-{n}"
        ingredient_mime = mime_for(ingredient.path)
        if ingredient_mime is None:
            raise InputError(
                f"ingredient {ingredient.path.name!r} has no media type botkit can describe; "
                f"allowed suffixes: {', '.join(sorted(MIME_TYPES))}"
            )
        definition = {
            "title": ingredient.title or ingredient.path.name,
            "relationship": "componentOf",
            "instance_id": ingredient_id,
        }
        ingredients.append((definition, ingredient_mime, ingredient.path))
        actions.append(
            {
                "action": "c2pa.placed",
                "description": f"user {ingredient.role} placed",
                "parameters": {"ingredientIds": [ingredient_id]},
            }
        )
    for edit in provenance.edits:
        name, description = _ACTIONS[edit.kind]
        actions.append({"action": name, "description": edit.detail or description})
    generator_data: dict[str, Any] = {"botkit_version": generator.botkit_version, "model": generator.model}
    if generator.weights_sha256:
        generator_data["weights_sha256"] = generator.weights_sha256
    if generator.weights_revision:
        generator_data["weights_revision"] = generator.weights_revision
    if include_prompts and provenance.prompts:
        generator_data["prompts"] = list(provenance.prompts)
    manifest = {
        "claim_generator_info": [{"name": "botkit", "version": generator.botkit_version}],
        "title": title,
        "format": mime,
        "assertions": [
            {"label": "c2pa.actions.v2", "data": {"actions": actions}},
            {"label": GENERATOR_LABEL, "data": generator_data},
        ],
    }
    return manifest, ingredients


@cache
def _digest(path: Path, size: int, mtime_ns: int) -> str:
    del size, mtime_ns  # part of the cache key only: a changed file is hashed again
    sha = hashlib.sha256()
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for file in files:
        if path.is_dir():
            sha.update(file.relative_to(path).as_posix().encode() + b"\0")
        with file.open("rb") as handle:
            while block := handle.read(1 << 20):
                sha.update(block)
    return sha.hexdigest()


def weights_digest(path: Path) -> str:
    """SHA-256 of a weights file, or of a weights folder (relative names and contents, in name
    order), cached per process while the file or folder's newest change stays the same."""
    path = Path(path).resolve()
    if not path.exists():
        raise FileNotFoundError(f"weights {path} do not exist")
    entries = [path, *path.rglob("*")] if path.is_dir() else [path]
    stats = [entry.stat() for entry in entries]
    return _digest(path, sum(s.st_size for s in stats), max(s.st_mtime_ns for s in stats))
