"""Registry's settings: the platform's, with its own name (and so its port and database)."""

from __future__ import annotations

from skyulf_platform.settings import PlatformSettings


class RegistrySettings(PlatformSettings):
    service_name: str = "registry"


def get_settings() -> RegistrySettings:
    return RegistrySettings()
