"""Every way a user can get the slice wrong: a 4xx naming the fault, never a 500, no damage."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from .helpers import SLICE_GRAPH, upload, wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.stacks("real-parts")]

UNKNOWN = "00000000-0000-4000-8000-000000000000"


def _error(resp: httpx.Response, status: int) -> dict[str, Any]:
    assert resp.status_code == status, resp.text
    err: dict[str, Any] = resp.json()["error"]
    assert set(err) == {"code", "message", "details"}
    return err


@pytest.fixture(scope="module")
def ready_dataset(api: httpx.Client, churn_csv: bytes) -> dict[str, Any]:
    created = upload(api, "churn_300.csv", churn_csv).json()
    return wait_for(api, f"/datasets/{created['id']}", {"READY", "FAILED"})


def test_unknown_ids_are_404(api: httpx.Client) -> None:
    for path in (
        f"/datasets/{UNKNOWN}",
        f"/datasets/{UNKNOWN}/profile",
        f"/jobs/{UNKNOWN}",
        f"/deployments/{UNKNOWN}",
        "/models/no-such-model/versions/1",
        "/datasets/not-a-uuid",
    ):
        err = _error(api.get(path), 404)
        assert err["code"] == "NOT_FOUND"


def test_not_a_csv_names_the_file(api: httpx.Client) -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))
    err = _error(upload(api, "picture.csv", png), 400)
    assert "picture.csv" in err["message"]
    err = _error(upload(api, "empty.csv", b""), 400)
    assert "empty.csv" in err["message"]


def test_malformed_graph_is_400(api: httpx.Client, ready_dataset: dict[str, Any]) -> None:
    err = _error(
        api.post("/jobs", json={"dataset_id": ready_dataset["id"], "graph": {"edges": []}}), 400
    )
    assert "nodes" in err["message"]
    graph = json.loads(json.dumps(SLICE_GRAPH))
    graph["nodes"][2]["params"]["columns"] = ["age", "no_such_column"]
    err = _error(api.post("/jobs", json={"dataset_id": ready_dataset["id"], "graph": graph}), 400)
    assert "no_such_column" in json.dumps(err)
    graph = json.loads(json.dumps(SLICE_GRAPH))
    graph["nodes"][-1]["type"] = "quantum_forest"
    err = _error(api.post("/jobs", json={"dataset_id": ready_dataset["id"], "graph": graph}), 400)
    assert "quantum_forest" in json.dumps(err)
    err = _error(api.post("/jobs", json={"dataset_id": UNKNOWN, "graph": SLICE_GRAPH}), 404)


def test_predict_with_missing_column_names_it(
    api: httpx.Client, ready_dataset: dict[str, Any]
) -> None:
    job = api.post(
        "/jobs",
        json={"dataset_id": ready_dataset["id"], "graph": SLICE_GRAPH, "model_name": "badinput"},
    ).json()
    assert wait_for(api, f"/jobs/{job['id']}", {"SUCCEEDED", "FAILED"})["status"] == "SUCCEEDED"
    dep = api.post("/deployments", json={"model_name": "badinput"}).json()
    row = {"age": 30, "income": 1000.0, "tenure_months": 2, "city": "Phoenix", "plan_type": "basic"}
    err = _error(api.post(f"/deployments/{dep['id']}/predict", json={"rows": [row]}), 400)
    assert "monthly_spend" in err["message"]
    _error(api.post(f"/deployments/{dep['id']}/predict", json={"rows": []}), 400)
    # The deployment still serves after bad calls.
    dup = _error(api.post("/deployments", json={"model_name": "badinput"}), 409)
    assert "badinput" in dup["message"]


def test_deploying_unknown_model_is_404(api: httpx.Client) -> None:
    err = _error(api.post("/deployments", json={"model_name": "ghost", "model_version": 3}), 404)
    assert "ghost" in err["message"]


def test_cancel_finished_job_is_409(api: httpx.Client, ready_dataset: dict[str, Any]) -> None:
    job = api.post(
        "/jobs", json={"dataset_id": ready_dataset["id"], "graph": SLICE_GRAPH, "model_name": "c"}
    ).json()
    done = wait_for(api, f"/jobs/{job['id']}", {"SUCCEEDED", "FAILED"})
    err = _error(api.post(f"/jobs/{done['id']}/cancel"), 409)
    assert done["status"] in err["message"]
