"""The canvas's backend through the real gateway, every service in its own process: a saved
pipeline's versions and restore, the templates, dataset rows, and a job run from the saved
pipeline whose per-node events arrive over SSE."""

from __future__ import annotations

import copy
import json
from typing import Any

import httpx
import pytest

from .helpers import SLICE_GRAPH, upload, wait_for

pytestmark = pytest.mark.e2e

UNKNOWN = "00000000-0000-4000-8000-000000000000"
LAYOUT = {n["id"]: {"x": 100.0 * i, "y": 40.0} for i, n in enumerate(SLICE_GRAPH["nodes"])}


@pytest.fixture(scope="module")
def dataset(api: httpx.Client, churn_csv: bytes) -> dict[str, Any]:
    created = upload(api, "churn_300.csv", churn_csv)
    assert created.status_code == 201, created.text
    ready = wait_for(api, f"/datasets/{created.json()['id']}", {"READY", "FAILED"})
    assert ready["status"] == "READY", ready
    return ready


def _ok(resp: httpx.Response, status: int = 200) -> dict[str, Any]:
    assert resp.status_code == status, resp.text
    body: dict[str, Any] = resp.json()
    return body


def test_saved_pipeline_versions_rows_and_a_job_with_node_events(
    api: httpx.Client, dataset: dict[str, Any]
) -> None:
    # Version 1: a first draft with no model yet (saved anyway), then two saves.
    draft = {"nodes": SLICE_GRAPH["nodes"][:2], "edges": SLICE_GRAPH["edges"][:1]}
    created = _ok(
        api.post(
            "/pipelines",
            json={"name": "churn canvas", "dataset_id": dataset["id"], "graph": draft},
        ),
        201,
    )
    pid = created["id"]
    assert created["version"] == 1 and created["layout"] == {}
    v2 = _ok(api.put(f"/pipelines/{pid}", json={"graph": SLICE_GRAPH, "layout": LAYOUT}))
    assert v2["version"] == 2 and v2["layout"] == LAYOUT
    renamed = copy.deepcopy(SLICE_GRAPH)
    renamed["nodes"][-1] = {"id": "model", "type": "random_forest_classifier", "params": {}}
    v3 = _ok(api.put(f"/pipelines/{pid}", json={"graph": renamed, "name": "churn forest"}))
    assert v3["version"] == 3 and v3["name"] == "churn forest"

    versions = _ok(api.get(f"/pipelines/{pid}/versions"))["versions"]
    assert [v["version"] for v in versions] == [3, 2, 1]
    assert [len(v["graph"]["nodes"]) for v in versions] == [6, 6, 2]

    # Restoring version 2 (the full logistic-regression graph) makes version 4.
    restored = _ok(api.post(f"/pipelines/{pid}/versions/2/restore"))
    assert restored["version"] == 4 and restored["graph"] == v2["graph"]
    assert restored["layout"] == LAYOUT and restored["name"] == "churn forest"
    listed = _ok(api.get("/pipelines", params={"limit": 500}))
    assert pid in {p["id"] for p in listed["pipelines"]}

    rows = _ok(api.get(f"/datasets/{dataset['id']}/rows", params={"offset": 10, "limit": 5}))
    assert (rows["offset"], rows["limit"], rows["total"]) == (10, 5, 300)
    assert [r["customer_id"] for r in rows["rows"]] == [11, 12, 13, 14, 15]
    assert {"name": "signup_date", "dtype": "Date"} in rows["columns"]

    job = _ok(
        api.post(
            "/jobs",
            json={
                "dataset_id": dataset["id"],
                "graph": restored["graph"],
                "pipeline_id": pid,
                "pipeline_version": 4,
            },
        ),
        201,
    )
    assert (job["pipeline_id"], job["pipeline_version"]) == (pid, 4)
    events: list[tuple[str, dict[str, Any]]] = []
    with api.stream("GET", f"/jobs/{job['id']}/events") as resp:
        assert resp.status_code == 200
        name = ""
        for line in resp.iter_lines():
            if line.startswith("event:"):
                name = line[6:].strip()
            elif line.startswith("data:"):
                events.append((name, json.loads(line[5:])))
    assert events[-1][1]["status"] == "SUCCEEDED", events[-1]
    nodes = [(d["node_id"], d["node_status"]) for n, d in events if n == "node"]
    assert all(d["type"] == "node" for n, d in events if n == "node")
    order = [n["id"] for n in SLICE_GRAPH["nodes"]]
    assert nodes == [(n, "queued") for n in order] + [
        (n, s) for n in order for s in ("running", "done")
    ]
    done = _ok(api.get(f"/jobs/{job['id']}"))
    assert (done["pipeline_id"], done["pipeline_version"]) == (pid, 4)

    _ok(api.delete(f"/pipelines/{pid}"))
    assert api.get(f"/pipelines/{pid}").status_code == 404


