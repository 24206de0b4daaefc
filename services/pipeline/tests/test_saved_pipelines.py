"""Saved pipelines over real gRPC: create, save versions, list, restore, delete, and the
drafts a save keeps (unfinished graphs) or refuses (graphs that are not graphs)."""

from __future__ import annotations

import json
from typing import Any

import grpc
import pytest

from skyulf.common.v1 import common_pb2
from skyulf.pipeline.v1 import pipeline_pb2
from skyulf_platform.errors import from_rpc_error

MISSING = "00000000-0000-4000-8000-000000000000"
LAYOUT = {"split": {"x": 0.0, "y": 10.5}, "model": {"x": 300, "y": 10.5, "width": 180}}


async def _create(harness: Any, graph: dict[str, Any], **kw: Any) -> pipeline_pb2.SavedPipeline:
    resp = await harness.stub.CreatePipeline(
        pipeline_pb2.CreatePipelineRequest(
            name=kw.pop("name", "churn"),
            graph=harness.graph_proto(graph),
            layout_json=json.dumps(kw.pop("layout", LAYOUT)),
            **kw,
        )
    )
    return resp.pipeline


async def _error(call: Any) -> Any:
    with pytest.raises(grpc.aio.AioRpcError) as info:
        await call
    return from_rpc_error(info.value)


def _nodes(p: Any) -> list[str]:
    return [n.id for n in p.graph.nodes]


async def test_saves_are_versions_and_restore_makes_a_new_one(
    harness: Any, slice_graph: dict[str, Any]
) -> None:
    created = await _create(harness, slice_graph, description="first try")
    assert created.version == 1 and created.name == "churn"
    assert json.loads(created.layout_json) == LAYOUT
    assert _nodes(created) == ["split", "impute", "onehot", "scale", "model"]

    shorter = {
        "nodes": [slice_graph["nodes"][0], slice_graph["nodes"][-1]],
        "edges": [{"source": "split", "target": "model"}],
    }
    v2 = (
        await harness.stub.UpdatePipeline(
            pipeline_pb2.UpdatePipelineRequest(
                pipeline_id=created.id, graph=harness.graph_proto(shorter)
            )
        )
    ).pipeline
    assert v2.version == 2 and _nodes(v2) == ["split", "model"]
    # Fields the update leaves unset keep their value.
    assert v2.name == "churn" and v2.description == "first try"
    assert json.loads(v2.layout_json) == LAYOUT

    v3 = (
        await harness.stub.UpdatePipeline(
            pipeline_pb2.UpdatePipelineRequest(
                pipeline_id=created.id,
                graph=harness.graph_proto(shorter),
                name="churn, renamed",
                layout_json="{}",
            )
        )
    ).pipeline
    assert v3.version == 3 and v3.name == "churn, renamed" and v3.layout_json == "{}"

    # A save identical to the current version records nothing.
    same = (
        await harness.stub.UpdatePipeline(
            pipeline_pb2.UpdatePipelineRequest(
                pipeline_id=created.id, graph=harness.graph_proto(shorter)
            )
        )
    ).pipeline
    assert same.version == 3

    versions = (
        await harness.stub.ListPipelineVersions(
            pipeline_pb2.ListPipelineVersionsRequest(pipeline_id=created.id)
        )
    ).versions
    assert [v.version for v in versions] == [3, 2, 1]
    assert [v.name for v in versions] == ["churn, renamed", "churn", "churn"]
    assert _nodes(versions[2]) == _nodes(created)

    restored = (
        await harness.stub.RestorePipelineVersion(
            pipeline_pb2.RestorePipelineVersionRequest(pipeline_id=created.id, version=1)
        )
    ).pipeline
    assert restored.version == 4
    assert _nodes(restored) == _nodes(created)
    assert json.loads(restored.layout_json) == LAYOUT
    assert restored.name == "churn, renamed"
    got = await harness.stub.GetPipeline(pipeline_pb2.GetPipelineRequest(pipeline_id=created.id))
    assert got.pipeline.version == 4 and _nodes(got.pipeline) == _nodes(created)
    params = json.loads(got.pipeline.graph.nodes[0].params_json)
    assert params["target_column"] == "churned"

    deleted = (
        await harness.stub.DeletePipeline(
            pipeline_pb2.DeletePipelineRequest(pipeline_id=created.id)
        )
    ).pipeline
    assert deleted.id == created.id and deleted.version == 4
    err = await _error(
        harness.stub.GetPipeline(pipeline_pb2.GetPipelineRequest(pipeline_id=created.id))
    )
    assert err.code.value == "NOT_FOUND" and created.id in err.message


