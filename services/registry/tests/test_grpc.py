"""RegistryService over a real channel: status codes, messages and health."""

from __future__ import annotations

import asyncio
import json

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from skyulf.registry.v1 import registry_pb2 as pb
from skyulf.registry.v1 import registry_pb2_grpc
from skyulf_platform.grpc.client import aio_channel
from skyulf_platform.grpc.server import RunningServer

Stub = registry_pb2_grpc.RegistryServiceStub


def _request(name: str = "churn", job_id: str = "") -> pb.CreateModelVersionRequest:
    return pb.CreateModelVersionRequest(
        name=name,
        task="classification",
        model_type="random_forest",
        bundle_uri="file:///tmp/bundles/b1",
        bundle_checksum="cd" * 32,
        metrics={"f1": 0.7},
        signature_json=json.dumps({"inputs": [{"name": "age", "dtype": "Int64"}]}),
        lineage=pb.Lineage(dataset_id="d1", job_id=job_id, pipeline_json='{"nodes": []}'),
    )


async def test_create_get_and_list(stub: Stub) -> None:
    created = (await stub.CreateModelVersion(_request(job_id="j1"))).model_version
    assert (created.name, created.version) == ("churn", 1)
    assert created.lineage.job_id == "j1"
    again = (await stub.CreateModelVersion(_request(job_id="j1"))).model_version
    assert again.version == 1
    await stub.CreateModelVersion(_request())
    latest = (await stub.GetModelVersion(pb.GetModelVersionRequest(name="churn"))).model_version
    assert latest.version == 2
    assert json.loads(latest.signature_json) == {"inputs": [{"name": "age", "dtype": "Int64"}]}
    assert latest.metrics["f1"] == pytest.approx(0.7)
    assert latest.created_at.seconds > 0
    models = await stub.ListModels(pb.ListModelsRequest())
    assert models.total == 1 and models.models[0].latest_version == 2
    versions = await stub.ListModelVersions(pb.ListModelVersionsRequest(name="churn"))
    assert [v.version for v in versions.versions] == [1, 2]


async def test_unknown_version_is_not_found(stub: Stub) -> None:
    await stub.CreateModelVersion(_request())
    with pytest.raises(grpc.aio.AioRpcError) as exc:
        await stub.GetModelVersion(pb.GetModelVersionRequest(name="churn", version=9))
    assert exc.value.code() == grpc.StatusCode.NOT_FOUND
    assert "'churn' has no version 9" in (exc.value.details() or "")


async def test_bad_name_and_bad_json_are_invalid_arguments(stub: Stub) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as exc:
        await stub.CreateModelVersion(_request(name="no spaces please"))
    assert exc.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "name 'no spaces please'" in (exc.value.details() or "")
    bad = _request()
    bad.signature_json = "{not json"
    with pytest.raises(grpc.aio.AioRpcError) as exc:
        await stub.CreateModelVersion(bad)
    assert exc.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "signature_json" in (exc.value.details() or "")


async def test_concurrent_calls_over_grpc_get_distinct_versions(stub: Stub) -> None:
    replies = await asyncio.gather(*(stub.CreateModelVersion(_request()) for _ in range(6)))
    assert sorted(r.model_version.version for r in replies) == [1, 2, 3, 4, 5, 6]


async def test_health_reports_serving(server: RunningServer) -> None:
    channel = aio_channel(f"127.0.0.1:{server.port}")
    health = health_pb2_grpc.HealthStub(channel)
    for _ in range(50):
        reply = await health.Check(
            health_pb2.HealthCheckRequest(service="skyulf.registry.v1.RegistryService")
        )
        if reply.status == health_pb2.HealthCheckResponse.SERVING:
            break
        await asyncio.sleep(0.05)
    assert reply.status == health_pb2.HealthCheckResponse.SERVING
    await channel.close()
