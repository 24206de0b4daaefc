"""CreateJob, the training run, GetJob/ListJobs, CancelJob and WatchJob over real gRPC."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from typing import Any

import grpc
import polars as pl
import pytest

from skyulf.ingestion.v1 import ingestion_pb2
from skyulf.pipeline.v1 import pipeline_pb2
from skyulf_pipeline.models import JobChange, JobStatus
from skyulf_platform.bundles import read_bundle
from skyulf_platform.db.base import utcnow
from skyulf_platform.errors import from_rpc_error

MISSING = "00000000-0000-4000-8000-000000000000"


async def _watch(harness: Any, job_id: str, after_seq: int = 0) -> list[Any]:
    stream = harness.stub.WatchJob(pipeline_pb2.WatchJobRequest(job_id=job_id, after_seq=after_seq))
    return [event async for event in stream]


async def test_job_trains_registers_and_streams_its_events(harness: Any) -> None:
    job = await harness.create()
    assert job.status == JobStatus.QUEUED
    assert harness.enqueued.job_ids == [job.id]
    assert job.model_name == "churn_300-logistic_regression"

    # Watch from before the run: the stream must follow the job live and end on its own.
    watcher = asyncio.create_task(_watch(harness, job.id))
    await asyncio.sleep(0.1)
    done = await harness.run(job.id)
    events = await asyncio.wait_for(watcher, timeout=10)

    assert done.status == JobStatus.SUCCEEDED, done.error
    assert done.model_version == 1
    assert 0.5 < done.metrics["test_accuracy"] <= 1.0
    assert done.progress == 1.0 and done.finished_at is not None

    seqs = [e.seq for e in events]
    assert seqs == list(range(1, len(events) + 1))
    assert events[0].type == "queued" and events[-1].type == "succeeded"
    assert events[-1].status == pipeline_pb2.JOB_STATUS_SUCCEEDED
    assert any(e.type == "progress" and "scale" in e.message for e in events)
    progress = [e.progress for e in events]
    assert progress == sorted(progress)

    [call] = harness.registry.calls
    assert call.name == "churn_300-logistic_regression"
    assert (call.task, call.model_type) == ("classification", "logistic_regression")
    assert call.lineage.job_id == job.id and call.lineage.dataset_id == harness.trainable_id
    assert json.loads(call.lineage.pipeline_json)["nodes"][0]["id"] == "split"
    assert call.metrics["test_accuracy"] == done.metrics["test_accuracy"]
    assert "age" in {c["name"] for c in json.loads(call.signature_json)["inputs"]}
    files = read_bundle(
        harness.store, call.bundle_uri, b"test-signing-key", manifest_sha256=call.bundle_checksum
    )
    assert files, "the registered bundle is empty"

    got = (await harness.stub.GetJob(pipeline_pb2.GetJobRequest(job_id=job.id))).job
    assert got.status == pipeline_pb2.JOB_STATUS_SUCCEEDED
    assert got.model_version == 1 and got.metrics["test_accuracy"] == done.metrics["test_accuracy"]
    assert [n.id for n in got.graph.nodes] == ["split", "impute", "onehot", "scale", "model"]
    assert got.started_at.seconds > 0 and got.finished_at.seconds > 0

    # A later watch replays only what came after, and ends at once on a finished job.
    tail = await _watch(harness, job.id, after_seq=len(events) - 1)
    assert [e.type for e in tail] == ["succeeded"]
    assert await _watch(harness, job.id, after_seq=len(events)) == []


async def test_a_redelivered_task_does_not_register_twice(harness: Any) -> None:
    job = await harness.create()
    await harness.run(job.id)
    again = await harness.run(job.id)
    assert again.status == JobStatus.SUCCEEDED and again.model_version == 1
    assert len(harness.registry.calls) == 1


def _left_running(harness: Any, job_id: str, silent_for: float) -> None:
    """The job as a worker leaves it: RUNNING, its last heartbeat ``silent_for`` seconds ago."""
    harness.jobs.change(
        job_id,
        when=[JobStatus.QUEUED],
        change=JobChange(
            status=JobStatus.RUNNING, heartbeat_at=utcnow() - timedelta(seconds=silent_for)
        ),
        event_type="started",
    )


async def test_a_task_for_a_job_whose_worker_went_silent_runs_it_again(harness: Any) -> None:
    job = await harness.create()
    _left_running(harness, job.id, silent_for=3600)
    done = await harness.run(job.id)
    assert done.status == JobStatus.SUCCEEDED
    assert done.model_version == 1
    assert done.attempts == 1


async def test_a_second_delivery_while_the_worker_is_alive_does_not_run(harness: Any) -> None:
    job = await harness.create()
    _left_running(harness, job.id, silent_for=1)
    again = await harness.run(job.id)
    assert again.status == JobStatus.RUNNING
    assert again.attempts == 0
    assert harness.registry.calls == []


async def test_explicit_model_name_is_used_and_checked(harness: Any) -> None:
    job = await harness.create(model_name="churn.v2_LR")
    assert job.model_name == "churn.v2_LR"
    with pytest.raises(grpc.RpcError) as info:
        await harness.create(model_name="bad name/with slash")
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert from_rpc_error(info.value).details["field"] == "model_name"


async def test_invalid_graph_is_refused_with_every_issue(
    harness: Any, slice_graph: dict[str, Any]
) -> None:
    slice_graph["nodes"][1]["params"]["columns"] = ["agee"]
    slice_graph["nodes"][2]["params"]["columns"] = ["city", "cty"]
    with pytest.raises(grpc.RpcError) as info:
        await harness.create(slice_graph)
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "impute" in info.value.details() and "agee" in info.value.details()
    err = from_rpc_error(info.value)
    assert err.details["node"] == "impute"
    # The misspelt column leaves plan_type un-encoded: it would reach the model as text.
    assert {i["column"] for i in err.details["issues"]} == {"agee", "cty", "plan_type"}
    assert harness.enqueued.job_ids == []
    listed = await harness.stub.ListJobs(pipeline_pb2.ListJobsRequest())
    assert listed.total == 0


async def test_job_on_unknown_dataset_is_not_found(harness: Any) -> None:
    with pytest.raises(grpc.RpcError) as info:
        await harness.create(dataset_id=MISSING)
    assert info.value.code() == grpc.StatusCode.NOT_FOUND
    assert MISSING in info.value.details()


async def test_job_on_a_dataset_not_ready_is_refused(harness: Any, churn: pl.DataFrame) -> None:
    failed = harness.ingestion.add(churn, status=ingestion_pb2.DATASET_STATUS_FAILED)
    with pytest.raises(grpc.RpcError) as info:
        await harness.create(dataset_id=failed)
    assert info.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert "FAILED" in info.value.details() and failed in info.value.details()


async def test_enqueue_failure_fails_the_job_instead_of_leaving_it_queued(harness: Any) -> None:
    harness.enqueued.fail = True
    with pytest.raises(grpc.RpcError) as info:
        await harness.create()
    assert info.value.code() == grpc.StatusCode.UNAVAILABLE
    assert "broker" in info.value.details()
    [job] = (await harness.stub.ListJobs(pipeline_pb2.ListJobsRequest())).jobs
    assert job.status == pipeline_pb2.JOB_STATUS_FAILED
    assert job.error.code == "UNAVAILABLE"
    events = await asyncio.wait_for(_watch(harness, job.id), timeout=5)
    assert [e.type for e in events] == ["queued", "failed"]


async def test_cancel_a_queued_job_then_its_task_does_nothing(harness: Any) -> None:
    job = await harness.create()
    resp = await harness.stub.CancelJob(pipeline_pb2.CancelJobRequest(job_id=job.id))
    assert resp.job.status == pipeline_pb2.JOB_STATUS_CANCELLED
    after = await harness.run(job.id)
    assert after.status == JobStatus.CANCELLED
    assert harness.registry.calls == []
    events = await asyncio.wait_for(_watch(harness, job.id), timeout=5)
    assert [e.type for e in events] == ["queued", "cancelled"]


async def test_cancel_a_running_job_stops_it_at_a_node_boundary(harness: Any) -> None:
    job = await harness.create()
    _left_running(harness, job.id, silent_for=3600)
    resp = await harness.stub.CancelJob(pipeline_pb2.CancelJobRequest(job_id=job.id))
    assert resp.job.status == pipeline_pb2.JOB_STATUS_RUNNING
    assert harness.jobs.get(job.id).cancel_requested
    done = await harness.run(job.id)
    assert done.status == JobStatus.CANCELLED
    assert done.finished_at is not None
    assert harness.registry.calls == []
    events = await asyncio.wait_for(_watch(harness, job.id), timeout=5)
    assert events[-1].type == "cancelled"
    assert events[-1].status == pipeline_pb2.JOB_STATUS_CANCELLED


async def test_cancel_a_finished_job_names_its_status(harness: Any) -> None:
    job = await harness.create()
    await harness.run(job.id)
    with pytest.raises(grpc.RpcError) as info:
        await harness.stub.CancelJob(pipeline_pb2.CancelJobRequest(job_id=job.id))
    assert info.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert "SUCCEEDED" in info.value.details()


@pytest.mark.parametrize("rpc", ["GetJob", "CancelJob", "WatchJob"])
@pytest.mark.parametrize("job_id", [MISSING, "not-a-uuid"])
async def test_unknown_job_is_not_found_naming_it(harness: Any, rpc: str, job_id: str) -> None:
    with pytest.raises(grpc.RpcError) as info:
        if rpc == "WatchJob":
            await _watch(harness, job_id)
        else:
            request = getattr(pipeline_pb2, f"{rpc}Request")(job_id=job_id)
            await getattr(harness.stub, rpc)(request)
    assert info.value.code() == grpc.StatusCode.NOT_FOUND
    assert job_id in info.value.details()


async def test_list_jobs_newest_first_with_paging(harness: Any) -> None:
    ids = [(await harness.create(model_name=f"m{i}")).id for i in range(3)]
    listed = await harness.stub.ListJobs(pipeline_pb2.ListJobsRequest())
    assert [j.id for j in listed.jobs] == ids[::-1]
    assert listed.total == 3
    page = await harness.stub.ListJobs(pipeline_pb2.ListJobsRequest(page_size=1, offset=1))
    assert [j.id for j in page.jobs] == [ids[1]] and page.total == 3
