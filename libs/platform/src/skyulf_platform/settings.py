"""Settings shared by every Skyulf process, read from ``SKYULF_*`` environment variables.

Each service subclasses :class:`PlatformSettings` to set its name and default port. Nothing is
read at import time: call ``Settings()`` (or a service's ``get_settings()``) in a composition root.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
from pathlib import Path
from typing import Literal

from pydantic import SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from skyulf_errors import FailedPrecondition

DEFAULT_PORTS: dict[str, int] = {
    "ingestion": 50051,
    "pipeline": 50052,
    "registry": 50053,
    "deployment": 50054,
    "advisor": 50055,
    "gateway": 8000,
    "predictor": 8080,
    "predictor_grpc": 8081,
}


MIN_SIGNING_KEY_BYTES = 32
"""Outside local mode the signing key (from which the service credentials' key is derived too)
must be at least this long."""


def write_secret_file(path: Path, value: str) -> str:
    """Writes ``value`` to ``path`` created with mode 0600 from the start (never readable by
    others, not even for a moment), unless the file exists: then returns what it holds. Safe
    when several processes race to create it: the first one wins and the others read its value."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w") as f:
            f.write(value)
        # link() fails if another process won the race; then use theirs.
        with contextlib.suppress(FileExistsError):
            os.link(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path.read_text().strip()


# Seconds after which Redis hands an unacknowledged task to another worker.
DEFAULT_VISIBILITY_TIMEOUT = 3600


class PlatformSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SKYULF_", extra="ignore")

    service_name: str = "skyulf"
    # "local" allows generated secrets and embedded defaults; anything else refuses them.
    env: Literal["local", "production"] = "local"
    data_dir: Path = Path(".skyulf")

    host: str = "127.0.0.1"
    grpc_port: int | None = None
    http_port: int | None = None

    database_url: str | None = None
    broker_url: str | None = None
    artifact_url: str | None = None
    s3_endpoint_url: str | None = None
    s3_access_key: SecretStr | None = None
    s3_secret_key: SecretStr | None = None
    s3_region: str = "us-east-1"
    bundle_signing_key: SecretStr | None = None

    ingestion_addr: str = f"127.0.0.1:{DEFAULT_PORTS['ingestion']}"
    pipeline_addr: str = f"127.0.0.1:{DEFAULT_PORTS['pipeline']}"
    registry_addr: str = f"127.0.0.1:{DEFAULT_PORTS['registry']}"
    deployment_addr: str = f"127.0.0.1:{DEFAULT_PORTS['deployment']}"
    advisor_addr: str = f"127.0.0.1:{DEFAULT_PORTS['advisor']}"
    predictor_addr: str = f"127.0.0.1:{DEFAULT_PORTS['predictor_grpc']}"

    # Celery limits, set per worker Deployment by the Helm chart. A task gets
    # SoftTimeLimitExceeded after task_soft_time_limit seconds and is killed after
    # task_time_limit; None leaves them unlimited. The Redis broker hands a task that has not
    # been acknowledged after broker_visibility_timeout seconds to another worker, so it must
    # exceed every queue's task_time_limit.
    task_soft_time_limit: int | None = None
    task_time_limit: int | None = None
    broker_visibility_timeout: int = DEFAULT_VISIBILITY_TIMEOUT
    # PEM file of the certificate authorities trusted for TLS to the broker (rediss://, whose
    # certificate is always verified). PostgreSQL and S3 clients read theirs from PGSSLROOTCERT
    # and AWS_CA_BUNDLE, which the Helm chart points at the same mounted file.
    ca_bundle: Path | None = None

    # Port of the Prometheus /metrics endpoint; None turns it off, 0 picks a free port.
    metrics_port: int | None = None

    log_level: str = "INFO"
    log_format: Literal["text", "json"] = "json"
    # Predictions allowed per caller (API key or user) per minute, on the gateway's /predict and
    # on prediction servers; None: unlimited (service credentials are never limited).
    predict_rate_per_minute: int | None = None
    # Largest dataset upload accepted, in bytes.
    max_upload_bytes: int = 512 * 1024 * 1024
    # Largest JSON request body accepted (gateway routes, prediction server REST), in bytes;
    # counted as it arrives, so a larger one is refused before it is read whole.
    max_body_bytes: int = 16 * 1024 * 1024

    @field_validator("data_dir")
    @classmethod
    def _absolute(cls, v: Path) -> Path:
        return v.expanduser().resolve()

    @model_validator(mode="after")
    def _refuse_defaults_outside_local(self) -> PlatformSettings:
        if self.env != "local":
            missing = [
                name
                for name in ("database_url", "broker_url", "artifact_url", "bundle_signing_key")
                if getattr(self, name) in (None, "")
            ]
            if missing:
                names = ", ".join(f"SKYULF_{m.upper()}" for m in missing)
                raise ValueError(f"SKYULF_ENV={self.env} requires {names} to be set")
            assert self.bundle_signing_key is not None
            if len(self.bundle_signing_key.get_secret_value().encode()) < MIN_SIGNING_KEY_BYTES:
                raise ValueError(
                    f"SKYULF_BUNDLE_SIGNING_KEY must be at least {MIN_SIGNING_KEY_BYTES} bytes "
                    f"when SKYULF_ENV={self.env} (generate one with: openssl rand -hex 32)"
                )
        return self

    # Resolved values: embedded defaults under data_dir for local use.
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / (self.service_name + '.db')}"

    def resolved_broker_url(self) -> str:
        if self.broker_url:
            return self.broker_url
        return f"sqla+sqlite:///{self.data_dir / 'broker.db'}"

    def resolved_artifact_url(self) -> str:
        if self.artifact_url:
            return self.artifact_url
        return (self.data_dir / "artifacts").as_uri()

    def signing_key(self) -> bytes:
        """The HMAC key bundles are signed with; generated once per data dir in local mode."""
        if self.bundle_signing_key is not None and self.bundle_signing_key.get_secret_value():
            return self.bundle_signing_key.get_secret_value().encode()
        if self.env != "local":
            raise FailedPrecondition("SKYULF_BUNDLE_SIGNING_KEY is required outside local mode")
        return write_secret_file(self.data_dir / "signing.key", secrets.token_hex(32)).encode()

    def service_credentials_key(self) -> bytes:
        """The key internal gRPC calls are signed with: derived from the signing key (one secret
        to provision), under its own label so a service token is never a valid bundle HMAC."""
        return hmac.new(
            self.signing_key(), b"skyulf service credentials v1", hashlib.sha256
        ).digest()

    def port(self) -> int:
        if self.grpc_port is not None:
            return self.grpc_port
        return DEFAULT_PORTS.get(self.service_name, 0)
