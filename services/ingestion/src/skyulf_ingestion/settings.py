"""Ingestion's settings: the platform's, with its own name (and so its port and database)."""

from __future__ import annotations

from skyulf_platform.settings import PlatformSettings


class IngestionSettings(PlatformSettings):
    service_name: str = "ingestion"
    # Bytes of an upload that are parsed synchronously before it is accepted.
    sniff_bytes: int = 1024 * 1024


def get_settings() -> IngestionSettings:
    return IngestionSettings()
