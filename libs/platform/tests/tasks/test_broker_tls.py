"""rediss:// brokers: the certificate is verified, against a mounted CA bundle when given.

A real TLS terminator (a self-signed certificate for 127.0.0.1, made with openssl) in front of
the real Redis: the connection succeeds only when the CA bundle names that certificate.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import ssl
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from skyulf_platform.settings import PlatformSettings
from skyulf_platform.tasks.app import create_celery_app


def _pipe(a: socket.socket, b: socket.socket) -> None:
    try:
        while data := a.recv(65536):
            b.sendall(data)
    except OSError:
        pass
    finally:
        for s in (a, b):
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)


@pytest.fixture
def tls_redis(redis_url: str, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A rediss:// URL to a TLS proxy in front of the test Redis, and its certificate."""
    if shutil.which("openssl") is None:
        pytest.fail("openssl is needed to make the test certificate")
    cert, key = tmp_path / "server.pem", tmp_path / "server.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    upstream = urlsplit(redis_url)
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                raw, _ = listener.accept()
            except OSError:
                return
            try:
                client = context.wrap_socket(raw, server_side=True)
            except (ssl.SSLError, OSError):
                raw.close()  # the client refused our certificate
                continue
            backend = socket.create_connection((upstream.hostname, upstream.port or 6379))
            threading.Thread(target=_pipe, args=(client, backend), daemon=True).start()
            threading.Thread(target=_pipe, args=(backend, client), daemon=True).start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"rediss://127.0.0.1:{port}{upstream.path}", cert
    finally:
        stop.set()
        listener.close()


def _connects(settings: PlatformSettings) -> bool:
    app = create_celery_app(settings, include_tasks=False)
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=5)
            conn.default_channel.client.ping()
    except Exception:
        return False
    return True


def test_a_private_ca_bundle_is_trusted(tls_redis: tuple[str, Path]) -> None:
    url, cert = tls_redis
    assert _connects(PlatformSettings(broker_url=url, ca_bundle=cert))


def test_an_unknown_certificate_is_refused(tls_redis: tuple[str, Path]) -> None:
    url, _ = tls_redis
    assert not _connects(PlatformSettings(broker_url=url))


def test_rediss_always_requires_a_certificate(tls_redis: tuple[str, Path]) -> None:
    url, cert = tls_redis
    conf = create_celery_app(PlatformSettings(broker_url=url, ca_bundle=cert)).conf
    assert conf.broker_use_ssl["ssl_cert_reqs"] == ssl.CERT_REQUIRED
    assert conf.broker_use_ssl["ssl_ca_certs"] == str(cert)
