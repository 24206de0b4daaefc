"""Unavailable services skip locally and fail in CI; the Docker probe is quick and honest."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import pytest

from skyulf_platform.testing import containers
from skyulf_platform.testing.databases import ServiceUnavailable, redis_database
from skyulf_platform.testing.pytest_plugin import unavailable


def test_unavailable_skips_outside_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="start it like so"):
        unavailable("Redis", ServiceUnavailable("down", "start it like so"))


def test_unavailable_fails_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="required in CI"):
        unavailable("Redis", ServiceUnavailable("down", "start it like so"))


def test_unreachable_redis_raises_service_unavailable() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    started = time.monotonic()
    with (
        pytest.raises(ServiceUnavailable, match="redis-server"),
        redis_database(f"redis://127.0.0.1:{port}"),
    ):
        pass
    assert time.monotonic() - started < 5


def test_docker_probe_without_engine(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path / 'missing.sock'}")
    assert containers.docker_available.__wrapped__(timeout=0.5) is False


def test_docker_probe_with_answering_engine(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = tmp_path / "docker.sock"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(path))
    server.listen(1)

    def answer() -> None:
        conn, _ = server.accept()
        with conn:
            conn.recv(1024)
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK")

    thread = threading.Thread(target=answer, daemon=True)
    thread.start()
    monkeypatch.setenv("DOCKER_HOST", f"unix://{path}")
    try:
        assert containers.docker_available.__wrapped__(timeout=2) is True
    finally:
        thread.join(timeout=2)
        server.close()


def test_containers_can_be_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(containers.CONTAINERS_ENV, "never")
    assert containers.use_containers() is False
