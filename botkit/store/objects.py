"""The asset store on S3-compatible object storage (AWS S3, MinIO, R2, GCS interop): the only
module that imports boto3 (the ``[s3]`` extra).

Workers on other machines share files through the bucket. Staging stays on local disk (work
happens there); ``put`` uploads the finished file (one PUT, or a multipart upload whose object
appears only when complete), so a reader never sees half an object, and callers write the SQL row
after ``put`` returns. ``path`` is the local copy of an object: fetched into ``<root>/<path>`` on
first use (streamed to a temporary name, then renamed), so everything that reads files (ffmpeg,
the clip cache, Slack uploads, the web's Range responses) keeps working. Objects are written once
under a path (job folders, clips by render key, uploads by id), so the local copy never goes stale.

Errors from botocore become ``AssetStoreError`` with a message that says what to fix.
"""

from __future__ import annotations

import logging
import mimetypes
import os
import re
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from botkit.errors import AssetStoreError, InputError
from botkit.store.assets import AssetStore, StoredFile, sha256_of

logger = logging.getLogger(__name__)

SINGLE_PUT_BYTES = 64 << 20
"""Larger files go up as a multipart upload (parts in parallel); the object appears when complete."""

BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9]$")

CREDENTIAL_CODES = {
    "InvalidAccessKeyId",
    "SignatureDoesNotMatch",
    "ExpiredToken",
    "ExpiredTokenException",
    "TokenRefreshRequired",
    "InvalidToken",
    "InvalidClientTokenId",
    "AuthorizationHeaderMalformed",
}
DENIED_CODES = {"AccessDenied", "AllAccessDisabled", "AccountProblem", "InvalidObjectState", "403", "Forbidden"}
MISSING_CODES = {"NoSuchKey", "404", "NotFound"}


def check_bucket_name(bucket: str, url: str) -> None:
    if not BUCKET_NAME.match(bucket):
        raise InputError(
            f"BOTKIT_ASSETS_URL={url!r}: {bucket!r} is not a bucket name (3-63 characters: lower-case letters, "
            "digits, dots and hyphens); write s3://bucket/prefix"
        )


