"""Jobs that never run twice: idempotent submission, retries, attempts, per-model results."""

from __future__ import annotations

import copy
from datetime import timedelta
from typing import Any

import grpc
import pytest

from skyulf.pipeline.v1 import pipeline_pb2
from skyulf.registry.v1 import registry_pb2
from skyulf_pipeline.models import JobChange, JobStatus
from skyulf_platform.db.base import utcnow
from skyulf_platform.errors import from_rpc_error


def _branching(graph: dict[str, Any]) -> dict[str, Any]:
    """The slice graph with two more models fed by the one-hot encoder (no scaling)."""
    graph = copy.deepcopy(graph)
    graph["nodes"] += [
        {"id": "forest", "type": "random_forest_classifier", "params": {"n_estimators": 20}},
        {"id": "tree", "type": "decision_tree_classifier", "params": {}},
    ]
    graph["edges"] += [
        {"source": "onehot", "target": "forest"},
        {"source": "onehot", "target": "tree"},
    ]
    return graph


async def test_the_same_idempotency_key_and_body_give_the_same_job(harness: Any) -> None:
    first = await harness.create(idempotency_key="submit-1")
    again = await harness.create(idempotency_key="submit-1")
    assert again.id == first.id
    assert harness.enqueued.job_ids == [first.id]
    other = await harness.create(idempotency_key="submit-2")
    assert other.id != first.id


async def test_the_same_key_with_another_body_is_a_conflict_naming_the_header(
    harness: Any,
) -> None:
    first = await harness.create(idempotency_key="submit-1")
    with pytest.raises(grpc.aio.AioRpcError) as info:
        await harness.create(idempotency_key="submit-1", model_name="another-name")
    assert info.value.code() == grpc.StatusCode.ALREADY_EXISTS
    assert "Idempotency-Key" in info.value.details()
    err = from_rpc_error(info.value)
    assert err.details == {"header": "Idempotency-Key", "job_id": first.id}


async def test_a_failed_job_is_retried_from_its_stored_graph(harness: Any) -> None:
    job = await harness.create()
    harness.jobs.change(
        job.id,
        when=[JobStatus.QUEUED],
        change=JobChange(status=JobStatus.CANCELLED, finished_at=utcnow()),
        event_type="cancelled",
    )
    resp = await harness.stub.RetryJob(pipeline_pb2.RetryJobRequest(job_id=job.id))
    retry = resp.job
    assert retry.id != job.id and retry.retry_of == job.id
    assert retry.status == pipeline_pb2.JOB_STATUS_QUEUED
    assert (
        retry.graph
        == (await harness.stub.GetJob(pipeline_pb2.GetJobRequest(job_id=job.id))).job.graph
    )
    assert harness.enqueued.job_ids == [job.id, retry.id]
    done = await harness.run(retry.id)
    assert done.status == JobStatus.SUCCEEDED
    with pytest.raises(grpc.aio.AioRpcError) as info:
        await harness.stub.RetryJob(pipeline_pb2.RetryJobRequest(job_id=retry.id))
    assert info.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert "SUCCEEDED" in info.value.details()


async def test_a_branching_job_registers_each_model(harness: Any) -> None:
    job = await harness.create(_branching(harness.slice_graph), model_name="churn")
    assert [r.model_name for r in job.results] == ["churn-model", "churn-forest", "churn-tree"]
    done = await harness.run(job.id)
    assert done.status == JobStatus.SUCCEEDED, done.error
    assert [(r.node_id, r.model_version) for r in done.results] == [
        ("model", 1),
        ("forest", 1),
        ("tree", 1),
    ]
    assert all(0.5 < r.metrics["test_accuracy"] <= 1 for r in done.results)
    assert done.metrics == done.results[0].metrics and done.model_version == 1
    calls = harness.registry.calls
    assert [(c.name, c.lineage.node_id, c.model_type) for c in calls] == [
        ("churn-model", "model", "logistic_regression"),
        ("churn-forest", "forest", "random_forest_classifier"),
        ("churn-tree", "tree", "decision_tree_classifier"),
    ]
    # Each attempt writes under its own key.
    assert all(c.bundle_uri.endswith(f"/{job.id}/attempt-1") for c in calls)
    got = (await harness.stub.GetJob(pipeline_pb2.GetJobRequest(job_id=job.id))).job
    assert [(r.node_id, r.model_name, r.model_version) for r in got.results] == [
        ("model", "churn-model", 1),
        ("forest", "churn-forest", 1),
        ("tree", "churn-tree", 1),
    ]


