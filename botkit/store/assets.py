"""The asset store: files under one root directory, written atomically.

Work happens in a staging folder (``<root>/.staging/<id>``) that is always removed; finished files
are moved into place with ``os.replace``, so a reader never sees a half-written file.
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
    def __init__(self, root: Path) -> None:
        self.root = Path(root).resolve()

    def path(self, relative: str) -> Path:
        full = (self.root / relative).resolve()
        if not full.is_relative_to(self.root):
            raise ValueError(f"asset path {relative!r} escapes the store")
        return full

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
        target = self.path(relative)
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
        shutil.rmtree(self.path(relative), ignore_errors=True)

    def remove(self, relative: str) -> None:
        target = self.path(relative)
        target.unlink(missing_ok=True)
        # drop now-empty folders up to the root
        for parent in target.parents:
            if parent == self.root or not parent.is_relative_to(self.root):
                break
            try:
                parent.rmdir()
            except OSError:
                break
