"""Jobs with real worker processes: killed workers, second deliveries, cancels during a fit, and
a three-model branching graph trained through the gateway."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from skyulf_pipeline.tasks import TRAIN_PIPELINE
from skyulf_platform.settings import PlatformSettings
from skyulf_platform.stack import Ports, Stack
from skyulf_platform.tasks.app import create_celery_app

from .helpers import SLICE_GRAPH, upload, wait_for
from .test_worker_loss import _csv, _graph

pytestmark = pytest.mark.e2e

DATA = Path(__file__).resolve().parents[2] / "libs" / "core" / "tests" / "data"

MAX_ATTEMPTS = 2
WORKER = ["-m", "skyulf_platform.tasks.worker"]


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    tmp: Path = tmp_path_factory.mktemp("job-attempts")
    env = {
        "SKYULF_JOB_HEARTBEAT_SECONDS": "0.5",
        "SKYULF_JOB_STALE_SECONDS": "3",
        "SKYULF_JOB_REAP_INTERVAL_SECONDS": "0.5",
        "SKYULF_JOB_MAX_ATTEMPTS": str(MAX_ATTEMPTS),
    }
    s = Stack(data_dir=tmp / "data", ports=Ports.free(), env=env)
    with s.running(timeout=150):
        yield s


@pytest.fixture(scope="module")
def api(stack: Stack) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url=f"{stack.url}/api/v1", timeout=60, headers=stack.auth_headers
    ) as client:
        yield client


@pytest.fixture(scope="module")
def big(api: httpx.Client) -> str:
    created = upload(api, "big.csv", _csv(40_000)).json()
    dataset = wait_for(api, f"/datasets/{created['id']}", {"READY", "FAILED"})
    assert dataset["status"] == "READY", dataset
    return str(dataset["id"])


def _fitting(api: httpx.Client, job_id: str, timeout: float = 60) -> dict[str, Any]:
    """Wait until the job's worker is fitting the model (past every preprocessing node)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = api.get(f"/jobs/{job_id}").json()
        if job["status"] == "RUNNING" and job["message"].startswith("model 'model'"):
            return dict(job)
        assert job["status"] in {"QUEUED", "RUNNING"}, job
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} never started fitting")


def _kill_worker(stack: Stack, name: str = "worker") -> None:
    os.killpg(stack.procs[name].pid, signal.SIGKILL)
    stack.procs[name].wait()


def test_a_cancel_during_a_long_fit_takes_effect_in_seconds(
    stack: Stack, api: httpx.Client, big: str
) -> None:
    job = api.post(
        "/jobs", json={"dataset_id": big, "graph": _graph(3000), "model_name": "cancel"}
    ).json()
    _fitting(api, job["id"])
    time.sleep(1.0)  # well inside the fit, which alone takes minutes
    asked = time.monotonic()
    assert api.post(f"/jobs/{job['id']}/cancel").status_code == 200
    done = wait_for(api, f"/jobs/{job['id']}", {"CANCELLED", "SUCCEEDED", "FAILED"}, 30)
    took = time.monotonic() - asked
    assert done["status"] == "CANCELLED", done
    assert took < 5.0, took
    print(f"cancel during the fit took effect in {took:.2f}s")
    # A cancelled job can be retried from its stored graph: a new job.
    retry = api.post(f"/jobs/{job['id']}/retry")
    assert retry.status_code == 201, retry.text
    assert retry.json()["retry_of"] == job["id"] and retry.json()["id"] != job["id"]
    api.post(f"/jobs/{retry.json()['id']}/cancel")
    wait_for(api, f"/jobs/{retry.json()['id']}", {"CANCELLED", "SUCCEEDED", "FAILED"}, 60)


def test_a_second_delivery_while_the_first_attempt_is_alive_does_not_run(
    stack: Stack, api: httpx.Client, big: str
) -> None:
    stack._spawn("worker2", WORKER, {})
    try:
        job = api.post(
            "/jobs", json={"dataset_id": big, "graph": _graph(150), "model_name": "twice"}
        ).json()
        _fitting(api, job["id"])
        # The broker hands the same task out again while the first worker is alive.
        settings = PlatformSettings(data_dir=stack.data_dir, **_broker(stack))
        create_celery_app(settings, include_tasks=False).send_task(
            TRAIN_PIPELINE, args=[job["id"]], queue="train"
        )
        done = wait_for(api, f"/jobs/{job['id']}", {"SUCCEEDED", "FAILED"}, 180)
        assert done["status"] == "SUCCEEDED", done
        assert done["attempts"] == 1
        assert done["model_version"] == 1
        versions = api.get("/models/twice/versions").json()
        assert [v["version"] for v in versions["versions"]] == [1]
        logs = stack.log_tail("worker", 400) + stack.log_tail("worker2", 400)
        assert "this delivery does not run it" in logs
    finally:
        stack.procs["worker2"].send_signal(signal.SIGTERM)
        stack.procs["worker2"].wait(timeout=30)
        del stack.procs["worker2"], stack.specs["worker2"]