async def test_a_version_an_earlier_attempt_registered_stands(harness: Any) -> None:
    job = await harness.create()
    first = await harness.run(job.id)
    registered = harness.registry.by_job[(job.id, "model")]
    first_files = harness.store.list(harness.store.key_for(registered.bundle_uri))
    before = {k: harness.store.get_bytes(k) for k in first_files}
    # The worker died after registering; the job was taken over by a second attempt.
    harness.jobs.change(
        job.id,
        when=[JobStatus.SUCCEEDED],
        change=JobChange(status=JobStatus.RUNNING, heartbeat_at=utcnow() - timedelta(hours=1)),
        event_type=None,
    )
    registered.metrics["test_accuracy"] = 0.123  # what the earlier attempt measured
    again = await harness.run(job.id)
    assert again.status == JobStatus.SUCCEEDED and again.attempts == 2
    assert again.model_version == first.model_version
    assert again.metrics["test_accuracy"] == 0.123
    second_call = harness.registry.calls[-1]
    assert registered.bundle_uri.endswith("/attempt-1")
    assert second_call.bundle_uri.endswith("/attempt-2")
    # The registered version's files are untouched by the second attempt.
    assert first_files and {k: harness.store.get_bytes(k) for k in first_files} == before


async def test_a_silent_job_below_the_limit_is_queued_again(harness: Any) -> None:
    harness.service.max_attempts = 3
    job = await harness.create()
    harness.jobs.start_attempt(job.id, stale_before=utcnow(), message="started (attempt 1)")
    harness.jobs.change(
        job.id,
        when=[JobStatus.RUNNING],
        change=JobChange(heartbeat_at=utcnow() - timedelta(hours=1)),
        event_type=None,
    )
    [requeued] = harness.service.reap_silent_jobs(60)
    assert requeued.status == JobStatus.QUEUED and requeued.attempts == 1
    assert "attempt 2 of 3 is queued" in requeued.message
    assert harness.enqueued.job_ids == [job.id, job.id]
    assert [e.type for e in harness.jobs.events(job.id)][-1] == "requeued"
    done = await harness.run(job.id)
    assert done.status == JobStatus.SUCCEEDED and done.attempts == 2


async def test_a_job_out_of_attempts_fails_with_the_reason_and_keeps_no_version(
    harness: Any,
) -> None:
    harness.runner.max_attempts = 2
    job = await harness.create()
    for _ in range(2):
        harness.jobs.start_attempt(job.id, stale_before=utcnow(), message="started")
        harness.jobs.change(
            job.id,
            when=[JobStatus.RUNNING],
            change=JobChange(status=JobStatus.QUEUED, heartbeat_at=utcnow() - timedelta(hours=1)),
            event_type="requeued",
        )
    # An earlier attempt got as far as registering before its worker vanished.
    harness.registry.by_job[(job.id, "model")] = registry_pb2.ModelVersion(name="m", version=1)
    done = await harness.run(job.id)
    assert done.status == JobStatus.FAILED
    assert done.error is not None and done.error.code == "UNAVAILABLE"
    assert "tried 2 times" in done.error.message
    assert "SKYULF_JOB_MAX_ATTEMPTS" in done.error.message
    assert harness.registry.deleted == [job.id]
    assert (job.id, "model") not in harness.registry.by_job
