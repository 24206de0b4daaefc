"""Per-version counters, adaptive batching and input logging of the prediction server, over
real gRPC and REST (registry, deployment service and prediction server in-process)."""

from __future__ import annotations

import asyncio
import io
from typing import Any

import grpc
import httpx
import pandas as pd
import pytest

from skyulf.deployment.v1 import deployment_pb2 as dpb
from skyulf.deployment.v1 import deployment_pb2_grpc
from skyulf_core.bundle import FittedPipeline
from skyulf_deployment.peers import PredictorClient
from skyulf_deployment.predictor.server import start_predictor
from skyulf_platform.grpc.auth import outgoing_metadata
from skyulf_platform.grpc.client import aio_channel
from skyulf_platform.inference.codec import infer_request_to_json, rows_to_infer_request
from skyulf_platform.stack import free_port

Rows = list[dict[str, Any]]


async def _deploy(stack: Any, fitted: FittedPipeline, versions: int = 1) -> dpb.Deployment:
    for _ in range(versions):
        await stack.register("churn", stack.write(fitted.to_files()))
    created = await stack.deployments.CreateDeployment(
        dpb.CreateDeploymentRequest(model_name="churn", model_version=1)
    )
    return created.deployment


async def _stats(stack: Any) -> dpb.GetEndpointStatsResponse:
    channel = aio_channel(stack.grpc_addr)
    try:
        stub = deployment_pb2_grpc.PredictorServiceStub(channel)
        return await stub.GetEndpointStats(dpb.GetEndpointStatsRequest(name="churn"))
    finally:
        await channel.close()


async def test_a_canary_counts_requests_errors_and_latency_per_version(
    stack: Any, fitted: FittedPipeline, rows: Rows
) -> None:
    deployment = await _deploy(stack, fitted, versions=2)
    await stack.deployments.UpdateDeployment(
        dpb.UpdateDeploymentRequest(
            deployment_id=deployment.id, canary_version=2, canary_percent=50
        )
    )
    await asyncio.sleep(0.4)  # past the prediction server's TTL
    good = infer_request_to_json(rows_to_infer_request(rows[:2]))
    bad = infer_request_to_json(rows_to_infer_request([{"age": 30.0, "city": "Oslo"}]))
    answered: dict[str, int] = {}
    async with httpx.AsyncClient(
        base_url=stack.rest_url, headers=dict(outgoing_metadata())
    ) as client:
        for _ in range(60):
            reply = await client.post("/v2/models/churn/infer", json=good)
            v = reply.json()["model_version"]
            answered[v] = answered.get(v, 0) + 1
        for version in ("1", "2"):
            reply = await client.post(f"/v2/models/churn/versions/{version}/infer", json=bad)
            assert reply.status_code == 400 and "income" in reply.text
    stats = {v.version: v for v in (await _stats(stack)).versions}
    assert set(stats) == {1, 2}
    for version in (1, 2):
        s = stats[version]
        assert s.requests == answered[str(version)] + 1
        assert s.errors == 1
        assert s.rows == 2 * answered[str(version)]
        assert 0 < s.latency_p50_ms <= s.latency_p95_ms
        assert s.latency_mean_ms > 0


async def test_counters_are_summed_over_every_prediction_server(
    stack: Any, fitted: FittedPipeline, rows: Rows
) -> None:
    """Two real prediction servers answer one endpoint; the deployment service sums their
    counters, and leaves out (and names) a server that stopped answering."""
    deployment = await _deploy(stack, fitted)
    second = await start_predictor(
        stack.predictor_settings.model_copy(update={"grpc_port": free_port(), "http_port": 0})
    )
    try:
        loader = stack.deployment_service.loader
        assert isinstance(loader, PredictorClient)
        addresses = [f"127.0.0.1:{p.grpc_port}" for p in (stack.predictor, second)]
        loader.peers = ",".join(addresses)
        good = infer_request_to_json(rows_to_infer_request(rows[:3]))
        headers = dict(outgoing_metadata())
        async with httpx.AsyncClient(headers=headers) as client:
            for port, calls in ((stack.predictor.http_port, 5), (second.http_port, 7)):
                for _ in range(calls):
                    reply = await client.post(
                        f"http://127.0.0.1:{port}/v2/models/churn/infer", json=good
                    )
                    assert reply.status_code == 200, reply.text
        both = await stack.deployments.GetDeploymentStats(
            dpb.GetDeploymentStatsRequest(deployment_id=deployment.id)
        )
        assert both.deployment.id == deployment.id
        assert len(both.servers) == 2 and not both.unreachable
        [v1] = both.versions
        assert (v1.version, v1.requests, v1.errors, v1.rows) == (1, 12, 0, 36)
        assert 0 < v1.latency_p50_ms <= v1.latency_p95_ms
    finally:
        await second.stop(0)
    one = await stack.deployments.GetDeploymentStats(
        dpb.GetDeploymentStatsRequest(deployment_id=deployment.id)
    )
    assert list(one.unreachable) == [addresses[1]]
    assert [v.requests for v in one.versions] == [5]