def _broker(stack: Stack) -> dict[str, Any]:
    url = stack.env.get("SKYULF_BROKER_URL")
    return {"broker_url": url} if url else {}


def test_a_job_whose_worker_is_killed_repeatedly_fails_after_the_attempt_limit(
    stack: Stack, api: httpx.Client, big: str
) -> None:
    job = api.post(
        "/jobs", json={"dataset_id": big, "graph": _graph(3000), "model_name": "doomed"}
    ).json()
    for attempt in range(1, MAX_ATTEMPTS + 1):
        running = _fitting(api, job["id"], timeout=90)
        assert running["attempts"] == attempt
        _kill_worker(stack)
        if attempt < MAX_ATTEMPTS:
            requeued = wait_for(api, f"/jobs/{job['id']}", {"QUEUED"}, timeout=30)
            assert f"attempt {attempt + 1} of {MAX_ATTEMPTS} is queued" in requeued["message"]
        assert [name for name, _ in stack.restart_exited()] == ["worker"]
    failed = wait_for(api, f"/jobs/{job['id']}", {"FAILED", "SUCCEEDED"}, timeout=60)
    assert failed["status"] == "FAILED", failed
    assert failed["attempts"] == MAX_ATTEMPTS
    assert failed["error"]["code"] == "UNAVAILABLE"
    assert "SKYULF_JOB_MAX_ATTEMPTS" in failed["error"]["message"]
    # It never loops: the job stays FAILED and no version is registered for it.
    time.sleep(4)
    assert api.get(f"/jobs/{job['id']}").json()["status"] == "FAILED"
    assert api.get("/models/doomed/versions").status_code == 404


def test_a_three_model_branching_graph_trains_through_the_gateway(
    api: httpx.Client, churn_csv: bytes, tmp_path: Path
) -> None:
    created = upload(api, "churn.csv", churn_csv).json()
    dataset = wait_for(api, f"/datasets/{created['id']}", {"READY", "FAILED"})
    graph: dict[str, Any] = {
        "nodes": [dict(n) for n in SLICE_GRAPH["nodes"]],
        "edges": [dict(e) for e in SLICE_GRAPH["edges"]],
    }
    graph["nodes"] += [
        {"id": "forest", "type": "random_forest_classifier", "params": {"n_estimators": 30}},
        {"id": "tree", "type": "decision_tree_classifier", "params": {"max_depth": 4}},
    ]
    graph["edges"] += [
        {"source": "onehot", "target": "forest"},
        {"source": "onehot", "target": "tree"},
    ]
    key = {"Idempotency-Key": "three-models-1"}
    body = {"dataset_id": dataset["id"], "graph": graph, "model_name": "churn3"}
    job = api.post("/jobs", json=body, headers=key).json()
    assert api.post("/jobs", json=body, headers=key).json()["id"] == job["id"]
    clash = api.post("/jobs", json={**body, "model_name": "other"}, headers=key)
    assert clash.status_code == 409 and "Idempotency-Key" in clash.json()["error"]["message"]
    done = wait_for(api, f"/jobs/{job['id']}", {"SUCCEEDED", "FAILED"}, timeout=180)
    assert done["status"] == "SUCCEEDED", done
    results = done["results"]
    assert [(r["node_id"], r["model_name"], r["model_version"]) for r in results] == [
        ("model", "churn3-model", 1),
        ("forest", "churn3-forest", 1),
        ("tree", "churn3-tree", 1),
    ]
    assert done["model_name"] == "churn3-model" and done["metrics"] == results[0]["metrics"]
    for result in results:
        assert 0.5 < result["metrics"]["test_accuracy"] <= 1.0
        version = api.get(f"/models/{result['model_name']}/versions/1").json()
        assert version["model_type"] == result["model_type"]
        assert version["metrics"]["test_accuracy"] == result["metrics"]["test_accuracy"]

    # The job's pipeline, exported as a script, reproduces every model's metrics from the CSV.
    export = api.get(f"/jobs/{job['id']}/export.py")
    assert export.status_code == 200 and export.headers["content-type"].startswith("text/x-python")
    script, csv = tmp_path / "pipeline.py", tmp_path / "churn.csv"
    script.write_text(export.text)
    csv.write_bytes(churn_csv)
    run = subprocess.run(
        [sys.executable, str(script), str(csv), "--out", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    exported = json.loads((tmp_path / "out" / "metrics.json").read_text())
    for result in results:
        assert exported[result["node_id"]]["metrics"] == pytest.approx(result["metrics"])
    # A pipeline saved by the original Skyulf comes back as a graph the platform validates.
    saved = json.loads((DATA / "original_pipeline.json").read_text())
    imported = api.post("/pipelines/import", json=saved)
    assert imported.status_code == 200, imported.text
    check = api.post(
        "/pipelines/validate",
        json={"graph": imported.json()["graph"], "dataset_id": dataset["id"]},
    )
    assert check.json() == {"valid": True, "errors": []}
