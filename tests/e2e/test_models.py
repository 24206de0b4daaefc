"""Boosted trees with cross-validation and a clustering model, trained by the worker through the
gateway, and their evaluation data read back for the job and for the model version."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from .helpers import SLICE_GRAPH, upload, wait_for, with_model

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def dataset(api: httpx.Client, churn_csv: bytes) -> dict[str, Any]:
    resp = upload(api, "churn_models.csv", churn_csv)
    assert resp.status_code == 201, resp.text
    return wait_for(api, f"/datasets/{resp.json()['id']}", {"READY", "FAILED"})


def _train(api: httpx.Client, dataset: dict[str, Any], graph: dict[str, Any], name: str) -> Any:
    resp = api.post("/jobs", json={"dataset_id": dataset["id"], "graph": graph, "model_name": name})
    assert resp.status_code == 201, resp.text
    job = wait_for(api, f"/jobs/{resp.json()['id']}", {"SUCCEEDED", "FAILED", "CANCELLED"})
    assert job["status"] == "SUCCEEDED", job["error"]
    return job


def test_xgboost_with_cross_validation_serves_its_evaluation(
    api: httpx.Client, dataset: dict[str, Any]
) -> None:
    params = {
        "n_estimators": 50,
        "class_weight": "balanced",
        "cv_enabled": True,
        "cv_type": "stratified_k_fold",
        "cv_folds": 3,
    }
    job = _train(api, dataset, with_model("xgboost_classifier", params), "churn-xgb")
    assert 0 < job["metrics"]["cv_accuracy_mean"] <= 1 and "cv_accuracy_std" in job["metrics"]

    resp = api.get(f"/jobs/{job['id']}/evaluation")
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["job_id"] == job["id"]
    [model] = body["models"]
    assert (model["node_id"], model["model_type"], model["task"]) == (
        "model",
        "xgboost_classifier",
        "classification",
    )
    assert (model["model_name"], model["model_version"]) == ("churn-xgb", 1)
    assert model["metrics"]["test"]["accuracy"] == job["metrics"]["test_accuracy"]
    cm = model["confusion_matrix"]
    assert cm["labels"] == ["0", "1"] and sum(map(sum, cm["counts"])) == 75
    [roc] = model["roc_curves"]
    assert roc["label"] == "1" and 0.5 < roc["auc"] <= 1 and len(roc["fpr"]) <= 200
    assert roc["fpr"][0] == 0 and roc["tpr"][-1] == 1
    assert len(model["threshold_analysis"]["thresholds"]) == 99
    assert model["calibration"][0]["count"]
    assert model["feature_importances"]["native"] and model["feature_importances"]["permutation"]
    cv = model["cv"]
    assert (cv["type"], cv["folds"]) == ("stratified_k_fold", 3)
    assert len(cv["metrics"]["accuracy"]["folds"]) == 3
    assert cv["metrics"]["accuracy"]["mean"] == pytest.approx(job["metrics"]["cv_accuracy_mean"])

    version = api.get("/models/churn-xgb/versions/1/evaluation")
    assert version.status_code == 200, version.text
    assert version.json()["models"] == body["models"]


def test_clustering_job_records_cluster_sizes(api: httpx.Client, dataset: dict[str, Any]) -> None:
    graph = with_model("kmeans", {"n_clusters": 4})
    split = next(n for n in graph["nodes"] if n["id"] == "split")
    graph["nodes"] = [
        dict(n, params={"test_size": 0.25}) if n is split else n for n in graph["nodes"]
    ]
    job = _train(api, dataset, graph, "churn-segments")
    assert job["metrics"]["test_silhouette"] > -1 and "train_inertia" in job["metrics"]
    [model] = api.get(f"/jobs/{job['id']}/evaluation").json()["models"]
    assert model["task"] == "clustering" and model["confusion_matrix"] is None
    sizes = model["clusters"]["sizes"]
    assert [s["cluster"] for s in sizes] == [0, 1, 2, 3]
    assert sum(s["size"] for s in sizes) == 225
    assert len(model["clusters"]["centroids"]["values"]) == 4

    # Deployed, the model answers each row with its cluster id.
    deployment = api.post("/deployments", json={"model_name": "churn-segments", "model_version": 1})
    assert deployment.status_code == 201, deployment.text
    rows = [
        {
            "age": 30.0,
            "income": 40000.0,
            "tenure_months": 5,
            "city": "Phoenix",
            "plan_type": "basic",
            "monthly_spend": 20.0,
            "churned": 0,
        }
    ] * 2
    resp = api.post(f"/deployments/{deployment.json()['id']}/predict", json={"rows": rows})
    assert resp.status_code == 200, resp.text
    predictions = resp.json()["predictions"]
    assert len(predictions) == 2 and predictions[0] == predictions[1] in {0, 1, 2, 3}


def test_evaluation_of_an_unknown_job_is_not_found(api: httpx.Client) -> None:
    resp = api.get("/jobs/00000000-0000-4000-8000-000000000000/evaluation")
    assert resp.status_code == 404
    assert resp.json()["error"]["code"] == "NOT_FOUND"
    assert SLICE_GRAPH["nodes"][-1]["type"] == "logistic_regression"  # the shared graph untouched
