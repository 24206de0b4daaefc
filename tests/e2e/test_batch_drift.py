"""Batch scoring, drift, canary counters and adaptive batching, through the gateway, with every
service, the worker and the prediction server in their own processes."""

from __future__ import annotations

import concurrent.futures
import csv
import io
import time
from typing import Any

import httpx
import pandas as pd
import pytest

from .helpers import SLICE_GRAPH, AlertReceiver, upload, wait_for

pytestmark = pytest.mark.e2e

NOTES = ['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "\tTAB", "plain"]


def _csv(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False).encode()


@pytest.fixture(scope="module")
def churn(churn_csv: bytes) -> pd.DataFrame:
    frame = pd.read_csv(io.BytesIO(churn_csv))
    frame["note"] = [NOTES[i % len(NOTES)] for i in range(len(frame))]
    return frame


@pytest.fixture(scope="module")
def dataset(api: httpx.Client, churn: pd.DataFrame) -> dict[str, Any]:
    resp = upload(api, "churn_batch.csv", _csv(churn))
    assert resp.status_code == 201, resp.text
    return wait_for(api, f"/datasets/{resp.json()['id']}", {"READY", "FAILED"})


@pytest.fixture(scope="module")
def shifted(api: httpx.Client, churn: pd.DataFrame) -> dict[str, Any]:
    frame = churn.copy()
    frame["income"] = frame["income"] * 3 + 50_000
    frame["plan_type"] = "premium"
    resp = upload(api, "churn_shifted.csv", _csv(frame))
    assert resp.status_code == 201, resp.text
    return wait_for(api, f"/datasets/{resp.json()['id']}", {"READY", "FAILED"})


@pytest.fixture(scope="module")
def training(api: httpx.Client, churn_csv: bytes) -> dict[str, Any]:
    resp = upload(api, "churn_training.csv", churn_csv)
    assert resp.status_code == 201, resp.text
    return wait_for(api, f"/datasets/{resp.json()['id']}", {"READY", "FAILED"})


@pytest.fixture(scope="module")
def deployment(api: httpx.Client, training: dict[str, Any]) -> dict[str, Any]:
    for _ in range(2):
        resp = api.post(
            "/jobs",
            json={"dataset_id": training["id"], "graph": SLICE_GRAPH, "model_name": "churn-batch"},
        )
        assert resp.status_code == 201, resp.text
        job = wait_for(api, f"/jobs/{resp.json()['id']}", {"SUCCEEDED", "FAILED"}, timeout=240)
        assert job["status"] == "SUCCEEDED", job["error"]
    resp = api.post("/deployments", json={"model_name": "churn-batch", "model_version": 1})
    assert resp.status_code == 201, resp.text
    return dict(resp.json())


def _rows(churn: pd.DataFrame, n: int) -> list[dict[str, Any]]:
    return [
        {k: (None if pd.isna(v) else v) for k, v in row.items()}
        for row in churn.drop(columns=["churned"]).head(n).to_dict("records")
    ]


def test_a_canary_counts_each_version_through_the_gateway(
    api: httpx.Client, deployment: dict[str, Any], churn: pd.DataFrame
) -> None:
    dep_id = deployment["id"]
    resp = api.patch(f"/deployments/{dep_id}", json={"canary_version": 2, "canary_percent": 50})
    assert resp.status_code == 200, resp.text
    time.sleep(3.5)  # past the prediction server's deployment TTL
    before = {
        v["version"]: v["requests"]
        for v in api.get(f"/deployments/{dep_id}/stats").json()["versions"]
    }
    answered = {1: 0, 2: 0}
    for _ in range(60):
        reply = api.post(f"/deployments/{dep_id}/predict", json={"rows": _rows(churn, 2)})
        assert reply.status_code == 200, reply.text
        answered[reply.json()["model_version"]] += 1
    assert answered[1] and answered[2]
    stats = api.get(f"/deployments/{dep_id}/stats")
    assert stats.status_code == 200, stats.text
    body = stats.json()
    by_version = {v["version"]: v for v in body["versions"]}
    assert by_version[1]["role"] == "primary" and by_version[2]["role"] == "canary"
    for version in (1, 2):
        v = by_version[version]
        assert v["requests"] - before.get(version, 0) == answered[version]
        assert v["errors"] == 0 and v["latency_p95_ms"] >= v["latency_p50_ms"] > 0
    assert api.get("/deployments/no-such-endpoint/stats").status_code == 404
    # Back to one version for the tests below.
    assert api.patch(f"/deployments/{dep_id}", json={"model_version": 1}).status_code == 200


def test_batch_scoring_writes_a_new_dataset_downloadable_as_parquet_and_safe_csv(
    api: httpx.Client, deployment: dict[str, Any], dataset: dict[str, Any]
) -> None:
    resp = api.post(
        "/batch-jobs",
        json={
            "deployment_id": deployment["name"],
            "dataset_id": dataset["id"],
            "key_columns": ["customer_id", "note"],
        },
    )
    assert resp.status_code == 201, resp.text
    created = resp.json()
    assert (created["model_name"], created["model_version"]) == ("churn-batch", 1)
    job = wait_for(api, f"/batch-jobs/{created['id']}", {"SUCCEEDED", "FAILED"}, timeout=180)
    assert job["status"] == "SUCCEEDED", job["error"]
    assert job["n_rows"] == 300 and job["output_dataset_id"]
    out = wait_for(api, f"/datasets/{job['output_dataset_id']}", {"READY", "FAILED"})
    assert out["status"] == "READY" and out["n_rows"] == 300
    listed = api.get("/batch-jobs", params={"deployment_id": deployment["id"]}).json()["jobs"]
    assert created["id"] in [j["id"] for j in listed]

    parquet = api.get(f"/batch-jobs/{job['id']}/download", params={"format": "parquet"})
    assert parquet.status_code == 200, parquet.text
    frame = pd.read_parquet(io.BytesIO(parquet.content))
    assert list(frame.columns) == ["customer_id", "note", "prediction", "proba_0", "proba_1"]
    assert frame["note"].tolist()[: len(NOTES)] == NOTES  # Parquet keeps the values
    assert ((frame["proba_0"] + frame["proba_1"]).round(6) == 1).all()

    text = api.get(f"/batch-jobs/{job['id']}/download", params={"format": "csv"})
    assert text.status_code == 200 and text.headers["content-type"].startswith("text/csv")
    assert "attachment" in text.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(text.text)))
    assert len(rows) == 300
    notes = [r["note"] for r in rows[: len(NOTES)]]
    assert notes == ["'" + n if n != "plain" else n for n in NOTES]
    # Numbers stay numbers; the predictions are the endpoint's.
    assert rows[0]["customer_id"] == "1"
    single = api.post(
        f"/deployments/{deployment['id']}/predict",
        json={
            "rows": [
                {
                    "age": 37.0,
                    "income": 37185.0,
                    "tenure_months": 32,
                    "city": "Phoenix",
                    "plan_type": "premium",
                    "monthly_spend": 50.82,
                }
            ]
        },
    ).json()
    assert str(single["predictions"][0]) == rows[0]["prediction"]

    # The same with a registered version named directly.
    by_version = api.post(
        "/batch-jobs",
        json={"model_name": "churn-batch", "model_version": 2, "dataset_id": dataset["id"]},
    )
    assert by_version.status_code == 201, by_version.text
    done = wait_for(api, f"/batch-jobs/{by_version.json()['id']}", {"SUCCEEDED", "FAILED"}, 180)
    assert done["status"] == "SUCCEEDED" and done["model_version"] == 2


