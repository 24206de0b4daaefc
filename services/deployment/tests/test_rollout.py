"""Moving an endpoint while it serves: updates, rollbacks, alias moves, canaries, corrupt bundles.

Registry, deployment service and prediction server run in-process over real gRPC and REST
(see conftest.stack); a steady stream of calls runs through every change.
"""

from __future__ import annotations

import asyncio
import math
from typing import Any

import grpc
import httpx
import pytest

from skyulf.deployment.v1 import deployment_pb2 as dpb
from skyulf.registry.v1 import registry_pb2 as rpb
from skyulf_core.bundle import MODEL_FILE, FittedPipeline
from skyulf_platform.grpc.auth import outgoing_metadata
from skyulf_platform.inference.codec import infer_request_to_json, rows_to_infer_request

Rows = list[dict[str, Any]]


async def _register(stack: Any, fitted: FittedPipeline, n: int, name: str = "churn") -> None:
    for _ in range(n):
        await stack.register(name, stack.write(fitted.to_files()))


class Stream:
    """Calls the endpoint back to back until stopped; counts answers per version and errors."""

    def __init__(self, stack: Any, rows: Rows, name: str = "churn") -> None:
        self.url = f"{stack.rest_url}/v2/models/{name}/infer"
        self.body = infer_request_to_json(rows_to_infer_request(rows))
        self.versions: list[str] = []
        self.errors: list[str] = []
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        async with httpx.AsyncClient(headers=dict(outgoing_metadata())) as client:
            while not self._stop.is_set():
                reply = await client.post(self.url, json=self.body)
                if reply.status_code == 200:
                    self.versions.append(reply.json()["model_version"])
                else:
                    self.errors.append(reply.text)

    async def __aenter__(self) -> Stream:
        self._task = asyncio.create_task(self._run())
        while not self.versions and not self.errors:
            await asyncio.sleep(0.01)
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._stop.set()
        assert self._task is not None
        await self._task

    async def until(self, version: str, timeout: float = 10.0) -> None:
        deadline = asyncio.get_running_loop().time() + timeout
        while not self.versions or self.versions[-1] != version:
            assert asyncio.get_running_loop().time() < deadline, self.versions[-5:]
            await asyncio.sleep(0.02)


async def test_update_and_rollback_under_a_steady_stream_get_zero_errors(
    stack: Any, fitted: FittedPipeline, rows: Rows
) -> None:
    await _register(stack, fitted, 2)
    created = await stack.deployments.CreateDeployment(
        dpb.CreateDeploymentRequest(model_name="churn", model_version=1)
    )
    dep_id = created.deployment.id
    async with Stream(stack, rows) as stream:
        moved = await stack.deployments.UpdateDeployment(
            dpb.UpdateDeploymentRequest(deployment_id=dep_id, model_version=2)
        )
        assert (moved.deployment.model_version, moved.deployment.previous_version) == (2, 1)
        await stream.until("2")
        back = await stack.deployments.RollbackDeployment(
            dpb.RollbackDeploymentRequest(deployment_id=dep_id)
        )
        assert (back.deployment.model_version, back.deployment.previous_version) == (1, 2)
        await stream.until("1")
    assert stream.errors == []
    assert {"1", "2"} <= set(stream.versions)


async def test_a_corrupt_bundle_never_takes_traffic(
    stack: Any, fitted: FittedPipeline, rows: Rows
) -> None:
    await _register(stack, fitted, 1)
    bundle = stack.write(fitted.to_files())
    path = stack.store.root / bundle.prefix / MODEL_FILE
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    await stack.register("churn", bundle)  # version 2, corrupt
    created = await stack.deployments.CreateDeployment(
        dpb.CreateDeploymentRequest(model_name="churn", model_version=1)
    )
    dep_id = created.deployment.id
    async with Stream(stack, rows) as stream:
        with pytest.raises(grpc.aio.AioRpcError) as exc:
            await stack.deployments.UpdateDeployment(
                dpb.UpdateDeploymentRequest(deployment_id=dep_id, model_version=2)
            )
        assert exc.value.code() == grpc.StatusCode.FAILED_PRECONDITION
        assert "version 2" in (exc.value.details() or "")
        await asyncio.sleep(0.8)  # several TTLs of the prediction server
    found = await stack.deployments.GetDeployment(dpb.GetDeploymentRequest(deployment_id=dep_id))
    assert found.deployment.model_version == 1
    assert "checksum" in found.deployment.last_error
    assert stream.errors == []
    assert set(stream.versions) == {"1"}


async def test_an_endpoint_follows_its_alias(
    stack: Any, fitted: FittedPipeline, rows: Rows
) -> None:
    await _register(stack, fitted, 2)
    await stack.registry.SetModelAlias(
        rpb.SetModelAliasRequest(name="churn", alias="champion", version=1)
    )
    created = await stack.deployments.CreateDeployment(
        dpb.CreateDeploymentRequest(model_name="churn", model_alias="champion")
    )
    assert (created.deployment.model_alias, created.deployment.model_version) == ("champion", 1)
    async with Stream(stack, rows) as stream:
        await stack.registry.SetModelAlias(
            rpb.SetModelAliasRequest(name="churn", alias="champion", version=2)
        )
        await stream.until("2")
    assert stream.errors == []


async def test_a_90_10_canary_splits_within_statistical_bounds(
    stack: Any, fitted: FittedPipeline, rows: Rows
) -> None:
    await _register(stack, fitted, 2)
    created = await stack.deployments.CreateDeployment(
        dpb.CreateDeploymentRequest(model_name="churn", model_version=1)
    )
    await stack.deployments.UpdateDeployment(
        dpb.UpdateDeploymentRequest(
            deployment_id=created.deployment.id, canary_version=2, canary_percent=10
        )
    )
    await asyncio.sleep(0.4)  # past the prediction server's TTL
    n = 600
    body = infer_request_to_json(rows_to_infer_request(rows[:1]))
    async with httpx.AsyncClient(
        base_url=stack.rest_url, headers=dict(outgoing_metadata())
    ) as client:
        versions = [
            (await client.post("/v2/models/churn/infer", json=body)).json()["model_version"]
            for _ in range(n)
        ]
    canary = versions.count("2")
    assert versions.count("1") + canary == n
    # Binomial(600, 0.1): mean 60, sd 7.3; 4.5 sd either side fails once in ~150,000 runs.
    sd = math.sqrt(n * 0.1 * 0.9)
    assert abs(canary - n * 0.1) < 4.5 * sd, canary
    counters = stack.predictor.models.served
    assert counters[("churn", 2)] >= canary and counters[("churn", 1)] >= n - canary
