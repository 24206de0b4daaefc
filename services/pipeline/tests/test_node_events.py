"""Per-node progress: a job's events carry every node queued, then running and done in chain
order; a failing node is failed and the nodes after it skipped."""

from __future__ import annotations

from typing import Any

import polars as pl

from skyulf.pipeline.v1 import pipeline_pb2
from skyulf_pipeline.models import JobStatus


async def _node_events(harness: Any, job_id: str) -> list[tuple[str, str]]:
    stream = harness.stub.WatchJob(pipeline_pb2.WatchJobRequest(job_id=job_id))
    return [(e.node_id, e.node_status) async for e in stream if e.type == "node"]


def _per_node(events: list[tuple[str, str]]) -> dict[str, list[str]]:
    seen: dict[str, list[str]] = {}
    for node_id, status in events:
        seen.setdefault(node_id, []).append(status)
    return seen


async def test_every_node_goes_queued_running_done_in_order(
    harness: Any, slice_graph: dict[str, Any]
) -> None:
    job = await harness.create(slice_graph)
    done = await harness.run(job.id)
    assert done.status == JobStatus.SUCCEEDED, done.error
    events = await _node_events(harness, job.id)
    order = [n["id"] for n in slice_graph["nodes"]]

    # Every node is queued before any runs; then each runs and finishes before the next starts.
    assert events[: len(order)] == [(n, "queued") for n in order]
    assert events[len(order) :] == [(n, s) for n in order for s in ("running", "done")]
    assert _per_node(events) == {n: ["queued", "running", "done"] for n in order}

    # Node events sit between the job's own events, numbered in the same sequence.
    stream = harness.stub.WatchJob(pipeline_pb2.WatchJobRequest(job_id=job.id))
    all_events = [e async for e in stream]
    types = [e.type for e in all_events]
    assert types[:2] == ["queued", "started"] and types[-1] == "succeeded"
    first_node = types.index("node")
    assert all_events[first_node].message == "node 'split' (TrainTestSplitter) queued"
    assert [e.seq for e in all_events] == list(range(1, len(all_events) + 1))
    assert all(e.node_id == "" for e in all_events if e.type != "node")


async def test_a_failing_node_is_failed_and_the_rest_skipped(harness: Any) -> None:
    # Box-Cox refuses values <= 0: the transform node fails while fitting.
    n = 40
    frame = pl.DataFrame({"x": [float(i) - 5.0 for i in range(n)], "y": [i % 2 for i in range(n)]})
    dataset_id = harness.ingestion.add(frame, name="negatives.csv")
    graph = {
        "nodes": [
            {"id": "split", "type": "TrainTestSplitter", "params": {"target_column": "y"}},
            {
                "id": "power",
                "type": "PowerTransformer",
                "params": {"method": "box-cox", "columns": ["x"]},
            },
            {"id": "scale", "type": "StandardScaler", "params": {"columns": ["x"]}},
            {"id": "model", "type": "logistic_regression", "params": {}},
        ],
        "edges": [
            {"source": "split", "target": "power"},
            {"source": "power", "target": "scale"},
            {"source": "scale", "target": "model"},
        ],
    }
    job = await harness.create(graph, dataset_id=dataset_id)
    done = await harness.run(job.id)
    assert done.status == JobStatus.FAILED
    assert done.error is not None and "power" in done.error.message

    events = await _node_events(harness, job.id)
    assert _per_node(events) == {
        "split": ["queued", "running", "done"],
        "power": ["queued", "running", "failed"],
        "scale": ["queued", "skipped"],
        "model": ["queued", "skipped"],
    }
    assert events.index(("power", "failed")) < events.index(("scale", "skipped"))


async def test_a_job_that_is_not_running_gets_no_node_events(
    harness: Any, slice_graph: dict[str, Any]
) -> None:
    job = await harness.create(slice_graph)
    assert harness.jobs.node_events(job.id, [("split", "running", "m")]) is False
    assert all(e.type != "node" for e in harness.jobs.events(job.id))