async def test_adaptive_batching_answers_each_call_with_its_own_rows(
    stack: Any, fitted: FittedPipeline, rows: Rows
) -> None:
    deployment = await _deploy(stack, fitted)
    moved = await stack.deployments.UpdateDeployment(
        dpb.UpdateDeploymentRequest(
            deployment_id=deployment.id, batch_max_size=16, batch_max_wait_ms=20, settings_only=True
        )
    )
    assert (moved.deployment.batch_max_size, moved.deployment.batch_max_wait_ms) == (16, 20)
    assert moved.deployment.model_version == 1  # settings only: the target stays
    await asyncio.sleep(0.4)
    expected = fitted.predict_rows(rows)
    async with httpx.AsyncClient(
        base_url=stack.rest_url, headers=dict(outgoing_metadata())
    ) as client:

        async def one(i: int) -> Any:
            body = infer_request_to_json(rows_to_infer_request([rows[i % len(rows)]]))
            return i, (await client.post("/v2/models/churn/infer", json=body)).json()

        answers = await asyncio.gather(*(one(i) for i in range(40)))
        bad = infer_request_to_json(rows_to_infer_request([{"age": 1.0, "city": "x"}]))
        good = infer_request_to_json(rows_to_infer_request(rows[:1]))
        mixed = await asyncio.gather(
            client.post("/v2/models/churn/infer", json=bad),
            client.post("/v2/models/churn/infer", json=good),
        )
    for i, answer in answers:
        [out] = [o for o in answer["outputs"] if o["name"] == "predict"]
        assert out["data"] == [expected.predictions[i % len(rows)]]
    # The faulty call alone fails; the one batched with it is answered.
    assert mixed[0].status_code == 400 and mixed[1].status_code == 200
    batchers = stack.predictor.dataplane._batchers
    assert batchers[("churn", 1)].batches < 40  # calls were predicted together


async def test_bad_serving_settings_name_the_field(stack: Any, fitted: FittedPipeline) -> None:
    deployment = await _deploy(stack, fitted)
    for field, value in (
        ("log_sample_rate", 1.5),
        ("batch_max_size", -1),
        ("batch_max_wait_ms", 5000),
    ):
        with pytest.raises(grpc.aio.AioRpcError) as err:
            await stack.deployments.UpdateDeployment(
                dpb.UpdateDeploymentRequest(
                    deployment_id=deployment.id, settings_only=True, **{field: value}
                )
            )
        assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert field in (err.value.details() or "")


async def test_sampled_inputs_are_written_to_the_store_by_day(
    stack: Any, fitted: FittedPipeline, rows: Rows
) -> None:
    deployment = await _deploy(stack, fitted)
    await stack.deployments.UpdateDeployment(
        dpb.UpdateDeploymentRequest(
            deployment_id=deployment.id, log_sample_rate=1.0, settings_only=True
        )
    )
    await asyncio.sleep(0.4)
    body = infer_request_to_json(rows_to_infer_request(rows[:3]))
    async with httpx.AsyncClient(
        base_url=stack.rest_url, headers=dict(outgoing_metadata())
    ) as client:
        for _ in range(5):
            assert (await client.post("/v2/models/churn/infer", json=body)).status_code == 200
    await stack.predictor.dataplane.inputs.flush()
    keys = stack.store.list("input-logs/churn/")
    assert keys and all(k.endswith(".parquet") for k in keys)
    assert len(keys[0].split("/")[2]) == 10  # the day, YYYY-MM-DD
    logged = pd.concat(pd.read_parquet(io.BytesIO(stack.store.get_bytes(k))) for k in keys)
    assert len(logged) == 15 and set(logged.columns) >= {"age", "income", "city"}
