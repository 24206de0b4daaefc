"""Load: locust against an endpoint through the gateway and straight to the prediction server
at once, on the real-parts stack: under 1% errors, and neither process grows its memory by 10%
once warm. bench/bench_load.py runs the same for minutes and prints the table in the README.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from skyulf_platform.stack import Stack

from .helpers import upload, wait_for, with_model

pytestmark = [pytest.mark.e2e, pytest.mark.stacks("real-parts")]

BENCH = Path(__file__).resolve().parents[2] / "bench" / "bench_load.py"


@pytest.fixture(scope="module")
def deployment(api: httpx.Client, churn_csv: bytes) -> dict[str, Any]:
    created = upload(api, "load.csv", churn_csv).json()
    dataset = wait_for(api, f"/datasets/{created['id']}", {"READY", "FAILED"})
    job = api.post(
        "/jobs",
        json={
            "dataset_id": dataset["id"],
            "graph": with_model("logistic_regression"),
            "model_name": "load",
        },
    ).json()
    done = wait_for(api, f"/jobs/{job['id']}", {"SUCCEEDED", "FAILED"}, timeout=180)
    assert done["status"] == "SUCCEEDED", done
    resp = api.post("/deployments", json={"model_name": "load", "model_version": 1})
    assert resp.status_code == 201, resp.text
    return dict(resp.json())


def test_load_holds_errors_and_memory(
    stack: Stack, deployment: dict[str, Any], tmp_path: Path
) -> None:
    out = tmp_path / "load.json"
    cmd = [
        sys.executable, str(BENCH), "--seconds", "30", "--warmup", "10", "--users", "8",
        "--url", stack.url, "--predictor-url", stack.predictor_url,
        "--api-key", stack.api_key or "", "--deployment", deployment["id"],
        "--model", deployment["name"], "--json", str(out),
        "--pid", f"gateway={stack.procs['gateway'].pid}",
        "--pid", f"predictor={stack.procs['predictor'].pid}",
    ]  # fmt: skip
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(out.read_text())
    paths = {p["path"]: p for p in result["paths"]}
    for name in ("gateway /predict", "predictor v2 /infer"):
        assert paths[name]["requests"] > 100, paths
        assert paths[name]["error_share"] < 0.01, paths
    for name, memory in result["memory"].items():
        assert memory["growth"] < 0.10, (name, memory)
