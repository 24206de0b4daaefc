"""What every artifact backend does. Keys are '/'-separated paths relative to the store root.

Writes are atomic (a reader never sees half an object) and return the SHA-256 of what was
written; reads given an expected checksum verify it and raise DataLoss on a mismatch.
"""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod

from pydantic import BaseModel

from skyulf_core.errors import DataLoss, InvalidArgument


class ArtifactRef(BaseModel):
    uri: str
    key: str
    sha256: str
    size: int


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


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
            raise DataLoss(
                f"artifact {self.uri_for(key)} does not match its recorded checksum",
                details={"uri": self.uri_for(key)},
            )
        return data

    @abstractmethod
    def _write(self, key: str, data: bytes) -> None: ...

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
