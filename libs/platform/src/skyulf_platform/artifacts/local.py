"""A folder on the local disk (the embedded default)."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from skyulf_errors import NotFound, Unavailable
from skyulf_platform.artifacts.base import CHUNK_BYTES, ArtifactStore


class LocalArtifactStore(ArtifactStore):
    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.root.mkdir(parents=True, exist_ok=True)
        self.root_uri = self.root.as_uri()

    def _path(self, key: str) -> Path:
        return self.root / key

    @contextmanager
    def _replacing(self, key: str) -> Iterator[BinaryIO]:
        """A temp file beside the key's path, renamed over it once written and synced.

        Readers see the old object or the whole new one, never a part.
        """
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as f:
                yield f
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def _write(self, key: str, data: bytes) -> None:
        with self._replacing(key) as f:
            f.write(data)

    def _write_file(self, key: str, path: Path) -> tuple[str, int]:
        digest = hashlib.sha256()
        size = 0
        with path.open("rb") as src, self._replacing(key) as f:
            while chunk := src.read(CHUNK_BYTES):
                digest.update(chunk)
                size += len(chunk)
                f.write(chunk)
        return digest.hexdigest(), size

    def _read_chunks(self, key: str) -> Generator[bytes]:
        try:
            f = self._path(key).open("rb")
        except FileNotFoundError as e:
            raise NotFound(f"artifact {self.uri_for(key)} not found") from e
        with f:
            while chunk := f.read(CHUNK_BYTES):
                yield chunk

    def _read(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError as e:
            raise NotFound(f"artifact {self.uri_for(key)} not found") from e

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def list(self, prefix: str = "") -> list[str]:
        keys = [
            p.relative_to(self.root).as_posix()
            for p in self.root.rglob("*")
            if p.is_file() and not p.name.startswith(".tmp-")
        ]
        return sorted(k for k in keys if k.startswith(prefix))

    def ping(self) -> None:
        if not os.access(self.root, os.W_OK):
            raise Unavailable(f"artifact folder {self.root} is not writable")