@pytest.mark.parametrize(
    ("body", "status", "names"),
    [
        ({"dataset_id": "x"}, 400, "deployment_id"),
        (
            {"deployment_id": "{dep}", "model_name": "churn-batch", "dataset_id": "{ds}"},
            400,
            "deployment_id",
        ),
        ({"deployment_id": "{dep}", "dataset_id": "{ds}", "key_columns": ["nope"]}, 400, "nope"),
        ({"deployment_id": "{dep}", "dataset_id": "{ds}", "dataset_version": 9}, 404, "version 9"),
        (
            {"deployment_id": "{dep}", "dataset_id": "00000000-0000-0000-0000-000000000000"},
            404,
            "00000000",
        ),
        ({"model_name": "churn-batch", "model_version": 99, "dataset_id": "{ds}"}, 404, "99"),
        (
            {"deployment_id": "{dep}", "dataset_id": "{ds}", "key_columns": "customer_id"},
            400,
            "key_columns",
        ),
    ],
)
def test_bad_batch_requests_name_the_field(
    api: httpx.Client,
    deployment: dict[str, Any],
    dataset: dict[str, Any],
    body: dict[str, Any],
    status: int,
    names: str,
) -> None:
    filled = {
        k: (v.format(dep=deployment["id"], ds=dataset["id"]) if isinstance(v, str) else v)
        for k, v in body.items()
    }
    resp = api.post("/batch-jobs", json=filled)
    assert resp.status_code == status, resp.text
    assert names in resp.text


def test_export_of_an_unknown_dataset_or_format_is_refused(api: httpx.Client) -> None:
    resp = api.get("/datasets/00000000-0000-0000-0000-000000000000/export")
    assert resp.status_code == 404, resp.text
    resp = api.get("/datasets/x/export", params={"format": "xlsx"})
    assert resp.status_code == 400 and "format" in resp.text
    assert api.get("/batch-jobs/nope").status_code == 404


