"""GetJobEvaluation: the worker stores the evaluation of a job's model; it is served once the job
SUCCEEDED, for the job and for its model version."""

from __future__ import annotations

import json
from typing import Any

import grpc
import pytest

from skyulf.pipeline.v1 import pipeline_pb2
from skyulf_core.models import model_catalog
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


def _graph_for(model_type: str, task: str, slice_graph: dict[str, Any]) -> dict[str, Any]:
    """The slice graph around ``model_type``: churned is the target of a classifier, monthly
    spend that of a regressor, and a clustering model gets no target."""
    nodes = slice_graph["nodes"]
    split, scale, model = nodes[0]["params"], nodes[3]["params"], nodes[-1]
    model.update(type=model_type, params={})
    if task == "regression":
        split.update(target_column="monthly_spend", stratify=False)
        scale["columns"] = ["age", "income", "tenure_months"]
    elif task == "clustering":
        split.update(target_column=None, stratify=False)
    if model_type == "multinomial_nb":  # counts: no negative (scaled) features
        slice_graph["nodes"] = [n for n in nodes if n["id"] != "scale"]
        slice_graph["edges"] = [
            {"source": "split", "target": "impute"},
            {"source": "impute", "target": "onehot"},
            {"source": "onehot", "target": "model"},
        ]
    return slice_graph


EVIDENCE = {
    "classification": "confusion_matrix",
    "regression": "residuals",
    "clustering": "clusters",
}


@pytest.mark.parametrize("model", model_catalog(), ids=lambda m: m.id)
async def test_every_model_trains_through_a_job_with_its_evaluation(
    harness: Any, slice_graph: dict[str, Any], model: Any
) -> None:
    graph = _graph_for(model.id, model.task, slice_graph)
    job = await harness.create(graph)
    done = await harness.run(job.id)
    assert done.status == JobStatus.SUCCEEDED, done.error
    [entry] = (await _evaluation(harness, job.id))["models"]
    assert (entry["model_type"], entry["task"]) == (model.id, model.task)
    assert entry["metrics"]["test"], "no test metrics"
    assert entry[EVIDENCE[model.task]] is not None
