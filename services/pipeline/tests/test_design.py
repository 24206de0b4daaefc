"""ListNodes, ValidatePipeline and PreviewPipeline over real gRPC."""

from __future__ import annotations

import json
from typing import Any

import grpc
import pytest

from skyulf.common.v1 import common_pb2
from skyulf.ingestion.v1 import ingestion_pb2
from skyulf.pipeline.v1 import pipeline_pb2
from skyulf_platform.errors import from_rpc_error as error_of


async def test_list_nodes_has_the_slice_nodes_with_param_schemas(harness: Any) -> None:
    resp = await harness.stub.ListNodes(pipeline_pb2.ListNodesRequest())
    nodes = {n.id: n for n in resp.nodes}
    for node_id in (
        "SimpleImputer",
        "OneHotEncoder",
        "StandardScaler",
        "TrainTestSplitter",
        "logistic_regression",
    ):
        assert node_id in nodes, node_id
        schema = json.loads(nodes[node_id].params_schema_json)
        assert schema["type"] == "object"
    assert "strategy" in json.loads(nodes["SimpleImputer"].params_schema_json)["properties"]
    assert nodes["logistic_regression"].group == "model"
    assert nodes["TrainTestSplitter"].group == "splitting"
    assert len(resp.nodes) == len(nodes), "a node id is listed twice"


async def test_valid_slice_graph_against_the_dataset(
    harness: Any, slice_graph: dict[str, Any]
) -> None:
    resp = await harness.stub.ValidatePipeline(
        pipeline_pb2.ValidatePipelineRequest(
            graph=harness.graph_proto(slice_graph), dataset_id=harness.trainable_id
        )
    )
    assert resp.valid, [e.message for e in resp.errors]
    assert list(resp.errors) == []


async def test_a_text_column_reaching_the_model_is_reported(
    harness: Any, slice_graph: dict[str, Any]
) -> None:
    # The full churn dataset keeps signup_date, a text column the graph never encodes or drops:
    # the types flow with the columns, so validation names it before any job fails on it.
    resp = await harness.stub.ValidatePipeline(
        pipeline_pb2.ValidatePipelineRequest(
            graph=harness.graph_proto(slice_graph), dataset_id=harness.churn_id
        )
    )
    assert not resp.valid
    assert [(e.node_id, e.column) for e in resp.errors] == [("model", "signup_date")]
    assert "reaches model 'model'" in resp.errors[0].message


async def test_scaler_before_the_split_is_reported_as_leakage(harness: Any) -> None:
    graph = {
        "nodes": [
            {"id": "scale", "type": "StandardScaler", "params": {"columns": ["age"]}},
            {"id": "split", "type": "TrainTestSplitter", "params": {"target_column": "churned"}},
            {"id": "model", "type": "logistic_regression", "params": {}},
        ],
        "edges": [
            {"source": "scale", "target": "split"},
            {"source": "split", "target": "model"},
        ],
    }
    resp = await harness.stub.ValidatePipeline(
        pipeline_pb2.ValidatePipelineRequest(graph=harness.graph_proto(graph))
    )
    assert not resp.valid
    leak = [e for e in resp.errors if e.node_id == "scale"]
    assert leak, [e.message for e in resp.errors]
    assert "scale" in leak[0].message and "TrainTestSplitter" in leak[0].message


async def test_unknown_column_is_reported_naming_it(
    harness: Any, slice_graph: dict[str, Any]
) -> None:
    graph = slice_graph
    graph["nodes"][1]["params"]["columns"] = ["age", "incme"]
    resp = await harness.stub.ValidatePipeline(
        pipeline_pb2.ValidatePipelineRequest(
            graph=harness.graph_proto(graph), dataset_id=harness.churn_id
        )
    )
    assert not resp.valid
    issue = resp.errors[0]
    assert (issue.node_id, issue.column) == ("impute", "incme")
    assert "incme" in issue.message


async def test_columns_are_not_checked_without_a_dataset(
    harness: Any, slice_graph: dict[str, Any]
) -> None:
    graph = slice_graph
    graph["nodes"][1]["params"]["columns"] = ["incme"]
    resp = await harness.stub.ValidatePipeline(
        pipeline_pb2.ValidatePipelineRequest(graph=harness.graph_proto(graph))
    )
    assert resp.valid, [e.message for e in resp.errors]


