"""Concurrent registrations get distinct, consecutive versions, on SQLite and on PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from skyulf_platform.db.engine import make_engine
from skyulf_platform.db.migrations import upgrade
from skyulf_platform.db.uow import UnitOfWork
from skyulf_registry.__main__ import MIGRATIONS_DIR
from skyulf_registry.service import RegistryService

THREADS = 8


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'registry.db'}"
    url: str = request.getfixturevalue("fresh_postgres_url")
    return url


@pytest.fixture
def service(database_url: str) -> Iterator[RegistryService]:
    upgrade(MIGRATIONS_DIR, database_url, "registry")
    svc = RegistryService(UnitOfWork(make_engine(database_url)))
    yield svc
    svc.uow.engine.dispose()


def _at_once(n: int, fn: Callable[[int], Any]) -> list[Any]:
    barrier = threading.Barrier(n)
    results: list[Any] = [None] * n

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = fn(i)
        except Exception as e:
            results[i] = e

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def test_concurrent_registrations_get_distinct_versions(
    service: RegistryService, new_version: Any
) -> None:
    results = _at_once(THREADS, lambda i: service.create_model_version(new_version("churn")))
    errors = [r for r in results if isinstance(r, Exception)]
    assert not errors, errors
    assert sorted(r.version for r in results) == list(range(1, THREADS + 1))
    assert service.get_model_version("churn", 0).version == THREADS
    assert service.list_models().models[0].latest_version == THREADS


def test_concurrent_retries_of_one_job_register_it_once(
    service: RegistryService, new_version: Any
) -> None:
    new = new_version("churn", job_id="job-42")
    results = _at_once(THREADS, lambda i: service.create_model_version(new))
    errors = [r for r in results if isinstance(r, Exception)]
    assert not errors, errors
    assert {r.version for r in results} == {1}
    assert [v.version for v in service.list_model_versions("churn")] == [1]


def test_concurrent_alias_moves_are_atomic(service: RegistryService, new_version: Any) -> None:
    """Threads move `champion` between versions at once (and create it at once): every move
    succeeds, the alias ends on exactly one version, and the moves form one chain: each move's
    previous version is the version the move before it set."""
    for _ in range(THREADS):
        service.create_model_version(new_version("churn"))
    moves = _at_once(THREADS, lambda i: service.set_model_alias("churn", "champion", i + 1))
    errors = [m for m in moves if isinstance(m, Exception)]
    assert not errors, errors
    assert sorted(m.alias.version for m in moves) == list(range(1, THREADS + 1))
    # Exactly one move created the alias; the others each replaced a distinct earlier value.
    previous = [m.previous_version for m in moves]
    assert previous.count(0) == 1
    assert len(set(previous)) == THREADS
    final = service.get_model_version("churn", alias="champion")
    assert final.aliases == ["champion"]
    # The final version is the one no move replaced.
    assert {final.version} == set(range(1, THREADS + 1)) - set(previous)
    versions = service.list_model_versions("churn")
    assert sum("champion" in v.aliases for v in versions) == 1