def test_templates_are_listed(api: httpx.Client) -> None:
    templates = _ok(api.get("/pipelines/templates"))["templates"]
    assert {t["id"] for t in templates} >= {
        "binary_classification",
        "regression",
        "imbalanced_classification",
        "text_classification",
        "date_features",
    }
    for template in templates:
        assert _ok(api.post("/pipelines/validate", json={"graph": template["graph"]}))["valid"]


def test_partial_validation_is_what_a_preview_of_a_drawn_graph_needs(
    api: httpx.Client, dataset: dict[str, Any]
) -> None:
    """A split without target is fine while drawing; an imputer naming no column is not."""
    drawn = {
        "nodes": [
            {"id": "split", "type": "TrainTestSplitter", "params": {}},
            {"id": "impute", "type": "SimpleImputer", "params": {"columns": ["nope"]}},
        ],
        "edges": [{"source": "split", "target": "impute"}],
    }
    body = {"graph": drawn, "dataset_id": dataset["id"]}
    full = _ok(api.post("/pipelines/validate", json=body))
    partial = _ok(api.post("/pipelines/validate", json={**body, "partial": True}))
    assert not full["valid"] and not partial["valid"]
    assert {e["node_id"] for e in partial["errors"]} == {"impute"}
    assert partial["errors"][0]["column"] == "nope"
    assert len(full["errors"]) > len(partial["errors"])
    drawn["nodes"][1]["params"] = {"columns": ["age"]}
    assert _ok(api.post("/pipelines/validate", json={**body, "partial": True}))["valid"]
    preview = _ok(api.post("/pipelines/preview", json={**body, "rows": 2}))
    assert [n["node_id"] for n in preview["nodes"]] == ["split", "impute"]


def test_canvas_bad_input(api: httpx.Client, dataset: dict[str, Any]) -> None:
    resp = api.get(f"/pipelines/{UNKNOWN}")
    assert resp.status_code == 404 and UNKNOWN in resp.json()["error"]["message"]
    pid = _ok(api.post("/pipelines", json={"name": "p", "graph": SLICE_GRAPH}), 201)["id"]
    resp = api.post(f"/pipelines/{pid}/versions/7/restore")
    assert resp.status_code == 404 and "has no version 7" in resp.json()["error"]["message"]
    resp = api.post(
        "/jobs", json={"dataset_id": dataset["id"], "graph": SLICE_GRAPH, "pipeline_id": UNKNOWN}
    )
    assert resp.status_code == 404 and UNKNOWN in resp.json()["error"]["message"]
    for params in ({"limit": 0}, {"limit": 1001}):
        resp = api.get(f"/datasets/{dataset['id']}/rows", params=params)
        assert resp.status_code == 400 and resp.json()["error"]["details"]["field"] == "limit"
    resp = api.get(f"/datasets/{UNKNOWN}/rows")
    assert resp.status_code == 404

    # A file that passes the upload's sniffing but fails ingestion past its first megabyte: its
    # rows are a 409 while it is PENDING and once it is FAILED, never a 500.
    ragged = b"a,b\n" + b"1,2\n" * 300_000 + b"1,2,3,4\n"
    created = upload(api, "ragged.csv", ragged).json()
    resp = api.get(f"/datasets/{created['id']}/rows")
    assert resp.status_code == 409, resp.text
    assert resp.json()["error"]["details"]["status"] in {"PENDING", "FAILED"}
    assert wait_for(api, f"/datasets/{created['id']}", {"READY", "FAILED"})["status"] == "FAILED"
    resp = api.get(f"/datasets/{created['id']}/rows")
    assert resp.status_code == 409 and resp.json()["error"]["details"]["status"] == "FAILED"
