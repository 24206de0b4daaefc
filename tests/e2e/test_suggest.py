"""The advisor's whole-pipeline suggestion through the gateway: it validates and trains as
returned; user mistakes get errors naming the field or column."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from .helpers import upload, wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.stacks("real-parts")]


@pytest.fixture(scope="module")
def dataset(api: httpx.Client, churn_csv: bytes) -> dict[str, Any]:
    resp = upload(api, "churn_suggest.csv", churn_csv)
    assert resp.status_code == 201, resp.text
    return wait_for(api, f"/datasets/{resp.json()['id']}", {"READY", "FAILED"})


def test_suggested_pipeline_validates_and_trains(
    api: httpx.Client, dataset: dict[str, Any]
) -> None:
    resp = api.post(f"/datasets/{dataset['id']}/suggested-pipeline", json={"target": "churned"})
    assert resp.status_code == 200, resp.text
    body = resp.json()
    types = [n["type"] for n in body["graph"]["nodes"]]
    assert types.index("TrainTestSplitter") < types.index("SimpleImputer") < len(types) - 1
    assert types[-1] == body["model"] and body["task"] == "classification"
    dropped = next(r for r in body["recommendations"] if r["rule"] == "drop_id_columns")
    assert dropped["columns"] == ["customer_id"] and dropped["statistic"] == 1.0

    check = api.post(
        "/pipelines/validate", json={"graph": body["graph"], "dataset_id": dataset["id"]}
    )
    assert check.status_code == 200 and check.json()["valid"], check.text
    job = api.post("/jobs", json={"dataset_id": dataset["id"], "graph": body["graph"]})
    assert job.status_code == 201, job.text
    done = wait_for(api, f"/jobs/{job.json()['id']}", {"SUCCEEDED", "FAILED", "CANCELLED"})
    assert done["status"] == "SUCCEEDED", done
    assert done["metrics"][f"test_{body['metric']}"] > 0.6


def test_recommendations_carry_statistics_and_alternatives(
    api: httpx.Client, dataset: dict[str, Any]
) -> None:
    resp = api.get(f"/datasets/{dataset['id']}/recommendations", params={"target": "churned"})
    recs = {r["id"]: r for r in resp.json()["recommendations"]}
    assert recs["split"]["stage"] == "split"
    assert recs["scale_numeric"]["alternatives"][0]["type"] == "RobustScaler"


@pytest.mark.parametrize(
    ("body", "status", "named"),
    [
        ({"target": "no_such_column"}, 404, "no_such_column"),
        ({"target": "churned", "model": "no_such_model"}, 400, "no_such_model"),
        ({"target": "city", "task": "regression"}, 400, "city"),
    ],
)
def test_mistakes_name_the_field(
    api: httpx.Client, dataset: dict[str, Any], body: dict[str, Any], status: int, named: str
) -> None:
    resp = api.post(f"/datasets/{dataset['id']}/suggested-pipeline", json=body)
    assert resp.status_code == status, resp.text
    assert named in resp.json()["error"]["message"]
