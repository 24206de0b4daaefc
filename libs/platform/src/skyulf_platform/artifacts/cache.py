"""Local copies of artifacts, named by checksum, so that reading part of a large file (a page of
rows, a preview's sample) does not fetch it from the store again each time.

A copy is fetched once per content (checksum verified on the way in); the ``keep`` most recently
used copies stay, older ones are removed.
"""

from __future__ import annotations

import contextlib
import os
import threading
from pathlib import Path

from skyulf_platform.artifacts.base import ArtifactStore


class LocalCopies:
    def __init__(self, folder: Path, keep: int = 4, suffix: str = ".parquet") -> None:
        self.folder = folder
        self.keep = keep
        self.suffix = suffix
        self._lock = threading.Lock()

    def path(self, store: ArtifactStore, uri: str, sha256: str) -> Path:
        """A local file holding the artifact at ``uri`` whose SHA-256 is ``sha256``."""
        assert uri and sha256
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self.folder / f"{sha256}{self.suffix}"
        with self._lock:
            if target.exists():
                os.utime(target)
                return target
            part = target.with_suffix(f".{threading.get_ident()}.part")
            store.download_to(store.key_for(uri), part, sha256=sha256)
            part.replace(target)
            self._trim()
        return target

    def _trim(self) -> None:
        files = sorted(
            self.folder.glob(f"*{self.suffix}"), key=lambda p: p.stat().st_mtime, reverse=True
        )
        for old in files[self.keep :]:
            with contextlib.suppress(OSError):
                old.unlink()