async def test_malformed_params_json_names_the_node_and_field(
    harness: Any, slice_graph: dict[str, Any]
) -> None:
    graph = harness.graph_proto(slice_graph)
    graph.nodes[2].params_json = '{"columns": ["city",'
    with pytest.raises(grpc.RpcError) as info:
        await harness.stub.ValidatePipeline(pipeline_pb2.ValidatePipelineRequest(graph=graph))
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "onehot" in info.value.details()
    assert error_of(info.value).details == {"node": "onehot", "field": "params"}


async def test_params_that_are_not_an_object_are_refused(
    harness: Any, slice_graph: dict[str, Any]
) -> None:
    graph = harness.graph_proto(slice_graph)
    graph.nodes[0].params_json = "[1, 2]"
    with pytest.raises(grpc.RpcError) as info:
        await harness.stub.ValidatePipeline(pipeline_pb2.ValidatePipelineRequest(graph=graph))
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "split" in info.value.details()


async def test_validate_against_unknown_dataset_is_not_found(
    harness: Any, slice_graph: dict[str, Any]
) -> None:
    missing = "00000000-0000-4000-8000-000000000000"
    with pytest.raises(grpc.RpcError) as info:
        await harness.stub.ValidatePipeline(
            pipeline_pb2.ValidatePipelineRequest(
                graph=harness.graph_proto(slice_graph), dataset_id=missing
            )
        )
    assert info.value.code() == grpc.StatusCode.NOT_FOUND
    assert missing in info.value.details()


async def test_preview_shows_each_node_output(harness: Any, slice_graph: dict[str, Any]) -> None:
    resp = await harness.stub.PreviewPipeline(
        pipeline_pb2.PreviewPipelineRequest(
            dataset_id=harness.churn_id, graph=harness.graph_proto(slice_graph), rows=5
        )
    )
    by_node = {p.node_id: p for p in resp.nodes}
    assert {"impute", "onehot", "scale"} <= set(by_node)
    onehot = by_node["onehot"]
    names = [c.name for c in onehot.columns]
    assert "city" not in names and any(n.startswith("city") for n in names)
    rows = json.loads(onehot.rows_json)
    assert 0 < len(rows) <= 5
    assert set(rows[0]) == set(names)
    impute_rows = json.loads(by_node["impute"].rows_json)
    assert all(r["age"] is not None for r in impute_rows)


async def test_preview_of_an_invalid_graph_lists_the_issues(
    harness: Any, slice_graph: dict[str, Any]
) -> None:
    graph = slice_graph
    graph["nodes"][1]["params"]["columns"] = ["no_such_column"]
    with pytest.raises(grpc.RpcError) as info:
        await harness.stub.PreviewPipeline(
            pipeline_pb2.PreviewPipelineRequest(
                dataset_id=harness.churn_id, graph=harness.graph_proto(graph), rows=5
            )
        )
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "impute" in info.value.details() and "no_such_column" in info.value.details()
    issues = error_of(info.value).details["issues"]
    assert issues[0]["column"] == "no_such_column"


async def test_preview_needs_a_ready_dataset(
    harness: Any, slice_graph: dict[str, Any], churn
) -> None:
    pending = harness.ingestion.add(churn, status=ingestion_pb2.DATASET_STATUS_PENDING)
    with pytest.raises(grpc.RpcError) as info:
        await harness.stub.PreviewPipeline(
            pipeline_pb2.PreviewPipelineRequest(
                dataset_id=pending, graph=harness.graph_proto(slice_graph), rows=5
            )
        )
    assert info.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert pending in info.value.details() and "PENDING" in info.value.details()


async def test_empty_graph_node_id_is_refused(harness: Any) -> None:
    graph = common_pb2.PipelineGraph(nodes=[common_pb2.GraphNode(id="", type="SimpleImputer")])
    with pytest.raises(grpc.RpcError) as info:
        await harness.stub.ValidatePipeline(pipeline_pb2.ValidatePipelineRequest(graph=graph))
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT


async def test_preview_error_found_only_on_the_data_names_the_node(
    harness: Any, slice_graph: dict[str, Any]
) -> None:
    # After one-hot encoding the column set is only known from the data, so this is caught
    # when the scaler runs rather than by the static checks.
    slice_graph["nodes"][3]["params"]["columns"] = ["no_such_column"]
    with pytest.raises(grpc.RpcError) as info:
        await harness.stub.PreviewPipeline(
            pipeline_pb2.PreviewPipelineRequest(
                dataset_id=harness.churn_id, graph=harness.graph_proto(slice_graph), rows=5
            )
        )
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "'scale'" in info.value.details() and "no_such_column" in info.value.details()
    assert error_of(info.value).details["node"] == "scale"
