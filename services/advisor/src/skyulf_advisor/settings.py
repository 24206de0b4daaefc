"""Advisor's settings: the platform's, with its own name (and so its port)."""

from __future__ import annotations

from skyulf_platform.settings import PlatformSettings


class AdvisorSettings(PlatformSettings):
    service_name: str = "advisor"
    # Seconds to wait for ingestion to answer a profile request.
    ingestion_timeout: float = 30.0


def get_settings() -> AdvisorSettings:
    return AdvisorSettings()