class S3AssetStore(AssetStore):
    """Objects under ``s3://bucket/prefix``; ``root`` holds staging folders and the local cache."""

    backend = "s3"

    def __init__(
        self,
        root: Path,
        bucket: str,
        prefix: str = "",
        *,
        endpoint_url: str | None = None,
        region: str | None = None,
        addressing: str = "auto",
        presign_s: int = 3600,
        client: Any = None,
    ) -> None:
        super().__init__(root)
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.endpoint_url = endpoint_url
        self.region = region
        self.addressing = addressing
        self.presign_s = presign_s
        self._client = client
        self._client_lock = threading.Lock()

    @property
    def location(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}" if self.prefix else f"s3://{self.bucket}"

    @property
    def client(self) -> Any:
        """The boto3 client, made on first use (importing boto3 costs ~0.3 s; boto3 clients are thread-safe)."""
        if self._client is None:
            with self._client_lock:
                if self._client is None:
                    import boto3
                    from botocore.config import Config

                    style = self.addressing
                    if style == "auto" and self.endpoint_url:
                        style = "path"  # MinIO, moto and most self-hosted endpoints want path-style
                    self._client = boto3.session.Session().client(
                        "s3",
                        endpoint_url=self.endpoint_url,
                        region_name=self.region,
                        config=Config(
                            signature_version="s3v4",
                            s3={"addressing_style": style},
                            retries={"max_attempts": 4, "mode": "standard"},
                            connect_timeout=5,
                            read_timeout=60,
                        ),
                    )
        return self._client

    def key(self, relative: str) -> str:
        self.local(relative)  # the same rule as on disk: nothing may escape the store
        relative = relative.lstrip("/")
        return f"{self.prefix}/{relative}" if self.prefix else relative

    # -- reading ---------------------------------------------------------------------------------

    def path(self, relative: str) -> Path:
        """The local copy, fetched from the bucket when it is not here yet. A missing object gives
        a path where no file exists (as on disk); a refused read raises ``AssetStoreError``."""
        target = self.local(relative)
        if target.is_file():
            try:
                os.utime(target)  # recently used: the last copy ``trim_cache`` drops
            except OSError:
                pass
        else:
            self._fetch(relative, target)
        return target

    def _fetch(self, relative: str, target: Path) -> None:
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=self.key(relative))
        except Exception as exc:
            if _code(exc) in MISSING_CODES:
                return
            raise self._error(exc, "read", relative) from None
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.part")
        try:
            with partial.open("wb") as handle:
                for chunk in response["Body"].iter_chunks(1 << 20):
                    handle.write(chunk)
            os.replace(partial, target)
        except Exception as exc:
            partial.unlink(missing_ok=True)
            raise self._error(exc, "read", relative) from None

    def exists(self, relative: str) -> bool:
        if self.local(relative).is_file():
            return True
        try:
            self.client.head_object(Bucket=self.bucket, Key=self.key(relative))
        except Exception as exc:
            if _code(exc) in MISSING_CODES:
                return False
            raise self._error(exc, "read", relative) from None
        return True

    def presigned_url(
        self,
        relative: str,
        *,
        expires_s: int | None = None,
        filename: str | None = None,
        mime: str | None = None,
        inline: bool = False,
    ) -> str | None:
        """A GET URL signed with this process's credentials and clock (HTTP Range works on it). The
        bucket answers it with ``mime`` as its Content-Type and, with ``filename``, a Content-Disposition
        (``attachment``, or ``inline`` to play in the page)."""
        params: dict[str, str] = {"Bucket": self.bucket, "Key": self.key(relative)}
        if mime:
            params["ResponseContentType"] = mime
        if filename:
            params["ResponseContentDisposition"] = (
                f'{"inline" if inline else "attachment"}; filename="{_quoted(filename)}"'
            )
        try:
            return str(
                self.client.generate_presigned_url(
                    "get_object", Params=params, ExpiresIn=int(expires_s or self.presign_s)
                )
            )
        except Exception as exc:
            raise self._error(exc, "sign a link to", relative) from None

    # -- writing ---------------------------------------------------------------------------------

    def check(self) -> None:
        """The bucket exists and these credentials may list it (one request); raises ``AssetStoreError``."""
        super().check()
        try:
            self.client.list_objects_v2(Bucket=self.bucket, Prefix=f"{self.prefix}/" if self.prefix else "", MaxKeys=1)
        except Exception as exc:
            raise self._error(exc, "open", "") from None

    def put(self, source: Path, relative: str) -> StoredFile:
        """Upload a staged file, then keep it as the local copy. Nothing is visible under
        ``relative`` unless the whole upload succeeded."""
        key = self.key(relative)
        target = self.local(relative)
        checksum = sha256_of(source)
        size = source.stat().st_size
        extra = {
            "ContentType": mimetypes.guess_type(source.name)[0] or "application/octet-stream",
            "Metadata": {"sha256": checksum},
        }
        try:
            if size <= SINGLE_PUT_BYTES:
                with source.open("rb") as body:
                    self.client.put_object(Bucket=self.bucket, Key=key, Body=body, **extra)
            else:
                self.client.upload_file(str(source), self.bucket, key, ExtraArgs=extra)
        except Exception as exc:
            raise self._error(exc, "write", relative) from None
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(source, target)
        return StoredFile(path=relative, bytes=size, checksum=checksum)

    def remove(self, relative: str) -> None:
        try:
            self.client.delete_object(Bucket=self.bucket, Key=self.key(relative))
        except Exception as exc:
            if _code(exc) not in MISSING_CODES:
                raise self._error(exc, "delete", relative) from None
        super().remove(relative)

    def remove_tree(self, relative: str) -> None:
        keys = [key for key, _ in self._list(relative.rstrip("/") + "/")]
        try:
            for start in range(0, len(keys), 1000):
                self.client.delete_objects(
                    Bucket=self.bucket,
                    Delete={"Objects": [{"Key": key} for key in keys[start : start + 1000]], "Quiet": True},
                )
        except Exception as exc:
            raise self._error(exc, "delete", relative) from None
        super().remove_tree(relative)

    def trim_cache(self, max_bytes: int, *, keep_recent_s: float = 600.0) -> int:
        """Remove the least recently used local copies until the cache holds at most ``max_bytes``
        (the bucket keeps every object). Staging folders and copies used in the last
        ``keep_recent_s`` (a render may be about to open them) are left alone."""
        cutoff = time.time() - keep_recent_s
        files = []
        for path in self.root.rglob("*"):
            if ".staging" in path.relative_to(self.root).parts:
                continue
            try:
                stat = path.stat()
            except FileNotFoundError:
                continue
            if path.is_file():
                files.append((stat.st_mtime, stat.st_size, path))
        total = sum(size for _, size, _ in files)
        freed = 0
        for mtime, size, path in sorted(files):
            if total - freed <= max_bytes or mtime >= cutoff:
                break
            path.unlink(missing_ok=True)
            freed += size
        if freed:
            logger.info(
                "trimmed the local copies of the bucket", extra={"freed_bytes": freed, "kept_bytes": total - freed}
            )
        return freed

    def input_files(self, older_than: float) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for key, modified in self._list("conversations/"):
            relative = key[len(self.prefix) + 1 :] if self.prefix else key
            parts = relative.split("/")
            if len(parts) == 4 and parts[2] == "inputs" and modified < older_than:
                found.setdefault(parts[1], []).append(relative)
        return found

    def _list(self, relative_prefix: str) -> list[tuple[str, float]]:
        prefix = f"{self.prefix}/{relative_prefix}" if self.prefix else relative_prefix
        found = []
        try:
            for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix):
                found += [(item["Key"], item["LastModified"].timestamp()) for item in page.get("Contents", [])]
        except Exception as exc:
            raise self._error(exc, "list", relative_prefix) from None
        return found

    # -- errors ----------------------------------------------------------------------------------

    def _error(self, exc: Exception, action: str, relative: str) -> AssetStoreError:
        """botocore's error as one sentence that says what to fix (logged with the details)."""
        code = _code(exc)
        where = f"{self.location}/{relative}" if relative else self.location
        if code in CREDENTIAL_CODES:
            why = (
                f"the object store refused the credentials ({code}): they are wrong, revoked or expired; "
                "renew them (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN or AWS_PROFILE)"
            )
        elif code == "RequestTimeTooSkewed":
            why = "this machine's clock is too far off the object store's (RequestTimeTooSkewed); sync it (NTP)"
        elif code in ("NoSuchBucket",) or (code in MISSING_CODES and action == "open"):
            why = f"the bucket {self.bucket!r} does not exist (BOTKIT_ASSETS_URL); create it or fix the name"
        elif code in DENIED_CODES:
            needed = {
                "write": "s3:PutObject",
                "delete": "s3:DeleteObject",
                "list": "s3:ListBucket",
                "open": "s3:ListBucket",
            }.get(action, "s3:GetObject")
            why = f"the bucket refused it ({code}); these credentials need {needed} on {self.location}/*"
        elif type(exc).__name__ in ("NoCredentialsError", "PartialCredentialsError"):
            why = (
                "no credentials for the object store: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE)"
            )
        elif type(exc).__name__ in ("EndpointConnectionError", "ConnectTimeoutError", "ReadTimeoutError"):
            why = f"the object store at {self.endpoint_url or 'its AWS endpoint'} could not be reached ({type(exc).__name__})"
        else:
            why = f"the object store failed ({code or type(exc).__name__}: {exc})"
        logger.warning("object store %s failed: %s", action, exc, extra={"bucket": self.bucket, "path": relative})
        return AssetStoreError(f"could not {action} {where}: {why}")


