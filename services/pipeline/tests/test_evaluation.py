"""GetJobEvaluation: the worker stores the evaluation of a job's model; it is served once the job
SUCCEEDED, for the job and for its model version."""

from __future__ import annotations

import json
from typing import Any

import grpc
import pytest

from skyulf.pipeline.v1 import pipeline_pb2
from skyulf_pipeline.evaluations import evaluation_key
from skyulf_pipeline.models import JobStatus
from skyulf_platform.errors import from_rpc_error


async def _evaluation(harness: Any, job_id: str, **kw: Any) -> dict[str, Any]:
    resp = await harness.stub.GetJobEvaluation(
        pipeline_pb2.GetJobEvaluationRequest(job_id=job_id, **kw)
    )
    result: dict[str, Any] = json.loads(resp.evaluation_json)
    return result


async def test_a_succeeded_job_serves_its_evaluation(harness: Any) -> None:
    job = await harness.create()
    done = await harness.run(job.id)
    assert done.status == JobStatus.SUCCEEDED, done.error
    ev = await _evaluation(harness, job.id)
    assert ev["job_id"] == job.id
    [model] = ev["models"]
    assert (model["node_id"], model["model_type"], model["task"]) == (
        "model",
        "logistic_regression",
        "classification",
    )
    assert (model["model_name"], model["model_version"]) == (done.model_name, 1)
    assert model["metrics"]["test"]["accuracy"] == done.metrics["test_accuracy"]
    assert sum(map(sum, model["confusion_matrix"]["counts"])) > 0
    assert model["roc_curves"][0]["auc"] > 0.5
    assert model["threshold_analysis"] is not None
    assert model["residuals"] is None and model["clusters"] is None
    assert harness.store.exists(evaluation_key(job.id))

    # The version's own view: the same model, by name and version.
    by_version = await _evaluation(harness, job.id, model_name=done.model_name, model_version=1)
    assert by_version["models"] == ev["models"]
    with pytest.raises(grpc.aio.AioRpcError) as info:
        await _evaluation(harness, job.id, model_name=done.model_name, model_version=2)
    assert info.value.code() == grpc.StatusCode.NOT_FOUND


async def test_an_unfinished_job_has_no_evaluation_yet(harness: Any) -> None:
    job = await harness.create()
    with pytest.raises(grpc.aio.AioRpcError) as info:
        await _evaluation(harness, job.id)
    assert info.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert "QUEUED" in from_rpc_error(info.value).message
