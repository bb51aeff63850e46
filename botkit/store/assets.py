"""The asset store: files under one root directory, written atomically.

Work happens in a staging folder (``<root>/.staging/<id>``) that is always removed; finished files
are moved into place with ``os.replace``, so a reader never sees a half-written file.
``botkit.store.objects.open_asset_store`` picks the backend: this local directory, or an S3-compatible bucket
(staging stays local, ``path`` fetches an object into a local cache).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class StoredFile:
    path: str  # relative to the store root, always with "/"
    bytes: int
    checksum: str  # sha256 hex


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class AssetStore:
    backend = "local"

    def __init__(self, root: Path) -> None:
        self.root = Path(root).resolve()

    @property
    def location(self) -> str:
        """Where the files live, for logs and error messages."""
        return str(self.root)

    def check(self) -> None:
        """Raise a clear error now (at start-up) if files cannot be stored here."""
        self.root.mkdir(parents=True, exist_ok=True)

    def exists(self, relative: str) -> bool:
        return self.local(relative).is_file()

    def presigned_url(
        self,
        relative: str,
        *,
        expires_s: int | None = None,
        filename: str | None = None,
        mime: str | None = None,
        inline: bool = False,
    ) -> str | None:
        """A time-limited URL a browser can fetch the file from directly; None: serve it yourself."""
        return None

    def trim_cache(self, max_bytes: int, *, keep_recent_s: float = 600.0) -> int:
        """Drop local copies of objects past ``max_bytes`` (a bucket's cache); here the folder is
        the store itself, so nothing is ever dropped. Returns the bytes freed."""
        return 0

    def input_files(self, older_than: float) -> dict[str, list[str]]:
        """Input images (``conversations/<id>/inputs/*``) last written before ``older_than`` (epoch
        seconds), by conversation id: what the sweep checks against the recorded rows."""
        found: dict[str, list[str]] = {}
        for inputs in (self.root / "conversations").glob("*/inputs"):
            for path in inputs.iterdir():
                try:
                    old = path.is_file() and path.stat().st_mtime < older_than
                except FileNotFoundError:
                    old = False
                if old:
                    found.setdefault(inputs.parent.name, []).append(path.relative_to(self.root).as_posix())
        return found

    def local(self, relative: str) -> Path:
        """Where ``relative`` lives on this machine (for a bucket: the local copy, fetched or not)."""
        full = (self.root / relative).resolve()
        if not full.is_relative_to(self.root):
            raise ValueError(f"asset path {relative!r} escapes the store")
        return full

    def path(self, relative: str) -> Path:
        """A local file with the asset's bytes (a path where no file exists if there is no such asset)."""
        return self.local(relative)

    @contextmanager
    def staging(self, prefix: str = "") -> Iterator[Path]:
        """A fresh folder under ``.staging``, removed on exit whatever happens."""
        folder = self.root / ".staging" / f"{prefix}{uuid.uuid4().hex}"
        folder.mkdir(parents=True)
        try:
            yield folder
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def put(self, source: Path, relative: str) -> StoredFile:
        """Move a staged file into place atomically."""
        target = self.local(relative)
        target.parent.mkdir(parents=True, exist_ok=True)
        checksum = sha256_of(source)
        size = source.stat().st_size
        os.replace(source, target)
        return StoredFile(path=relative, bytes=size, checksum=checksum)

    def clear_staging(self, prefix: str) -> None:
        """Remove staging folders left by a process that died (names start with ``prefix``)."""
        for folder in (self.root / ".staging").glob(f"{prefix}*"):
            shutil.rmtree(folder, ignore_errors=True)

    def remove_tree(self, relative: str) -> None:
        shutil.rmtree(self.local(relative), ignore_errors=True)

    def remove(self, relative: str) -> None:
        target = self.local(relative)
        target.unlink(missing_ok=True)
        # drop now-empty folders up to the root
        for parent in target.parents:
            if parent == self.root or not parent.is_relative_to(self.root):
                break
            try:
                parent.rmdir()
            except OSError:
                break