async def test_list_is_newest_updated_first_and_paged(
    harness: Any, slice_graph: dict[str, Any]
) -> None:
    first = await _create(harness, slice_graph, name="first")
    second = await _create(harness, slice_graph, name="second")
    await harness.stub.UpdatePipeline(
        pipeline_pb2.UpdatePipelineRequest(
            pipeline_id=first.id, graph=harness.graph_proto(slice_graph), name="first again"
        )
    )
    page = await harness.stub.ListPipelines(pipeline_pb2.ListPipelinesRequest())
    assert page.total == 2
    assert [p.id for p in page.pipelines] == [first.id, second.id]
    assert page.pipelines[0].version == 2
    one = await harness.stub.ListPipelines(pipeline_pb2.ListPipelinesRequest(page_size=1, offset=1))
    assert [p.id for p in one.pipelines] == [second.id] and one.total == 2


async def test_unfinished_graphs_are_saved(harness: Any) -> None:
    # No target, no model, and a scaler before the split (leakage): work in progress.
    graph = {
        "nodes": [
            {"id": "scale", "type": "StandardScaler", "params": {}},
            {"id": "split", "type": "TrainTestSplitter", "params": {}},
        ],
        "edges": [{"source": "scale", "target": "split"}],
    }
    saved = await _create(harness, graph)
    assert saved.version == 1 and _nodes(saved) == ["scale", "split"]
    empty = await _create(harness, {"nodes": [], "edges": []}, layout={})
    assert empty.version == 1 and list(empty.graph.nodes) == []


@pytest.mark.parametrize(
    ("graph", "layout", "field", "words"),
    [
        (
            {
                "nodes": [
                    {"id": "a", "type": "StandardScaler", "params": {}},
                    {"id": "a", "type": "MinMaxScaler", "params": {}},
                ],
                "edges": [],
            },
            {},
            "graph.id",
            "'a' is used 2 times",
        ),
        (
            {
                "nodes": [{"id": "a", "type": "StandardScaler", "params": {}}],
                "edges": [{"source": "a", "target": "ghost"}],
            },
            {},
            "graph.edges",
            "unknown node 'ghost'",
        ),
        (
            {"nodes": [{"id": "a", "type": "Teleporter", "params": {}}], "edges": []},
            {},
            "graph.type",
            "unknown type 'Teleporter'",
        ),
        ({"nodes": [], "edges": []}, {"a": {"x": "left", "y": 1}}, "layout.a.x", "finite number"),
        ({"nodes": [], "edges": []}, [1, 2], "layout", "JSON object"),
    ],
)
async def test_a_save_refuses_what_is_not_a_graph(
    harness: Any, graph: dict[str, Any], layout: Any, field: str, words: str
) -> None:
    err = await _error(_create(harness, graph, layout=layout))
    assert err.code.value == "INVALID_ARGUMENT"
    assert err.details["field"] == field and words in err.message


@pytest.mark.parametrize(("name", "words"), [("   ", "needs a name"), ("x" * 201, "at most 200")])
async def test_names_are_bounded_and_not_empty(
    harness: Any, slice_graph: dict[str, Any], name: str, words: str
) -> None:
    err = await _error(_create(harness, slice_graph, name=name))
    assert err.details["field"] == "name" and words in err.message


