"""Session-scoped pytest fixtures for real PostgreSQL, Redis and S3.

Enable with ``pytest_plugins = ["skyulf_platform.testing.pytest_plugin"]`` in the
root ``conftest.py``.

``postgres_url``  SQLAlchemy URL (``postgresql+psycopg://...``) of a fresh database.
``fresh_postgres_url``  the same, but one database per test.
``redis_url``     Redis URL on a database number no other test process uses.
``s3_server``     a running S3 server (:class:`SeaweedS3` or :class:`MinioS3`) with
                  ``endpoint_url``, ``access_key``, ``secret_key``, ``region``,
                  ``bucket`` and ``client()``.

When a service cannot be reached the test is skipped with a hint on how to start
it, except when the environment variable ``CI`` is ``true``: then it fails.
Tests that use any of these fixtures get the ``realservices`` marker.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Callable, Iterator
from typing import Any, NoReturn

import pytest

from skyulf_platform.grpc.auth import ServiceCredentials, install
from skyulf_platform.testing.containers import (
    MinioS3,
    postgres_service,
    redis_service,
    s3_service,
)
from skyulf_platform.testing.databases import ServiceUnavailable
from skyulf_platform.testing.seaweed import SeaweedS3

__all__ = ["fresh_postgres_url", "postgres_url", "redis_url", "s3_server"]

SERVICE_FIXTURES = frozenset({"postgres_url", "fresh_postgres_url", "redis_url", "s3_server"})


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() == "true"


def unavailable(service: str, exc: ServiceUnavailable) -> NoReturn:
    """Skip the test for a missing service, or fail it under CI=true (CI must not skip)."""
    if _in_ci():
        pytest.fail(f"{service} is required in CI (CI=true) but unavailable: {exc}", pytrace=False)
    pytest.skip(f"{service} unavailable: {exc}")


def _provide(
    service: str, factory: Callable[[], contextlib.AbstractContextManager[Any]]
) -> tuple[contextlib.ExitStack, Any]:
    stack = contextlib.ExitStack()
    try:
        value = stack.enter_context(factory())
    except ServiceUnavailable as exc:
        problem = exc
    else:
        return stack, value
    stack.close()
    unavailable(service, problem)  # outside the except block: no chained traceback


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """SQLAlchemy URL of a fresh PostgreSQL database, dropped at the end of the session."""
    stack, url = _provide("PostgreSQL", postgres_service)
    with stack:
        yield url


@pytest.fixture
def fresh_postgres_url() -> Iterator[str]:
    """A PostgreSQL database of this test's own, dropped when the test ends."""
    stack, url = _provide("PostgreSQL", postgres_service)
    with stack:
        yield url


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """Redis URL on a database number held by this session alone, flushed before and after."""
    stack, url = _provide("Redis", redis_service)
    with stack:
        yield url


@pytest.fixture(scope="session")
def s3_server() -> Iterator[SeaweedS3 | MinioS3]:
    """A running S3 server with an empty bucket ``s3_server.bucket``."""
    stack, server = _provide("S3 (SeaweedFS or MinIO)", s3_service)
    with stack:
        yield server


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "realservices: tests that need PostgreSQL, Redis and an S3 server"
    )
    # In-process servers and channels in tests speak as one test process with a fresh key, as a
    # composition root would install them; a test that wants a call without credentials makes
    # it on a raw grpc channel, and one against a stack of processes uses that stack's key
    # (Stack.install_credentials()).
    install(ServiceCredentials(secrets.token_bytes(32), "tests"))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if SERVICE_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.realservices)
