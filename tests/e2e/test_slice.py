"""The thin slice through the gateway, every hop over gRPC, every service in its own process:
upload -> profile -> validate/preview -> train -> register -> deploy -> predict (REST and OIP),
and the advisor. Runs on embedded defaults and on real PostgreSQL, Redis and S3."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from skyulf_platform.stack import Stack

from .helpers import SLICE_GRAPH, upload, wait_for, with_model

pytestmark = pytest.mark.e2e

ROWS = [
    {
        "customer_id": 9001,
        "age": 41.0,
        "income": 52000.0,
        "tenure_months": 3,
        "city": "Phoenix",
        "signup_date": "2023-02-01",
        "lat": 33.4,
        "lon": -112.0,
        "plan_type": "basic",
        "monthly_spend": 25.5,
    },
    {
        "customer_id": 9002,
        "age": None,
        "income": 80000.0,
        "tenure_months": 60,
        "city": "Atlantis",
        "signup_date": "2020-01-01",
        "lat": 40.7,
        "lon": -74.0,
        "plan_type": "premium",
        "monthly_spend": 55.0,
    },
]


@pytest.fixture(scope="module")
def dataset(api: httpx.Client, churn_csv: bytes) -> dict[str, Any]:
    resp = upload(api, "churn_300.csv", churn_csv)
    assert resp.status_code == 201, resp.text
    created = resp.json()
    assert created["status"] in {"PENDING", "READY"}
    return wait_for(api, f"/datasets/{created['id']}", {"READY", "FAILED"})


@pytest.fixture(scope="module")
def trained(api: httpx.Client, dataset: dict[str, Any]) -> dict[str, Any]:
    resp = api.post(
        "/jobs", json={"dataset_id": dataset["id"], "graph": SLICE_GRAPH, "model_name": "churn"}
    )
    assert resp.status_code == 201, resp.text
    return wait_for(api, f"/jobs/{resp.json()['id']}", {"SUCCEEDED", "FAILED", "CANCELLED"})


@pytest.fixture(scope="module")
def deployment(api: httpx.Client, trained: dict[str, Any]) -> dict[str, Any]:
    resp = api.post("/deployments", json={"model_name": "churn", "model_version": 1})
    assert resp.status_code == 201, resp.text
    return resp.json()


def test_health_reports_every_service(stack: Stack) -> None:
    body = httpx.get(f"{stack.url}/healthz").json()
    assert body["status"] == "ok"
    assert set(body["services"]) == {"ingestion", "pipeline", "registry", "deployment", "advisor"}


def test_canvas_and_docs_are_served(stack: Stack) -> None:
    index = httpx.get(f"{stack.url}/")
    assert index.status_code == 200 and "Skyulf" in index.text
    spec = httpx.get(f"{stack.url}/openapi.json").json()
    assert "/api/v1/jobs" in spec["paths"]


def test_upload_gives_a_profiled_dataset(api: httpx.Client, dataset: dict[str, Any]) -> None:
    assert dataset["status"] == "READY", dataset
    assert dataset["n_rows"] == 300
    assert dataset["n_columns"] == 11
    assert [c["name"] for c in dataset["columns"]][:3] == ["customer_id", "age", "income"]
    profile = api.get(f"/datasets/{dataset['id']}/profile").json()
    by_name = {c["name"]: c for c in profile["columns"]}
    assert by_name["income"]["missing_count"] > 0
    assert profile["n_rows"] == 300
    histogram = by_name["income"]["histogram"]
    assert sum(histogram["counts"]) == 300 - by_name["income"]["missing_count"]
    assert by_name["city"]["top_values"] and by_name["city"]["histogram"] is None


def test_node_catalog_has_schemas(api: httpx.Client) -> None:
    nodes = {n["id"]: n for n in api.get("/nodes").json()["nodes"]}
    for node_id in ("TrainTestSplitter", "SimpleImputer", "OneHotEncoder", "StandardScaler"):
        assert node_id in nodes
    assert {"logistic_regression", "random_forest_classifier"} <= set(nodes)
    assert "strategy" in nodes["SimpleImputer"]["params_schema"]["properties"]


def test_validate_and_preview(api: httpx.Client, dataset: dict[str, Any]) -> None:
    ok = api.post("/pipelines/validate", json={"graph": SLICE_GRAPH, "dataset_id": dataset["id"]})
    assert ok.status_code == 200 and ok.json() == {"valid": True, "errors": []}

    leaky = json.loads(json.dumps(SLICE_GRAPH))
    leaky["nodes"].insert(0, {"id": "early_scale", "type": "StandardScaler", "params": {}})
    leaky["edges"].insert(0, {"source": "early_scale", "target": "drop"})
    bad = api.post("/pipelines/validate", json={"graph": leaky}).json()
    assert bad["valid"] is False
    assert any(e["node_id"] == "early_scale" for e in bad["errors"])

    preview = api.post(
        "/pipelines/preview", json={"dataset_id": dataset["id"], "graph": SLICE_GRAPH, "rows": 5}
    )
    assert preview.status_code == 200, preview.text
    nodes = {n["node_id"]: n for n in preview.json()["nodes"]}
    onehot_cols = {c["name"] for c in nodes["onehot"]["columns"]}
    assert "plan_type_basic" in onehot_cols and "city" not in onehot_cols
    assert len(nodes["onehot"]["rows"]) == 5


def test_training_registers_version_one(api: httpx.Client, trained: dict[str, Any]) -> None:
    assert trained["status"] == "SUCCEEDED", trained
    assert trained["model_name"] == "churn"
    assert trained["model_version"] == 1
    assert 0.5 < trained["metrics"]["test_accuracy"] <= 1.0
    version = api.get("/models/churn/versions/1").json()
    assert version["lineage"]["job_id"] == trained["id"]
    assert version["metrics"]["test_accuracy"] == pytest.approx(trained["metrics"]["test_accuracy"])
    assert "churn" in {m["name"] for m in api.get("/models").json()["models"]}


def test_job_events_stream_to_the_end(api: httpx.Client, trained: dict[str, Any]) -> None:
    with api.stream("GET", f"/jobs/{trained['id']}/events") as resp:
        assert resp.status_code == 200
        data = [json.loads(line[5:]) for line in resp.iter_lines() if line.startswith("data:")]
    assert data[-1]["status"] == "SUCCEEDED"
    seqs = [d["seq"] for d in data]
    assert seqs == sorted(seqs) and len(seqs) >= 3


def test_second_run_is_version_two(
    api: httpx.Client, dataset: dict[str, Any], trained: dict[str, Any]
) -> None:
    graph = with_model("random_forest_classifier", {"n_estimators": 20})
    job = api.post(
        "/jobs", json={"dataset_id": dataset["id"], "graph": graph, "model_name": "churn"}
    )
    assert job.status_code == 201, job.text
    done = wait_for(api, f"/jobs/{job.json()['id']}", {"SUCCEEDED", "FAILED"})
    assert done["status"] == "SUCCEEDED", done
    assert done["model_version"] == 2
    assert (
        api.get("/models/churn/versions/latest").json()["model_type"] == "random_forest_classifier"
    )


def test_deploy_and_predict(api: httpx.Client, deployment: dict[str, Any]) -> None:
    assert deployment["model_version"] == 1
    resp = api.post(f"/deployments/{deployment['id']}/predict", json={"rows": ROWS})
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert len(body["predictions"]) == 2
    assert set(body["predictions"]) <= {0, 1}
    for probs in body["probabilities"]:
        assert sum(probs.values()) == pytest.approx(1.0)


def test_a_served_version_cannot_be_deleted(api: httpx.Client, deployment: dict[str, Any]) -> None:
    resp = api.delete("/models/Churn /versions/1")
    assert resp.status_code == 409, resp.text
    error = resp.json()["error"]
    assert error["details"]["deployments"] == [deployment["name"]]
    assert deployment["name"] in error["message"]
    # Still registered, and still answering.
    assert api.get("/models/churn/versions/1").status_code == 200
    assert api.post(f"/deployments/{deployment['id']}/predict", json={"rows": ROWS}).is_success


def test_open_inference_protocol_rest(stack: Stack, deployment: dict[str, Any]) -> None:
    base = f"{stack.predictor_url}/v2/models/{deployment['name']}"
    assert httpx.get(f"{base}/ready", headers=stack.auth_headers).status_code == 200
    inputs = []
    for col in ROWS[0]:
        values = [r[col] for r in ROWS]
        kind = "BYTES" if isinstance(values[0], str) else "FP64"
        inputs.append({"name": col, "shape": [2], "datatype": kind, "data": values})
    resp = httpx.post(
        f"{base}/infer",
        json={"inputs": inputs, "parameters": {"content_type": "pd"}},
        headers=stack.auth_headers,
    )
    assert resp.status_code == 200, resp.text
    outputs = {o["name"]: o for o in resp.json()["outputs"]}
    assert outputs["predict"]["shape"] == [2]


def test_advisor_recommends_nodes(api: httpx.Client, dataset: dict[str, Any]) -> None:
    resp = api.get(f"/datasets/{dataset['id']}/recommendations", params={"target": "churned"})
    assert resp.status_code == 200, resp.text
    recs = resp.json()["recommendations"]
    types = {r["node"]["type"] for r in recs if r["node"]}
    assert "SimpleImputer" in types
    imputer = next(r for r in recs if r["node"] and r["node"]["type"] == "SimpleImputer")
    assert {"age", "income"} & set(imputer["columns"])
