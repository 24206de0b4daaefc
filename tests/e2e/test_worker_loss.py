"""A worker killed mid-training: the job does not stay RUNNING, and a restarted worker carries on."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import numpy as np
import pytest

from skyulf_platform.stack import Ports, Stack

from .helpers import upload, wait_for

pytestmark = pytest.mark.e2e

FEATURES = ["f1", "f2", "f3", "f4", "f5"]


def _graph(n_estimators: int) -> dict[str, object]:
    return {
        "nodes": [
            {"id": "split", "type": "TrainTestSplitter", "params": {"target_column": "label"}},
            {
                "id": "model",
                "type": "random_forest_classifier",
                "params": {"n_estimators": n_estimators, "max_depth": 30, "min_samples_split": 2},
            },
        ],
        "edges": [{"source": "split", "target": "model"}],
    }


def _csv(rows: int) -> bytes:
    rng = np.random.default_rng(7)
    x = rng.normal(size=(rows, len(FEATURES)))
    label = (x[:, 0] + x[:, 1] * x[:, 2] + rng.normal(scale=0.5, size=rows) > 0).astype(int)
    lines = [",".join([*FEATURES, "label"])]
    lines += [",".join(f"{v:.5f}" for v in row) + f",{y}" for row, y in zip(x, label, strict=True)]
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    tmp: Path = tmp_path_factory.mktemp("worker-loss")
    env = {
        "SKYULF_JOB_HEARTBEAT_SECONDS": "0.5",
        "SKYULF_JOB_STALE_SECONDS": "3",
        "SKYULF_JOB_REAP_INTERVAL_SECONDS": "0.5",
        # One attempt: the first silent worker fails the job (test_job_attempts.py covers more).
        "SKYULF_JOB_MAX_ATTEMPTS": "1",
    }
    s = Stack(data_dir=tmp / "data", ports=Ports.free(), env=env)
    with s.running(timeout=150):
        yield s


def test_killed_worker_fails_the_job_and_a_new_worker_carries_on(stack: Stack) -> None:
    with httpx.Client(
        base_url=f"{stack.url}/api/v1", timeout=60, headers=stack.auth_headers
    ) as api:
        created = upload(api, "big.csv", _csv(40_000)).json()
        dataset = wait_for(api, f"/datasets/{created['id']}", {"READY", "FAILED"})
        assert dataset["status"] == "READY", dataset

        job = api.post(
            "/jobs", json={"dataset_id": dataset["id"], "graph": _graph(600), "model_name": "slow"}
        ).json()
        wait_for(api, f"/jobs/{job['id']}", {"RUNNING"}, timeout=60)
        time.sleep(1.0)
        os.killpg(stack.procs["worker"].pid, signal.SIGKILL)

        failed = wait_for(api, f"/jobs/{job['id']}", {"FAILED", "SUCCEEDED"}, timeout=30)
        assert failed["status"] == "FAILED", failed
        assert failed["error"]["code"] == "UNAVAILABLE"
        assert "stopped responding" in failed["error"]["message"]

        assert [name for name, _ in stack.restart_exited()] == ["worker"]
        again = api.post(
            "/jobs", json={"dataset_id": dataset["id"], "graph": _graph(5), "model_name": "slow"}
        ).json()
        done = wait_for(api, f"/jobs/{again['id']}", {"SUCCEEDED", "FAILED"}, timeout=120)
        assert done["status"] == "SUCCEEDED", done
        assert done["model_version"] == 1