def _code(exc: Exception) -> str:
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        return str(response.get("Error", {}).get("Code", ""))
    match = re.search(r"\(([A-Za-z]+)\)", str(exc))  # s3transfer's S3UploadFailedError keeps only the text
    return match.group(1) if match else ""


def _quoted(filename: str) -> str:
    return "".join(char for char in filename if char.isprintable() and char not in '"\\')


def open_asset_store(
    url: str | None,
    local_root: Path,
    *,
    endpoint_url: str | None = None,
    region: str | None = None,
    addressing: str = "auto",
    presign_s: int = 3600,
) -> AssetStore:
    """The store a deployment's settings name: ``None`` or ``file:///path`` a local directory
    (``local_root`` by default), ``s3://bucket/prefix`` an S3-compatible bucket with ``local_root``
    as its staging folder and cache."""
    if not url:
        return AssetStore(local_root)
    if url.startswith("file://"):
        return AssetStore(Path(url.removeprefix("file://")))
    if url.startswith("s3://"):
        bucket, _, prefix = url.removeprefix("s3://").partition("/")
        check_bucket_name(bucket, url)
        return S3AssetStore(
            local_root,
            bucket,
            prefix.strip("/"),
            endpoint_url=endpoint_url,
            region=region,
            addressing=addressing,
            presign_s=presign_s,
        )
    raise InputError(
        f"BOTKIT_ASSETS_URL={url!r} is not an asset store address; use s3://bucket/prefix "
        "(S3, MinIO, R2, GCS interop) or file:///absolute/folder (unset: <data dir>/assets)"
    )
