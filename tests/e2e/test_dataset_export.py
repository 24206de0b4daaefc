"""Through the gateway, every hop over gRPC: a dataset version downloaded as CSV (spreadsheet
formulas neutralised) or Parquet, the profile's target analysis for a chosen target, and lineage
(a job and its model version record the dataset version they used)."""

from __future__ import annotations

import csv
import io
from typing import Any

import httpx
import pyarrow.parquet as pq
import pytest

from .helpers import SLICE_GRAPH, upload, wait_for

pytestmark = pytest.mark.e2e

NOTES = b"""name,note,amount
alice,=HYPERLINK("http://x"),-3
bob,+1,4
carol,@SUM(A1),5
dave,-2+3,6
erin,plain,7
"""


def _ready(api: httpx.Client, filename: str, content: bytes, **params: str) -> dict[str, Any]:
    resp = upload(api, filename, content, **params)
    assert resp.status_code == 201, resp.text
    return wait_for(api, f"/datasets/{resp.json()['id']}", {"READY", "FAILED"})


@pytest.fixture(scope="module")
def notes(api: httpx.Client) -> dict[str, Any]:
    dataset = _ready(api, "notes.csv", NOTES)
    assert dataset["status"] == "READY", dataset
    return dataset


@pytest.fixture(scope="module")
def churn(api: httpx.Client, churn_csv: bytes) -> dict[str, Any]:
    dataset = _ready(api, "churn_300.csv", churn_csv)
    assert dataset["status"] == "READY", dataset
    return dataset


def test_csv_export_neutralises_formulas(api: httpx.Client, notes: dict[str, Any]) -> None:
    resp = api.get(f"/datasets/{notes['id']}/export", params={"format": "csv"})
    assert resp.status_code == 200, resp.text
    assert resp.headers["content-type"].startswith("text/csv")
    assert "attachment" in resp.headers["content-disposition"]
    assert "notes-v1.csv" in resp.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(resp.text)))
    assert [r["note"] for r in rows] == [
        '\'=HYPERLINK("http://x")',
        "'+1",
        "'@SUM(A1)",
        "'-2+3",
        "plain",
    ]
    assert rows[0]["amount"] == "-3"


def test_parquet_export_streams_the_stored_file(api: httpx.Client, notes: dict[str, Any]) -> None:
    with api.stream("GET", f"/datasets/{notes['id']}/export?format=parquet") as resp:
        assert resp.status_code == 200
        assert resp.headers["content-type"] == "application/vnd.apache.parquet"
        data = b"".join(resp.iter_bytes())
    table = pq.read_table(io.BytesIO(data))
    assert table.num_rows == 5 and table.column_names == ["name", "note", "amount"]
    # Parquet keeps the values as they are: it is not opened by a spreadsheet as text.
    assert table.column("note").to_pylist()[1] == "+1"


def test_an_older_version_is_downloadable(api: httpx.Client, notes: dict[str, Any]) -> None:
    resp = api.post(
        f"/datasets/{notes['id']}/versions",
        files={"file": ("notes.csv", b"name,note,amount\nzed,hi,1\n", "text/csv")},
    )
    assert resp.status_code == 201, resp.text
    wait_for(api, f"/datasets/{notes['id']}", {"READY", "FAILED"})
    latest = api.get(f"/datasets/{notes['id']}/export").text
    first = api.get(f"/datasets/{notes['id']}/export", params={"version": 1})
    assert latest.splitlines()[1:] == ["zed,hi,1"]
    assert len(first.text.splitlines()) == 6
    assert "notes-v1.csv" in first.headers["content-disposition"]


def test_profile_and_target_analysis_of_each_version(api: httpx.Client) -> None:
    first = _ready(api, "sales.csv", b"region,amount,won\nn,1,yes\ns,2,no\nn,3,yes\n")
    assert first["status"] == "READY", first
    profile, target = f"/datasets/{first['id']}/profile", f"/datasets/{first['id']}/target"
    resp = api.post(
        f"/datasets/{first['id']}/versions",
        files={"file": ("sales.csv", b"region,amount\ne,5\n", "text/csv")},
    )
    assert resp.status_code == 201, resp.text
    assert wait_for(api, f"/datasets/{first['id']}", {"READY", "FAILED"})["version"] == 2

    old = api.get(profile, params={"version": 1}).json()
    assert (old["version"], old["n_rows"]) == (1, 3)
    assert [c["name"] for c in old["columns"]] == ["region", "amount", "won"]
    latest = api.get(profile).json()
    assert (latest["version"], latest["n_rows"], latest["n_columns"]) == (2, 1, 2)

    won = api.get(target, params={"target": "won", "version": 1})
    assert won.status_code == 200, won.text
    assert won.json()["version"] == 1
    balance = {c["value"]: c["count"] for c in won.json()["analysis"]["class_balance"]}
    assert balance == {"yes": 2, "no": 1}
    gone = api.get(target, params={"target": "won"})
    assert gone.status_code == 400 and "not in version 2" in gone.json()["error"]["message"]

    for path, params in ((profile, {"version": 7}), (target, {"target": "won", "version": 7})):
        missing = api.get(path, params=params)
        assert missing.status_code == 404, missing.text
        error = missing.json()["error"]
        assert "has no version 7" in error["message"] and error["details"]["version"] == 7
    zero = api.get(profile, params={"version": 0})
    assert zero.status_code == 400 and "version" in zero.text


