"""Tuning through the gateway with two real tune workers on PostgreSQL storage: the trials of
one study run on both, every trial is recorded and streamed, the best params are registered; a
worker killed mid-trial leaves the study going, that trial FAIL, and one version."""

from __future__ import annotations

import json
import os
import signal
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from skyulf_platform.stack import Stack

from .helpers import upload, wait_for
from .tuning_stack import breast_cancer_csv, tuned_forest, tuning_stack

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with tuning_stack(tmp_path_factory.mktemp("tuning")) as s:
        yield s


@pytest.fixture(scope="module")
def api(stack: Stack) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url=f"{stack.url}/api/v1", timeout=60.0, headers=stack.auth_headers
    ) as client:
        yield client


@pytest.fixture(scope="module")
def dataset(api: httpx.Client) -> dict[str, Any]:
    created = upload(api, "breast_cancer.csv", breast_cancer_csv()).json()
    ready = wait_for(api, f"/datasets/{created['id']}", {"READY", "FAILED"})
    assert ready["status"] == "READY", ready
    return ready


def _trials(api: httpx.Client, job_id: str) -> dict[str, Any]:
    resp = api.get(f"/jobs/{job_id}/trials")
    assert resp.status_code == 200, resp.text
    return resp.json()


def _events(api: httpx.Client, job_id: str) -> list[dict[str, Any]]:
    events = []
    with api.stream("GET", f"/jobs/{job_id}/events") as resp:
        for line in resp.iter_lines():
            if line.startswith("data:"):
                events.append(json.loads(line.removeprefix("data:").strip()))
    return events


def test_a_study_runs_on_both_workers_and_registers_the_best_params(
    api: httpx.Client, dataset: dict[str, Any]
) -> None:
    graph = tuned_forest(12, (10, 60))
    job = api.post(
        "/jobs", json={"dataset_id": dataset["id"], "graph": graph, "model_name": "tuned-rf"}
    ).json()
    assert job["kind"] == "tune", job
    done = wait_for(api, f"/jobs/{job['id']}", {"SUCCEEDED", "FAILED"}, timeout=300)
    assert done["status"] == "SUCCEEDED", done

    body = _trials(api, job["id"])
    [study] = body["studies"]
    assert study["node_id"] == "forest" and study["state"] == "COMPLETE"
    assert study["metric"] == "roc_auc" and study["direction"] == "maximize"
    trials = study["trials"]
    assert sorted(t["number"] for t in trials) == list(range(12))
    assert all(t["state"] == "COMPLETE" for t in trials), trials
    assert len({t["worker"] for t in trials}) == 2, {t["worker"] for t in trials}
    best = max(trials, key=lambda t: t["value"])
    assert study["best_value"] == best["value"] and study["best_params"] == best["params"]
    assert set(study["param_importances"]) == {"n_estimators", "max_depth", "min_samples_leaf"}
    assert all(len(t["intermediate"]) == 3 for t in trials)

    version = api.get(f"/models/tuned-rf/versions/{done['model_version']}").json()
    tags = version.get("tags", {})
    for name, value in study["best_params"].items():
        assert json.loads(tags[f"tuning.best_params.{name}"]) == value
    assert tags["tuning.strategy"] == "optuna"

    events = [e for e in _events(api, job["id"]) if e["type"] == "trial"]
    assert {e["trial"]["number"] for e in events} == set(range(12))
    assert all(e["node_id"] == "forest" for e in events)


def test_trials_of_a_training_job_and_of_an_unknown_job(
    api: httpx.Client, dataset: dict[str, Any]
) -> None:
    graph = tuned_forest(1, (5, 5))
    graph["nodes"][1]["params"] = {"n_estimators": 5}
    job = api.post("/jobs", json={"dataset_id": dataset["id"], "graph": graph}).json()
    assert job["kind"] == "train"
    assert _trials(api, job["id"]) == {"job_id": job["id"], "studies": []}
    missing = api.get("/jobs/00000000-0000-0000-0000-000000000000/trials")
    assert missing.status_code == 404


def test_a_bad_search_space_is_refused_naming_node_and_field(
    api: httpx.Client, dataset: dict[str, Any]
) -> None:
    graph = tuned_forest(4, (10, 20))
    space = graph["nodes"][1]["params"]["tuning_config"]["search_space"]  # type: ignore[index]
    space["leaves"] = {"type": "int", "low": 1, "high": 3}
    resp = api.post("/jobs", json={"dataset_id": dataset["id"], "graph": graph})
    assert resp.status_code == 400, resp.text
    assert "tuning_config.search_space.leaves" in resp.text and "forest" in resp.text


def _worker_running_a_trial(
    api: httpx.Client, stack: Stack, job_id: str, timeout: float = 120
) -> tuple[str, int]:
    """(process name, trial number) of a worker that is running a trial now."""
    pids = {proc.pid: name for name, proc in stack.procs.items() if name.startswith("worker")}
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for study in _trials(api, job_id)["studies"]:
            for trial in study["trials"]:
                # A trial is RUNNING a moment before its worker is recorded on it.
                if trial["state"] == "RUNNING" and trial["number"] >= 2 and trial["worker"]:
                    pid = int(str(trial["worker"]).rsplit(":", 1)[1])
                    if pid in pids:
                        return pids[pid], trial["number"]
        time.sleep(0.2)
    raise AssertionError(f"no trial of job {job_id} was seen running")


def test_a_worker_killed_mid_trial(
    api: httpx.Client, stack: Stack, dataset: dict[str, Any]
) -> None:
    graph = tuned_forest(10, (150, 300))
    job = api.post(
        "/jobs", json={"dataset_id": dataset["id"], "graph": graph, "model_name": "killed-rf"}
    ).json()
    name, number = _worker_running_a_trial(api, stack, job["id"])
    os.killpg(stack.procs[name].pid, signal.SIGKILL)
    stack.procs[name].wait(10)
    assert [n for n, _ in stack.restart_exited()] == [name]

    done = wait_for(api, f"/jobs/{job['id']}", {"SUCCEEDED", "FAILED"}, timeout=300)
    assert done["status"] == "SUCCEEDED", done
    [study] = _trials(api, job["id"])["studies"]
    trials = {t["number"]: t for t in study["trials"]}
    # The study went on without running any trial twice: ten numbers, the killed one FAIL.
    assert sorted(trials) == list(range(10)), sorted(trials)
    assert trials[number]["state"] == "FAIL", trials[number]
    # The nine others complete: while the job waits for its next attempt (when the killed
    # worker was the job's own), the trials running on the other worker go on.
    others = [t for n, t in trials.items() if n != number]
    assert all(t["state"] == "COMPLETE" for t in others), others
    versions = api.get("/models/killed-rf/versions").json()
    assert [v["version"] for v in versions["versions"]] == [1], versions
