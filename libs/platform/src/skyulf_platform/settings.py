"""Settings shared by every Skyulf process, read from ``SKYULF_*`` environment variables.

Each service subclasses :class:`PlatformSettings` to set its name and default port. Nothing is
read at import time: call ``Settings()`` (or a service's ``get_settings()``) in a composition root.
"""

from __future__ import annotations

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
    # Largest dataset upload accepted, in bytes.
    max_upload_bytes: int = 512 * 1024 * 1024

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
        path = self.data_dir / "signing.key"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(secrets.token_hex(32))
            os.chmod(tmp, 0o600)
            # link() fails if another process won the race; then use theirs.
            try:
                os.link(tmp, path)
            except FileExistsError:
                pass
            finally:
                tmp.unlink(missing_ok=True)
        return path.read_text().strip().encode()

    def port(self) -> int:
        if self.grpc_port is not None:
            return self.grpc_port
        return DEFAULT_PORTS.get(self.service_name, 0)