def test_drift_against_a_shifted_dataset_is_high_on_the_shifted_columns(
    api: httpx.Client,
    deployment: dict[str, Any],
    dataset: dict[str, Any],
    shifted: dict[str, Any],
    alert_receiver: AlertReceiver,
) -> None:
    dep_id = deployment["id"]
    same = api.post(f"/deployments/{dep_id}/drift", json={"dataset_id": dataset["id"]})
    moved = api.post(f"/deployments/{dep_id}/drift", json={"dataset_id": shifted["id"]})
    assert same.status_code == 201 and moved.status_code == 201, moved.text
    path = f"/deployments/{dep_id}/drift"
    a = wait_for(api, f"{path}/{same.json()['id']}", {"SUCCEEDED", "FAILED"}, 120)
    b = wait_for(api, f"{path}/{moved.json()['id']}", {"SUCCEEDED", "FAILED"}, 120)
    assert a["status"] == "SUCCEEDED" and b["status"] == "SUCCEEDED", (a["error"], b["error"])
    assert a["severity"] in ("none", "low") and not a["result"]["alert"]
    columns = {c["name"]: c for c in b["result"]["columns"]}
    assert columns["income"]["severity"] == "high" and columns["plan_type"]["severity"] == "high"
    assert {t["test"] for t in columns["income"]["tests"]} == {"psi", "ks", "wasserstein"}
    assert {t["test"] for t in columns["plan_type"]["tests"]} == {"psi", "chi2"}
    assert b["severity"] == "high" and b["result"]["alert"]
    assert {"income", "plan_type"} <= set(b["result"]["drifted"])
    # Pushed to the webhook once, and the report says so (naming the host, not the secret path).
    assert a["result"]["alert_delivery"] is None
    assert b["result"]["alert_delivery"] == {
        "status": "delivered",
        "target": alert_receiver.target,
        "attempts": 1,
        "error": None,
    }
    [pushed] = [r for r in alert_receiver.received if r["body"]["report_id"] == b["id"]]
    assert pushed["path"] == alert_receiver.SECRET_PATH
    assert pushed["body"]["kind"] == "drift" and pushed["body"]["severity"] == "high"
    assert pushed["body"]["deployment_id"] == dep_id
    assert {"income", "plan_type"} <= set(pushed["body"]["drifted"])
    assert "churn-batch" in pushed["body"]["text"]
    listed = api.get(path).json()["reports"]
    assert [r["id"] for r in listed[:2]] == [b["id"], a["id"]]


def test_drift_on_logged_inputs(
    api: httpx.Client, deployment: dict[str, Any], churn: pd.DataFrame
) -> None:
    dep_id = deployment["id"]
    resp = api.patch(f"/deployments/{dep_id}", json={"log_sample_rate": 1.0, "settings_only": True})
    assert resp.status_code == 200 and resp.json()["log_sample_rate"] == 1.0, resp.text
    time.sleep(3.5)
    for start in range(0, 200, 50):
        rows = _rows(churn.iloc[start:], 50)
        assert api.post(f"/deployments/{dep_id}/predict", json={"rows": rows}).status_code == 200
    time.sleep(6.5)  # the prediction server writes its input log every 5 s
    created = api.post(f"/deployments/{dep_id}/drift", json={"days": 1})
    assert created.status_code == 201, created.text
    report = wait_for(
        api, f"/deployments/{dep_id}/drift/{created.json()['id']}", {"SUCCEEDED", "FAILED"}, 120
    )
    assert report["status"] == "SUCCEEDED", report["error"]
    assert report["source"] == "logged_inputs" and report["n_rows"] >= 200
    assert (
        api.patch(
            f"/deployments/{dep_id}", json={"log_sample_rate": 0, "settings_only": True}
        ).status_code
        == 200
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"days": 0}, "days"),
        ({"days": 400}, "days"),
        ({"dataset_id": "00000000-0000-0000-0000-000000000000"}, "00000000"),
        ({"dataset_version": -1, "dataset_id": "x"}, "dataset_version"),
    ],
)
def test_bad_drift_requests_name_the_field(
    api: httpx.Client, deployment: dict[str, Any], body: dict[str, Any], field: str
) -> None:
    resp = api.post(f"/deployments/{deployment['id']}/drift", json=body)
    assert resp.status_code in (400, 404), resp.text
    assert field in resp.text
    assert api.get("/deployments/nope/drift").status_code == 404


def test_adaptive_batching_serves_concurrent_calls(
    api: httpx.Client, stack: Any, deployment: dict[str, Any], churn: pd.DataFrame
) -> None:
    dep_id = deployment["id"]
    resp = api.patch(
        f"/deployments/{dep_id}",
        json={"batch_max_size": 32, "batch_max_wait_ms": 5, "settings_only": True},
    )
    assert resp.status_code == 200 and resp.json()["batch_max_size"] == 32, resp.text
    bad = api.patch(
        f"/deployments/{dep_id}", json={"batch_max_wait_ms": 99999, "settings_only": True}
    )
    assert bad.status_code == 400 and "batch_max_wait_ms" in bad.text
    time.sleep(3.5)
    rows = _rows(churn, 16)
    expected = [
        api.post(f"/deployments/{dep_id}/predict", json={"rows": [r]}).json()["predictions"][0]
        for r in rows
    ]

    def call(i: int) -> Any:
        with httpx.Client(base_url=f"{stack.url}/api/v1", headers=dict(api.headers)) as c:
            return c.post(f"/deployments/{dep_id}/predict", json={"rows": [rows[i % 16]]})

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(call, range(64)))
    assert all(a.status_code == 200 for a in answers)
    assert [a.json()["predictions"][0] for a in answers] == [expected[i % 16] for i in range(64)]
    api.patch(f"/deployments/{dep_id}", json={"batch_max_size": 0, "settings_only": True})
