"""The last step after ``produce``: sign every output with content credentials (C2PA) and write
the platform upload metadata beside each video.

It must stay last: any later write to a video, poster or preview breaks the signature's binding.
With ``BOTKIT_SIGNING=required`` a file that cannot be signed fails the job (nothing unsigned is
delivered); with ``best-effort`` the job delivers it and says so in its warnings and metrics.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from botkit.domain import ShotKind, ShotMode
from botkit.provenance import Edit, Generator, Ingredient, Provenance, Signer, sign_outputs
from botkit.provenance.model import MIME_TYPES, EditKind
from botkit.provenance.upload import write_upload_metadata
from botkit.render.steps import Staged, StagedFile
from botkit.store.assets import AssetStore

logger = logging.getLogger(__name__)

# ``hdlr`` box: version/flags and pre_defined (8 bytes), then the handler type: "soun" for audio.
_SOUND_HANDLER = re.compile(rb"hdlr.{8}soun", re.DOTALL)
_SIGNED_EXTRAS = ("preview", "contact_sheet")  # derived from the generated frames; sidecars (SRT, JSON) are text


def has_audio(video: Path, scan_bytes: int = 4 << 20) -> bool:
    """Whether an MP4 has a sound track, from its ``moov`` box (at the front of our faststart
    files, so reading the first few MiB is enough): no ffmpeg process per output."""
    with Path(video).open("rb") as handle:
        return _SOUND_HANDLER.search(handle.read(scan_bytes)) is not None


def generator_for(shots: list[dict[str, Any]]) -> Generator:
    """The engines that made the shots (a plan routed to several names them all, in shot order),
    with their weights revisions."""
    models = list(dict.fromkeys(str(s.get("source") or s.get("model") or "unknown") for s in shots)) or ["unknown"]
    revisions = list(dict.fromkeys(str(s["revision"]) for s in shots if s.get("revision")))
    return Generator(model=" + ".join(models)[:200], weights_revision=", ".join(revisions)[:200] or None)


def user_media(staged: Staged, assets: AssetStore) -> tuple[Ingredient, ...]:
    """The user's own files that went into the pixels, as C2PA ingredients: the photo of each
    image-to-video shot and each still, and the clip of each footage shot."""
    found: dict[Path, Ingredient] = {}

    def add(stored: str, role: str) -> None:
        path = Path(stored) if Path(stored).is_absolute() else assets.path(stored)
        if path.is_file() and path.suffix.lower() in MIME_TYPES:
            found.setdefault(path, Ingredient(path=path, title=path.name, role=role))

    for shot in staged.plan.shots:
        if shot.kind is ShotKind.FOOTAGE and shot.footage:
            add(shot.footage, "footage")
        elif shot.image and (shot.kind is ShotKind.STILL or shot.mode is ShotMode.IMAGE_TO_VIDEO):
            add(shot.image, "photo")
    return tuple(found.values())


@dataclass
class SignOutputs:
    """Signs the videos, posters, preview and contact sheet of a job (all or nothing when signing
    is required), then writes ``<video>.upload.json`` next to each video as an extra asset."""

    signer: Signer | None
    assets: AssetStore
    name: str = "content credentials"
    lang: str = "en"

    def provenances(self, staged: Staged) -> tuple[Provenance, dict[Path, Provenance]]:
        plan = staged.plan
        base = Provenance(
            generator=generator_for(staged.shots),
            ingredients=user_media(staged, self.assets),
            prompts=tuple(shot.prompt for shot in plan.shots)
            if self.signer and self.signer.config.include_prompts
            else (),
        )
        badge = bool(staged.metrics.get("ai_badge"))
        kinds: list[EditKind] = ["cropped", "transcoded"]
        kinds += ["captions"] if plan.captions else []
        kinds += ["end_card"] if plan.end_card is not None else []
        kinds += ["badge"] if badge else []
        overrides: dict[Path, Provenance] = {}
        for output in staged.outputs:
            video = Path(output.path)
            sound: list[EditKind] = ["audio"] if has_audio(video) else []
            overrides[video] = base.with_edits(*kinds, *sound)
            overrides[Path(output.poster)] = base.with_edits(*kinds)
        for extra in staged.extras:
            if extra.kind in _SIGNED_EXTRAS:
                overrides[extra.path] = base.model_copy(update={"edits": (Edit(kind="resized"),)})
        return base, overrides

    def __call__(self, staged: Staged) -> Staged:
        base, overrides = self.provenances(staged)
        report = sign_outputs(list(overrides), base, self.signer, overrides=overrides)  # raises when required
        unsigned = [file.path.name for file in report.unsigned]
        if report.mode != "off" and unsigned:
            staged.warnings.append(f"delivered without content credentials: {', '.join(unsigned)}")
        signed = {file.path for file in report.files if file.signed}
        staged.metrics["content_credentials"] = {
            "mode": report.mode,
            "signed": len(signed),
            "unsigned": unsigned,
            "signer": self.signer.status.certificate.common_name if self.signer else None,
            "digital_source_type": base.digital_source_type,
        }
        for output in staged.outputs:
            video = Path(output.path)
            meta = write_upload_metadata(
                video,
                title=staged.plan.title,
                description=staged.plan.title,
                platform=output.platform,
                composite=bool(base.ingredients),
                signed=video in signed,
                lang=self.lang,
            )
            staged.extras.append(StagedFile(meta, "upload_metadata", "application/json"))
        return staged
