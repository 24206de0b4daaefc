from __future__ import annotations

import asyncio
import json

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from skyulf.advisor.v1 import advisor_pb2, advisor_pb2_grpc
from skyulf_advisor.__main__ import SERVICE_NAME
from skyulf_platform.grpc.client import aio_channel
from skyulf_platform.grpc.server import RunningServer

Stub = advisor_pb2_grpc.AdvisorServiceStub


def _by_type(response: advisor_pb2.GetRecommendationsResponse) -> dict[str, set[str]]:
    """Suggested node type -> the columns its recommendations are about."""
    found: dict[str, set[str]] = {}
    for r in response.recommendations:
        if r.HasField("node"):
            found.setdefault(r.node.type, set()).update(r.columns)
    return found


async def test_churn_gets_imputation_and_one_hot_suggestions(stub: Stub, churn_id: str) -> None:
    response = await stub.GetRecommendations(
        advisor_pb2.GetRecommendationsRequest(dataset_id=churn_id, target="churned")
    )

    assert response.dataset_id == churn_id
    by_type = _by_type(response)
    imputed = set().union(*(cols for t, cols in by_type.items() if "Imput" in t))
    one_hot = set().union(*(cols for t, cols in by_type.items() if "OneHot" in t))
    assert {"income", "age"} <= imputed, by_type
    assert {"city", "plan_type"} <= one_hot, by_type
    assert "churned" not in imputed | one_hot
    for r in response.recommendations:
        assert r.id and r.rule and r.message
        if r.HasField("node"):
            assert isinstance(json.loads(r.node.params_json), dict)


async def test_recommendations_without_a_target(stub: Stub, churn_id: str) -> None:
    response = await stub.GetRecommendations(
        advisor_pb2.GetRecommendationsRequest(dataset_id=churn_id)
    )
    assert response.recommendations


async def test_unknown_target_is_not_found_naming_it(stub: Stub, churn_id: str) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as info:
        await stub.GetRecommendations(
            advisor_pb2.GetRecommendationsRequest(dataset_id=churn_id, target="no_such_column")
        )
    assert info.value.code() == grpc.StatusCode.NOT_FOUND
    assert "no_such_column" in (info.value.details() or "")


async def test_unknown_dataset_propagates_ingestions_not_found(stub: Stub) -> None:
    missing = "11111111-2222-4333-8444-555555555555"
    with pytest.raises(grpc.aio.AioRpcError) as info:
        await stub.GetRecommendations(advisor_pb2.GetRecommendationsRequest(dataset_id=missing))
    assert info.value.code() == grpc.StatusCode.NOT_FOUND
    assert info.value.details() == f"dataset {missing!r} not found"


async def test_dataset_not_ready_is_failed_precondition(stub: Stub, pending_id: str) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as info:
        await stub.GetRecommendations(advisor_pb2.GetRecommendationsRequest(dataset_id=pending_id))
    assert info.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert "is not ready (status PENDING)" in (info.value.details() or "")


async def test_ingestion_down_is_unavailable_naming_it(lonely_stub: Stub, churn_id: str) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as info:
        await lonely_stub.GetRecommendations(
            advisor_pb2.GetRecommendationsRequest(dataset_id=churn_id)
        )
    assert info.value.code() == grpc.StatusCode.UNAVAILABLE
    assert info.value.details() == "ingestion is not reachable"


async def _status(server: RunningServer, want: int) -> int:
    channel = aio_channel(f"127.0.0.1:{server.port}")
    try:
        health = health_pb2_grpc.HealthStub(channel)
        request = health_pb2.HealthCheckRequest(service=SERVICE_NAME)
        status = (await health.Check(request)).status
        for _ in range(50):
            if status == want:
                break
            await asyncio.sleep(0.05)
            status = (await health.Check(request)).status
        return status
    finally:
        await channel.close()


async def test_health_follows_ingestion(advisor: RunningServer) -> None:
    serving = health_pb2.HealthCheckResponse.SERVING
    assert await _status(advisor, serving) == serving


async def test_health_is_not_serving_without_ingestion(lonely_advisor: RunningServer) -> None:
    # Several check rounds (every 0.2 s): the failing peer check keeps it NOT_SERVING.
    await asyncio.sleep(0.6)
    not_serving = health_pb2.HealthCheckResponse.NOT_SERVING
    assert await _status(lonely_advisor, not_serving) == not_serving