@pytest.mark.parametrize(
    ("params", "status", "field"),
    [
        ({"format": "xlsx"}, 400, "format"),
        ({"version": 0}, 400, "version"),
        ({"version": 99}, 404, None),
    ],
)
def test_bad_exports_are_clear_errors(
    api: httpx.Client, notes: dict[str, Any], params: dict[str, Any], status: int, field: str | None
) -> None:
    resp = api.get(f"/datasets/{notes['id']}/export", params=params)
    assert resp.status_code == status, resp.text
    error = resp.json()["error"]
    if field:
        assert field in str(error)
    else:
        assert "version 99" in error["message"]


def test_unknown_dataset_export_is_404(api: httpx.Client) -> None:
    resp = api.get("/datasets/5f0b8a52-3d0e-4f0c-9a39-2b8f4a6c1d11/export")
    assert resp.status_code == 404
    assert "5f0b8a52-3d0e-4f0c-9a39-2b8f4a6c1d11" in resp.json()["error"]["message"]


def test_target_analysis(api: httpx.Client, churn: dict[str, Any]) -> None:
    resp = api.get(f"/datasets/{churn['id']}/target", params={"target": "churned"})
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["version"] == 1
    analysis = body["analysis"]
    assert analysis["target"] == "churned" and analysis["task"] == "classification"
    assert sum(c["count"] for c in analysis["class_balance"]) == 300
    features = [a["feature"] for a in analysis["associations"]]
    assert "age" in features and "churned" not in features
    values = [a["value"] for a in analysis["associations"]]
    assert values == sorted(values, reverse=True)

    regression = api.get(f"/datasets/{churn['id']}/target", params={"target": "monthly_spend"})
    assert regression.json()["analysis"]["task"] == "regression"


def test_target_analysis_names_a_bad_column(api: httpx.Client, churn: dict[str, Any]) -> None:
    resp = api.get(f"/datasets/{churn['id']}/target", params={"target": "nope"})
    assert resp.status_code == 400
    error = resp.json()["error"]
    assert "'nope'" in error["message"] and error["details"]["field"] == "target"
    missing = api.get(f"/datasets/{churn['id']}/target")
    assert missing.status_code == 400 and "target" in missing.text


def test_jobs_and_model_versions_record_the_dataset_version(
    api: httpx.Client, churn: dict[str, Any], churn_csv: bytes
) -> None:
    resp = api.post(
        "/jobs",
        json={"dataset_id": churn["id"], "graph": SLICE_GRAPH, "model_name": "churn-lineage"},
    )
    assert resp.status_code == 201, resp.text
    assert resp.json()["dataset_version"] == 1
    # A newer version arrives while the job waits: the job still reads the one it recorded.
    newer = api.post(
        f"/datasets/{churn['id']}/versions",
        files={"file": ("churn_300.csv", churn_csv[: len(churn_csv) // 2].rsplit(b"\n", 1)[0])},
    )
    assert newer.status_code == 201, newer.text
    job = wait_for(api, f"/jobs/{resp.json()['id']}", {"SUCCEEDED", "FAILED", "CANCELLED"})
    assert job["status"] == "SUCCEEDED", job
    assert job["dataset_version"] == 1
    version = api.get(f"/models/churn-lineage/versions/{job['model_version']}").json()
    assert version["lineage"]["dataset_id"] == churn["id"]
    assert version["lineage"]["dataset_version"] == 1

    wait_for(api, f"/datasets/{churn['id']}", {"READY", "FAILED"})
    second = api.post(
        "/jobs",
        json={"dataset_id": churn["id"], "graph": SLICE_GRAPH, "model_name": "churn-lineage"},
    )
    assert second.status_code == 201, second.text
    assert second.json()["dataset_version"] == 2
