"""Sign finished outputs in place: each file is written anew with its manifest to a temporary file
beside it and renamed over the original, so a reader sees the old file or the signed one, never
half of either. Signing must be the last write: any later change breaks the binding."""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path

from pydantic import BaseModel

from botkit.errors import InputError
from botkit.provenance import c2pa_io
from botkit.provenance.errors import SigningError
from botkit.provenance.model import MIME_TYPES, Provenance, manifest_definition, mime_for
from botkit.provenance.signer import Signer, SigningMode

logger = logging.getLogger(__name__)


class SignedFile(BaseModel):
    path: Path
    signed: bool
    manifest_bytes: int = 0
    reason: str | None = None  # why it is unsigned


class SigningReport(BaseModel):
    mode: SigningMode
    files: list[SignedFile]

    @property
    def unsigned(self) -> list[SignedFile]:
        return [file for file in self.files if not file.signed]

    @property
    def all_signed(self) -> bool:
        return not self.unsigned


def _check_file(path: Path, max_bytes: int) -> str:
    if not path.is_file():
        raise InputError(f"cannot sign {path}: no such file")
    mime = mime_for(path)
    if mime is None or not c2pa_io.supported(mime):
        raise InputError(f"cannot sign {path.name}: content credentials cover {', '.join(sorted(MIME_TYPES))} files")
    size = path.stat().st_size
    if size > max_bytes:
        raise SigningError(
            f"{path.name} is {size / 2**20:,.0f} MiB, more than the {max_bytes / 2**20:,.0f} MiB this deployment "
            "signs (BOTKIT_PROVENANCE_MAX_BYTES)"
        )
    return mime


def _sign_to_temp(path: Path, provenance: Provenance, signer: Signer) -> tuple[Path, int]:
    """Sign ``path`` into a new hidden file beside it (same folder: the rename is atomic)."""
    mime = _check_file(path, signer.config.max_bytes)
    for ingredient in provenance.ingredients:
        if not ingredient.path.is_file():
            raise InputError(f"ingredient {ingredient.path} of {path.name} does not exist")
    manifest, ingredients = manifest_definition(
        provenance, title=path.name, mime=mime, include_prompts=signer.config.include_prompts
    )
    temp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.signing")
    try:
        size = c2pa_io.sign_file(signer.native, manifest, ingredients, mime, path, temp)
        with temp.open("rb") as handle:
            os.fsync(handle.fileno())
    except SigningError as exc:
        temp.unlink(missing_ok=True)
        if signer.hook is not None and signer.hook.last_error:
            raise SigningError(f"could not sign {path.name}: {signer.hook.last_error}") from None
        raise exc from None
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise SigningError(f"could not write the signed copy of {path.name}: {exc.strerror}") from None
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return temp, size


def sign(path: Path, provenance: Provenance, signer: Signer) -> Path:
    """Sign one file in place (temp file + rename) and return its path. Raises ``InputError`` for
    a missing or unsupported file, ``SigningError`` when it cannot be signed; the original is then
    left as it was."""
    path = Path(path)
    temp, size = _sign_to_temp(path, provenance, signer)
    os.replace(temp, path)
    logger.info("signed", extra={"file": path.name, "manifest_bytes": size})
    return path


def sign_outputs(
    paths: Sequence[Path],
    provenance: Provenance,
    signer: Signer | None,
    *,
    overrides: Mapping[Path, Provenance] | None = None,
) -> SigningReport:
    """Sign every output of one job (videos, posters, previews); ``overrides`` gives some files
    their own provenance (a preview without captions). With ``signing = "required"`` it is all or
    nothing: every file is signed to a temporary copy first and only then renamed into place, and
    if one fails none is replaced and ``SigningError`` names it. With ``"best-effort"`` a failure
    is logged and reported; with no signer (signing off) nothing is touched."""
    paths = [Path(p) for p in paths]
    overrides = {Path(k): v for k, v in (overrides or {}).items()}
    if signer is None:
        return SigningReport(
            mode="off", files=[SignedFile(path=p, signed=False, reason="signing is off") for p in paths]
        )
    if signer.mode == "required":
        staged: list[tuple[Path, Path, int]] = []
        try:
            for path in paths:
                temp, size = _sign_to_temp(path, overrides.get(path, provenance), signer)
                staged.append((path, temp, size))
        except (SigningError, InputError) as exc:
            for _, temp, _ in staged:
                temp.unlink(missing_ok=True)
            raise SigningError(f"{exc} (signing is required: no output of this job was signed or replaced)") from None
        except BaseException:
            for _, temp, _ in staged:
                temp.unlink(missing_ok=True)
            raise
        for n, (path, temp, _) in enumerate(staged):
            try:
                os.replace(temp, path)
            except OSError as exc:  # the folder vanished or went read-only mid-way: say what is signed
                for _, left, _ in staged[n:]:
                    left.unlink(missing_ok=True)
                done = ", ".join(p.name for p, _, _ in staged[:n]) or "none"
                raise SigningError(
                    f"could not put the signed {path.name} in place ({exc.strerror}); signed: {done}"
                ) from None
        logger.info("signed outputs", extra={"files": [p.name for p in paths]})
        return SigningReport(
            mode="required", files=[SignedFile(path=p, signed=True, manifest_bytes=s) for p, _, s in staged]
        )
    files = []
    for path in paths:
        try:
            temp, size = _sign_to_temp(path, overrides.get(path, provenance), signer)
        except (SigningError, InputError) as exc:
            logger.warning("delivering %s unsigned: %s", path.name, exc)
            files.append(SignedFile(path=path, signed=False, reason=str(exc)))
            continue
        os.replace(temp, path)
        files.append(SignedFile(path=path, signed=True, manifest_bytes=size))
    return SigningReport(mode=signer.mode, files=files)
