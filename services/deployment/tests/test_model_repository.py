"""The prediction server's model cache: bounded, preloading, readiness after warm-up."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from skyulf_deployment.predictor.control import Warmup
from skyulf_deployment.predictor.model_repository import ModelRef, ModelRepository, Route
from skyulf_errors import DataLoss, NotFound
from skyulf_platform.projects import DEFAULT_PROJECT, acting_in, current_project


def _ref(name: str, version: int) -> ModelRef:
    return ModelRef(name, "churn", version, f"file:///bundles/{version}", "ab" * 32)


class Endpoints:
    """Endpoint name -> version served; a version in ``corrupt`` fails to load."""

    def __init__(self, **served: int) -> None:
        self.served = served
        self.corrupt: set[int] = set()
        # Endpoint name -> its project (the default project when absent).
        self.projects: dict[str, str] = {}

    async def resolve(self, name: str) -> Route:
        if name not in self.served or self.projects.get(name, DEFAULT_PROJECT) != current_project():
            raise NotFound(f"model {name!r} is not deployed")
        return Route(_ref(name, self.served[name]))

    async def version(self, model_name: str, version: int) -> ModelRef:
        return _ref("", version)

    async def active_names(self) -> list[tuple[str, str]]:
        return [(self.projects.get(n, DEFAULT_PROJECT), n) for n in self.served]

    def load(self, ref: ModelRef) -> Any:
        if ref.version in self.corrupt:
            raise DataLoss(f"bundle of version {ref.version} does not match its checksum")
        return object()


async def test_the_cache_keeps_served_models_and_at_most_max_models() -> None:
    endpoints = Endpoints(a=1, b=2)
    repo = ModelRepository(endpoints, endpoints.load, max_models=2)
    await repo.get("a")
    await repo.get("b")
    for version in (3, 4, 5):
        await repo.preload("churn", version)
    assert len(repo._models) == 2
    # The models the endpoints serve stay; preloaded ones nobody serves make room.
    assert {("default", "churn", 1), ("default", "churn", 2)} <= set(repo._models)


async def test_a_version_failing_to_load_keeps_the_old_one_and_says_why() -> None:
    endpoints = Endpoints(a=1)
    repo = ModelRepository(endpoints, endpoints.load, ttl_seconds=0.0)
    assert (await repo.get("a")).ref.version == 1
    endpoints.served["a"] = 2
    endpoints.corrupt.add(2)
    for _ in range(3):
        assert (await repo.get("a")).ref.version == 1
        await asyncio.sleep(0.01)  # the new route loads in the background, and fails
    assert "checksum" in repo.errors["a"]
    endpoints.corrupt.clear()
    await repo.get("a")
    await asyncio.sleep(0.01)
    assert (await repo.get("a")).ref.version == 2
    assert "a" not in repo.errors


async def test_preload_raises_what_failed() -> None:
    endpoints = Endpoints()
    endpoints.corrupt.add(7)
    repo = ModelRepository(endpoints, endpoints.load)
    with pytest.raises(DataLoss, match="version 7"):
        await repo.preload("churn", 7)


async def test_ready_only_once_the_active_endpoints_are_loaded() -> None:
    endpoints = Endpoints(a=1, b=2)
    repo = ModelRepository(endpoints, endpoints.load)
    warmup = Warmup(repo)
    with pytest.raises(RuntimeError, match="still loading"):
        await warmup.check()
    warmup.start()
    await asyncio.wait_for(warmup.done.wait(), 5)
    await warmup.check()
    assert repo.loads == 2


async def test_warm_up_loads_every_projects_endpoints_each_in_its_project() -> None:
    endpoints = Endpoints(a=1, b=2)
    endpoints.projects["b"] = "team-b"
    repo = ModelRepository(endpoints, endpoints.load)
    assert await repo.warm() == []
    assert repo.loads == 2
    with acting_in("team-b"):
        assert (await repo.get("b")).ref.version == 2
        # Warmed in the default project, "a" is still not team-b's.
        with pytest.raises(NotFound, match="'a'"):
            await repo.get("a")
    with pytest.raises(NotFound, match="'b'"):
        await repo.get("b")
