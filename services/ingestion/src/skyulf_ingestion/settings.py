"""Ingestion's settings: the platform's, with its own name (and so its port and database)."""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.fernet import Fernet
from pydantic import SecretStr, model_validator

from skyulf_platform.settings import PlatformSettings


class IngestionSettings(PlatformSettings):
    service_name: str = "ingestion"
    # Bytes of an upload that are parsed synchronously before it is accepted.
    sniff_bytes: int = 1024 * 1024
    # Fernet key encrypting stored sources (database URLs, API headers). Required outside
    # local mode; locally one is generated once under data_dir.
    source_key: SecretStr | None = None
    # Host names (or addresses) an HTTP source may reach although they are internal.
    http_allowed_hosts: list[str] = []
    http_max_bytes: int = 256 * 1024 * 1024
    http_timeout_seconds: float = 120.0
    # Folders SQLite sources may open (read-only); none by default.
    sql_sqlite_dirs: list[Path] = []
    sql_statement_timeout_seconds: int = 300
    # Rows a source may yield.
    source_max_rows: int = 50_000_000
    # A dataset still PENDING after this long has lost its task and is failed by a sweep.
    pending_deadline_seconds: float = 6 * 3600
    pending_sweep_interval_seconds: float = 300

    @model_validator(mode="after")
    def _source_key_outside_local(self) -> IngestionSettings:
        if self.env != "local" and self.source_key is None:
            raise ValueError(f"SKYULF_ENV={self.env} requires SKYULF_SOURCE_KEY to be set")
        return self

    def resolved_source_key(self) -> str:
        if self.source_key is not None:
            return self.source_key.get_secret_value()
        path = self.data_dir / "source.key"
        if not path.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as f:
                f.write(Fernet.generate_key())
        return path.read_text().strip()


def get_settings() -> IngestionSettings:
    return IngestionSettings()
