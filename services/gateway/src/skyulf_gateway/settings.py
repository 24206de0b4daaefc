"""Gateway settings: where the HTTP face listens and where the built canvas lives."""

from __future__ import annotations

from pathlib import Path

from pydantic import SecretStr

from skyulf_platform.settings import DEFAULT_PORTS, PlatformSettings

REPO_FRONTEND = Path(__file__).resolve().parents[4] / "frontend" / "dist"


class GatewaySettings(PlatformSettings):
    service_name: str = "gateway"
    frontend_dir: Path = REPO_FRONTEND
    # Upload chunks streamed to ingestion; well under the gRPC message limit.
    upload_chunk_bytes: int = 1024 * 1024
    # When set at start, an admin API key with this value exists (created if missing), so CI
    # and scripts can drive a fresh platform.
    bootstrap_api_key: SecretStr | None = None
    # How long a web session lasts after signing in, in hours.
    session_ttl_hours: float = 12.0
    # Sign-in attempts allowed per client address and per username within a minute.
    login_attempts_per_minute: int = 10
    # Session cookies carry the Secure flag (HTTPS only); None: in production only.
    cookie_secure: bool | None = None
    # Host names the gateway answers to (JSON list; "*": any). The local stack (make run) sets
    # the loopback names, against DNS rebinding; in a cluster, set the ingress host names.
    allowed_hosts: list[str] = ["*"]

    def secure_cookies(self) -> bool:
        return self.cookie_secure if self.cookie_secure is not None else self.env == "production"

    def http_listen_port(self) -> int:
        return self.http_port if self.http_port is not None else DEFAULT_PORTS["gateway"]


def get_settings() -> GatewaySettings:
    return GatewaySettings()
