"""How a training run ends when something goes wrong: FAILED with a message a user can act on."""

from __future__ import annotations

import asyncio
from typing import Any

import grpc
import polars as pl
import pytest

from skyulf.pipeline.v1 import pipeline_pb2
from skyulf_pipeline import runner as runner_module
from skyulf_pipeline.models import JobStatus


async def _events(harness: Any, job_id: str) -> list[Any]:
    stream = harness.stub.WatchJob(pipeline_pb2.WatchJobRequest(job_id=job_id))
    return await asyncio.wait_for(_collect(stream), timeout=5)


async def _collect(stream: Any) -> list[Any]:
    return [e async for e in stream]


def _stored(harness: Any, graph: dict[str, Any], dataset_id: str) -> Any:
    """A queued job written straight to the table: what the worker meets when the data's types
    were not known at submission (submission refuses what validation already sees)."""
    return harness.jobs.create(
        dataset_id=dataset_id, graph=graph, model_name="churn-model", event_message="queued"
    )


async def test_leftover_text_column_is_refused_at_submission(harness: Any) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as info:
        await harness.create(dataset_id=harness.churn_id)
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "signup_date" in info.value.details() and "'model'" in info.value.details()


async def test_leftover_text_column_fails_naming_the_model_node_and_column(
    harness: Any, slice_graph: dict[str, Any]
) -> None:
    # The full churn data keeps signup_date, which no node of the slice graph handles.
    job = _stored(harness, slice_graph, harness.churn_id)
    done = await harness.run(job.id)
    assert done.status == JobStatus.FAILED
    assert done.error is not None
    assert done.error.code == "INVALID_ARGUMENT"
    assert "'model'" in done.error.message and "signup_date" in done.error.message
    assert done.error.details["node"] == "model"
    events = await _events(harness, job.id)
    assert events[-1].type == "failed"
    assert events[-1].status == pipeline_pb2.JOB_STATUS_FAILED
    assert "signup_date" in events[-1].message
    assert harness.registry.calls == []


async def test_fit_time_error_in_a_node_names_that_node(
    harness: Any, slice_graph: dict[str, Any], churn: pl.DataFrame
) -> None:
    # Scaling a text column passes the static checks (they know names, not types) and fails
    # when the scaler is fitted.
    slice_graph["nodes"][3]["params"]["columns"] = ["age", "plan_type"]
    slice_graph["nodes"][2]["params"]["columns"] = ["city"]
    job = _stored(harness, slice_graph, harness.trainable_id)
    done = await harness.run(job.id)
    assert done.status == JobStatus.FAILED
    assert done.error is not None
    assert "scale" in done.error.message and "plan_type" in done.error.message
    got = (await harness.stub.GetJob(pipeline_pb2.GetJobRequest(job_id=job.id))).job
    assert got.status == pipeline_pb2.JOB_STATUS_FAILED
    assert got.error.message == done.error.message


async def test_all_missing_column_into_the_model_fails_clearly(
    harness: Any, slice_graph: dict[str, Any], churn: pl.DataFrame
) -> None:
    frame = churn.drop("signup_date", "lat", "lon").with_columns(
        pl.lit(None, dtype=pl.Float64).alias("age")
    )
    dataset_id = harness.ingestion.add(frame)
    slice_graph["nodes"][1]["params"]["columns"] = ["income"]
    slice_graph["nodes"][3]["params"]["columns"] = ["income"]
    job = await harness.create(slice_graph, dataset_id=dataset_id)
    done = await harness.run(job.id)
    assert done.status == JobStatus.FAILED
    assert done.error is not None
    assert "model" in done.error.message
    assert done.error.details.get("node") == "model"


async def test_unexpected_error_is_internal_with_a_generic_message(
    harness: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("secret internal detail /etc/passwd")

    monkeypatch.setattr(runner_module, "train_pipeline", explode)
    job = await harness.create()
    done = await harness.run(job.id)
    assert done.status == JobStatus.FAILED
    assert done.error is not None and done.error.code == "INTERNAL"
    assert "secret" not in done.error.message and job.id in done.error.message


async def test_unreachable_registry_fails_the_job_as_unavailable(harness: Any) -> None:
    from skyulf_pipeline.peers import RegistryClient
    from skyulf_platform.grpc.client import sync_channel

    harness.runner.registry = RegistryClient(sync_channel("127.0.0.1:1"))
    job = await harness.create()
    done = await harness.run(job.id)
    assert done.status == JobStatus.FAILED
    assert done.error is not None and done.error.code == "UNAVAILABLE"
    assert "registry" in done.error.message


async def test_dataset_gone_before_the_run_fails_as_not_found(harness: Any) -> None:
    job = await harness.create()
    del harness.ingestion.datasets[harness.trainable_id]
    done = await harness.run(job.id)
    assert done.status == JobStatus.FAILED
    assert done.error is not None and done.error.code == "NOT_FOUND"
    assert harness.trainable_id in done.error.message


async def test_corrupted_dataset_file_fails_as_data_loss(harness: Any) -> None:
    job = await harness.create()
    uri = harness.ingestion.datasets[harness.trainable_id].data_uri
    harness.store.put_bytes(harness.store.key_for(uri), b"not parquet")
    done = await harness.run(job.id)
    assert done.status == JobStatus.FAILED
    assert done.error is not None and done.error.code == "DATA_LOSS"
