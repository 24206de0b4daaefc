"""Gateway settings: where the HTTP face listens and where the built canvas lives."""

from __future__ import annotations

from pathlib import Path

from skyulf_platform.settings import DEFAULT_PORTS, PlatformSettings

REPO_FRONTEND = Path(__file__).resolve().parents[4] / "frontend" / "dist"


class GatewaySettings(PlatformSettings):
    service_name: str = "gateway"
    frontend_dir: Path = REPO_FRONTEND
    # Upload chunks streamed to ingestion; well under the gRPC message limit.
    upload_chunk_bytes: int = 1024 * 1024

    def http_listen_port(self) -> int:
        return self.http_port if self.http_port is not None else DEFAULT_PORTS["gateway"]


def get_settings() -> GatewaySettings:
    return GatewaySettings()