async def test_params_that_are_not_json_name_the_node(harness: Any) -> None:
    graph = common_pb2.PipelineGraph(
        nodes=[common_pb2.GraphNode(id="scale", type="StandardScaler", params_json="{oops")]
    )
    err = await _error(
        harness.stub.CreatePipeline(pipeline_pb2.CreatePipelineRequest(name="p", graph=graph))
    )
    assert err.details == {"node": "scale", "field": "params"}


async def test_unknown_pipelines_and_versions_are_404(
    harness: Any, slice_graph: dict[str, Any]
) -> None:
    for bad in (MISSING, "not-a-uuid"):
        err = await _error(
            harness.stub.GetPipeline(pipeline_pb2.GetPipelineRequest(pipeline_id=bad))
        )
        assert err.code.value == "NOT_FOUND" and bad in err.message
        assert err.details == {"pipeline_id": bad}
    err = await _error(
        harness.stub.UpdatePipeline(
            pipeline_pb2.UpdatePipelineRequest(
                pipeline_id=MISSING, graph=harness.graph_proto(slice_graph)
            )
        )
    )
    assert err.code.value == "NOT_FOUND"
    saved = await _create(harness, slice_graph)
    for version in (0, 2, -1):
        err = await _error(
            harness.stub.RestorePipelineVersion(
                pipeline_pb2.RestorePipelineVersionRequest(pipeline_id=saved.id, version=version)
            )
        )
        assert err.code.value == "NOT_FOUND"
        assert f"has no version {version}" in err.message


async def test_a_job_remembers_its_saved_pipeline(
    harness: Any, slice_graph: dict[str, Any]
) -> None:
    saved = await _create(harness, slice_graph)
    await harness.stub.UpdatePipeline(
        pipeline_pb2.UpdatePipelineRequest(
            pipeline_id=saved.id, graph=harness.graph_proto(slice_graph), name="v2"
        )
    )
    job = await harness.create(pipeline_id=saved.id, pipeline_version=1)
    assert (job.pipeline_id, job.pipeline_version) == (saved.id, 1)
    current = await harness.create(pipeline_id=saved.id)
    assert current.pipeline_version == 2
    got = (await harness.stub.GetJob(pipeline_pb2.GetJobRequest(job_id=job.id))).job
    assert (got.pipeline_id, got.pipeline_version) == (saved.id, 1)
    plain = await harness.create()
    assert plain.pipeline_id is None and plain.pipeline_version is None

    for kw, code in (
        ({"pipeline_id": saved.id, "pipeline_version": 7}, "NOT_FOUND"),
        ({"pipeline_id": MISSING}, "NOT_FOUND"),
        ({"pipeline_version": 1}, "INVALID_ARGUMENT"),
    ):
        err = await _error(harness.create(**kw))
        assert err.code.value == code, kw


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"dataset_id": "not-a-dataset"}, "dataset_id"),
        ({"name": "a\x00b"}, "name"),
        ({"description": "a\x00b"}, "description"),
    ],
)
async def test_what_the_tables_cannot_hold_is_refused(
    harness: Any, slice_graph: dict[str, Any], kw: dict[str, str], field: str
) -> None:
    err = await _error(_create(harness, slice_graph, **kw))
    assert err.code.value == "INVALID_ARGUMENT" and err.details["field"] == field


async def test_an_attached_dataset_is_kept_and_can_be_detached(
    harness: Any, slice_graph: dict[str, Any]
) -> None:
    saved = await _create(harness, slice_graph, dataset_id=harness.churn_id)
    assert saved.dataset_id == harness.churn_id
    detached = (
        await harness.stub.UpdatePipeline(
            pipeline_pb2.UpdatePipelineRequest(
                pipeline_id=saved.id, graph=harness.graph_proto(slice_graph), dataset_id=""
            )
        )
    ).pipeline
    assert detached.dataset_id == "" and detached.version == 2
