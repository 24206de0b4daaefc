"""What every artifact backend does. Keys are '/'-separated paths relative to the store root.

Writes are atomic (a reader never sees half an object) and return the SHA-256 of what was
written; reads given an expected checksum verify it and raise DataLoss on a mismatch.
put_file/download_to stream between a file and the store in chunks, so memory use does not grow
with the size of the object.
"""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from collections.abc import Generator
from pathlib import Path

from pydantic import BaseModel

from skyulf_errors import DataLoss, InvalidArgument


class ArtifactRef(BaseModel):
    uri: str
    key: str
    sha256: str
    size: int


# Bytes read or written at a time when streaming a file.
CHUNK_BYTES = 1024 * 1024


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_sha256(path: Path) -> tuple[str, int]:
    """The SHA-256 and size of a file, read in chunks."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as f:
        while chunk := f.read(CHUNK_BYTES):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def check_key(key: str) -> str:
    parts = key.split("/")
    if not key or key.startswith("/") or any(p in ("", ".", "..") for p in parts):
        raise InvalidArgument(f"invalid artifact key {key!r}", details={"field": "key"})
    return key


class ArtifactStore(ABC):
    """A flat key space under a root URI."""

    root_uri: str

    def uri_for(self, key: str) -> str:
        return f"{self.root_uri.rstrip('/')}/{check_key(key)}"

    def key_for(self, uri: str) -> str:
        prefix = self.root_uri.rstrip("/") + "/"
        if not uri.startswith(prefix):
            raise InvalidArgument(
                f"artifact {uri} is not in this store ({self.root_uri})", details={"uri": uri}
            )
        return check_key(uri[len(prefix) :])

    def put_bytes(self, key: str, data: bytes) -> ArtifactRef:
        check_key(key)
        self._write(key, data)
        return ArtifactRef(uri=self.uri_for(key), key=key, sha256=sha256_hex(data), size=len(data))

    def get_bytes(self, key: str, *, sha256: str | None = None) -> bytes:
        data = self._read(check_key(key))
        if sha256 is not None and sha256_hex(data) != sha256:
            raise self._mismatch(key)
        return data

    def put_file(self, key: str, path: Path) -> ArtifactRef:
        """Store the file at path under key, streamed; atomic like put_bytes."""
        check_key(key)
        sha256, size = self._write_file(key, Path(path))
        return ArtifactRef(uri=self.uri_for(key), key=key, sha256=sha256, size=size)

    def download_to(self, key: str, path: Path, *, sha256: str | None = None) -> None:
        """Write the object to path, streamed, verifying the checksum as it goes.

        On any failure (a mismatch is DataLoss) the partly written file is removed.
        """
        path = Path(path)
        digest = hashlib.sha256()
        chunks = self._read_chunks(check_key(key))
        try:
            with path.open("wb") as f:
                for chunk in chunks:
                    digest.update(chunk)
                    f.write(chunk)
            if sha256 is not None and digest.hexdigest() != sha256:
                raise self._mismatch(key)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        finally:
            # Releases the backend's open file or connection if the copy stopped early.
            chunks.close()

    def _mismatch(self, key: str) -> DataLoss:
        uri = self.uri_for(key)
        return DataLoss(
            f"artifact {uri} does not match its recorded checksum", details={"uri": uri}
        )

    @abstractmethod
    def _write(self, key: str, data: bytes) -> None: ...

    @abstractmethod
    def _write_file(self, key: str, path: Path) -> tuple[str, int]:
        """Store the file atomically; returns its SHA-256 and size."""

    @abstractmethod
    def _read_chunks(self, key: str) -> Generator[bytes]:
        """The object in pieces of at most CHUNK_BYTES; raises NotFound when it does not exist."""

    @abstractmethod
    def _read(self, key: str) -> bytes:
        """Raises skyulf NotFound when the key does not exist."""

    @abstractmethod
    def exists(self, key: str) -> bool: ...

    @abstractmethod
    def delete(self, key: str) -> None:
        """Deletes the key; a missing key is not an error."""

    @abstractmethod
    def list(self, prefix: str = "") -> list[str]:
        """Keys that start with prefix, sorted."""

    @abstractmethod
    def ping(self) -> None:
        """Raises when the store cannot be reached."""
