"""One pipeline with a node from every group of the node library, through the gateway: validated,
previewed, trained by the worker, registered, deployed, and predicting one output per row."""

from __future__ import annotations

import itertools
from typing import Any

import httpx
import pytest

from .helpers import upload, wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.stacks("real-parts")]

NODES: list[dict[str, Any]] = [
    # cleaning (stateless, before the split)
    {
        "id": "clean_city",
        "type": "TextCleaning",
        "params": {
            "columns": ["city"],
            "operations": [{"op": "trim"}, {"op": "case", "mode": "lower"}],
        },
    },
    # splitting
    {
        "id": "split",
        "type": "TrainTestSplitter",
        "params": {"target_column": "churned", "test_size": 0.25, "stratify": True},
    },
    # missing
    {"id": "knn", "type": "KNNImputer", "params": {"columns": ["age", "income", "lat", "lon"]}},
    # geo
    {
        "id": "geo",
        "type": "GeoDistance",
        "params": {"lat1": "lat", "lon1": "lon", "ref_lat": 40.7128, "ref_lon": -74.006},
    },
    # timeseries
    {
        "id": "dates",
        "type": "DateFeatures",
        "params": {
            "columns": ["signup_date"],
            "features": ["year", "month", "dayofweek"],
            "drop_original": True,
        },
    },
    # outliers (train only)
    {"id": "iqr", "type": "IQR", "params": {"columns": ["income"], "multiplier": 3.0}},
    # transform
    {
        "id": "log_income",
        "type": "GeneralTransformation",
        "params": {"transformations": [{"column": "income", "method": "log"}]},
    },
    # binning
    {
        "id": "age_bins",
        "type": "GeneralBinning",
        "params": {"columns": ["age"], "strategy": "equal_frequency", "n_bins": 4},
    },
    # features
    {
        "id": "value",
        "type": "FeatureGeneration",
        "params": {
            "operations": [
                {
                    "operation_type": "arithmetic",
                    "method": "multiply",
                    "input_columns": ["monthly_spend", "tenure_months"],
                    "output_column": "lifetime_spend",
                }
            ]
        },
    },
    # text
    {"id": "city_tfidf", "type": "tfidf_vectorizer", "params": {"columns": ["city"]}},
    # encoding
    {"id": "plan", "type": "OneHotEncoder", "params": {"columns": ["plan_type"]}},
    # cleaning (drop what the model should not see)
    {
        "id": "drop",
        "type": "DropMissingColumns",
        "params": {"columns": ["customer_id", "lat", "lon"]},
    },
    # scaling
    {"id": "scale", "type": "StandardScaler", "params": {}},
    # resampling (train only)
    {
        "id": "smote",
        "type": "Oversampling",
        "params": {"method": "smote", "target_column": "churned"},
    },
    # selection
    {"id": "variance", "type": "VarianceThreshold", "params": {"threshold": 0.0}},
    {"id": "model", "type": "random_forest_classifier", "params": {"n_estimators": 30}},
]
GRAPH = {
    "nodes": NODES,
    "edges": [{"source": a["id"], "target": b["id"]} for a, b in itertools.pairwise(NODES)],
}
ROW = {
    "customer_id": 1,
    "age": 37.0,
    "income": 37185.0,
    "tenure_months": 32,
    "city": " Phoenix ",
    "signup_date": "2021-08-10",
    "lat": 33.4141,
    "lon": -112.0711,
    "plan_type": "premium",
    "monthly_spend": 50.82,
}


def test_every_node_group_in_one_pipeline(api: httpx.Client, churn_csv: bytes) -> None:
    groups = {n["group"] for n in api.get("/nodes").json()["nodes"]} - {"model"}
    used = {n["type"] for n in NODES}
    catalog = {n["id"]: n["group"] for n in api.get("/nodes").json()["nodes"]}
    assert {catalog[t] for t in used} >= groups, groups - {catalog[t] for t in used}

    created = upload(api, "churn_groups.csv", churn_csv).json()
    dataset = wait_for(api, f"/datasets/{created['id']}", {"READY", "FAILED"})

    report = api.post("/pipelines/validate", json={"graph": GRAPH, "dataset_id": dataset["id"]})
    assert report.json() == {"valid": True, "errors": []}, report.text

    preview = api.post(
        "/pipelines/preview", json={"dataset_id": dataset["id"], "graph": GRAPH, "rows": 3}
    )
    assert preview.status_code == 200, preview.text
    by_node = {n["node_id"]: n for n in preview.json()["nodes"]}
    assert "geo_distance_km" in {c["name"] for c in by_node["geo"]["columns"]}

    job = api.post(
        "/jobs", json={"dataset_id": dataset["id"], "graph": GRAPH, "model_name": "all-groups"}
    )
    assert job.status_code == 201, job.text
    done = wait_for(api, f"/jobs/{job.json()['id']}", {"SUCCEEDED", "FAILED"}, timeout=240)
    assert done["status"] == "SUCCEEDED", done
    assert 0.5 < done["metrics"]["test_accuracy"] <= 1.0

    dep = api.post(
        "/deployments", json={"model_name": "all-groups", "model_version": done["model_version"]}
    )
    assert dep.status_code == 201, dep.text
    rows = [ROW, {**ROW, "age": None, "city": "Atlantis", "income": 90000.0}]
    pred = api.post(f"/deployments/{dep.json()['id']}/predict", json={"rows": rows})
    assert pred.status_code == 200, pred.text
    assert len(pred.json()["predictions"]) == 2
