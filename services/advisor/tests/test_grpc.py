from __future__ import annotations

import asyncio
import json

import grpc
import polars as pl
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from skyulf.advisor.v1 import advisor_pb2, advisor_pb2_grpc
from skyulf_advisor.__main__ import SERVICE_NAME
from skyulf_advisor.profiles import page_offsets
from skyulf_core.graph import train_pipeline
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


async def test_recommendations_carry_statistics_stages_and_alternatives(
    stub: Stub, churn_id: str
) -> None:
    response = await stub.GetRecommendations(
        advisor_pb2.GetRecommendationsRequest(dataset_id=churn_id, target="churned")
    )
    recs = {r.id: r for r in response.recommendations}
    assert recs["drop_id_columns"].HasField("statistic")
    assert recs["drop_id_columns"].stage == "before_split"
    assert recs["split"].stage == "split"
    assert recs["scale_numeric"].alternatives[0].type == "RobustScaler"
    assert recs["model"].stage == "model"


async def test_suggested_pipeline_trains_as_returned(
    stub: Stub, churn_id: str, churn_frame: pl.DataFrame
) -> None:
    response = await stub.SuggestPipeline(
        advisor_pb2.SuggestPipelineRequest(dataset_id=churn_id, target="churned")
    )
    graph = {
        "nodes": [
            {"id": n.id, "type": n.type, "params": json.loads(n.params_json)}
            for n in response.graph.nodes
        ],
        "edges": [{"source": e.source, "target": e.target} for e in response.graph.edges],
    }
    types = [n["type"] for n in graph["nodes"]]
    assert types.index("TrainTestSplitter") < types.index("SimpleImputer")
    assert types[-1] == response.model == "logistic_regression"
    assert response.task == "classification" and response.metric == "roc_auc"
    assert [r.id for r in response.recommendations] == [n["id"] for n in graph["nodes"]]
    result = train_pipeline(graph, churn_frame.to_pandas())
    assert result.metrics["test_roc_auc"] > 0.6


async def test_suggested_pipeline_with_an_unknown_model_names_the_field(
    stub: Stub, churn_id: str
) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as info:
        await stub.SuggestPipeline(
            advisor_pb2.SuggestPipelineRequest(
                dataset_id=churn_id, target="churned", model="no_such_model"
            )
        )
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "no_such_model" in (info.value.details() or "")


async def test_suggested_pipeline_needs_a_target(stub: Stub, churn_id: str) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as info:
        await stub.SuggestPipeline(advisor_pb2.SuggestPipelineRequest(dataset_id=churn_id))
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "target" in (info.value.details() or "")


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


def test_large_datasets_are_sampled_in_pages_spread_over_every_row() -> None:
    assert page_offsets(2500) == [0, 1000, 2000]
    offsets = page_offsets(1_000_000)
    assert len(offsets) == 5 and offsets[0] == 0 and offsets[-1] == 1_000_000 - 1000
