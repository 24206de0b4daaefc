"""The whole platform, every service in its own process, started once per configuration."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from skyulf_platform.stack import Ports, Stack

from .helpers import SLICE_GRAPH, AlertReceiver, upload, wait_for

DATA = Path(__file__).resolve().parents[1] / "data"


def _real_parts_env(request: pytest.FixtureRequest, tmp: Path) -> dict[str, str]:
    pg: str = request.getfixturevalue("postgres_url")
    redis: str = request.getfixturevalue("redis_url")
    s3: Any = request.getfixturevalue("s3_server")
    return {
        "SKYULF_DATABASE_URL": pg,
        "SKYULF_BROKER_URL": redis,
        "SKYULF_ARTIFACT_URL": f"s3://{s3.bucket}/e2e-{tmp.name}",
        "SKYULF_S3_ENDPOINT_URL": s3.endpoint_url,
        "SKYULF_S3_ACCESS_KEY": s3.access_key,
        "SKYULF_S3_SECRET_KEY": s3.secret_key,
        "SKYULF_S3_REGION": s3.region,
    }


STACKS = ("embedded", "real-parts")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "stacks(*names): run on these of the shared stacks only (default: all of STACKS)",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A module marked ``stacks("real-parts")`` runs on that stack alone.

    What depends on the database, the broker or the artifact store (uploads, jobs, serving, worker
    loss) runs on both stacks; what is the same code whatever the storage (access rules, bad
    input, the API's shape) runs once, on the real parts, since the browser test already drives
    the embedded stack end to end.
    """
    kept: list[pytest.Item] = []
    dropped: list[pytest.Item] = []
    for item in items:
        marker = item.get_closest_marker("stacks")
        callspec = getattr(item, "callspec", None)
        name = callspec.params.get("stack") if callspec is not None else None
        if marker is not None and name is not None and name not in marker.args:
            dropped.append(item)
        else:
            kept.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@pytest.fixture(scope="session")
def alert_receiver() -> Iterator[AlertReceiver]:
    receiver = AlertReceiver()
    yield receiver
    receiver.close()


@pytest.fixture(scope="session", params=STACKS)
def stack(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    alert_receiver: AlertReceiver,
) -> Iterator[Stack]:
    tmp = tmp_path_factory.mktemp(f"stack-{request.param}")
    env = {"SKYULF_LOG_FORMAT": "json", "SKYULF_ALERT_WEBHOOK_URL": alert_receiver.url}
    if request.param == "real-parts":
        env.update(_real_parts_env(request, tmp))
    s = Stack(data_dir=tmp / "data", ports=Ports.free(), env=env)
    try:
        with s.running(timeout=150):
            yield s
    except Exception:
        for name in s.procs:
            print(f"--- {name} log ---\n{s.log_tail(name, 60)}")
        raise
    # Every process stops gracefully on SIGTERM, after everything the tests did to it.
    unclean = s.unclean_exits()
    assert not unclean, {name: s.log_tail(name, 20) for name in unclean}


@pytest.fixture(scope="session")
def api(stack: Stack) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url=f"{stack.url}/api/v1", timeout=60.0, headers=stack.auth_headers
    ) as client:
        yield client


@pytest.fixture(scope="session")
def churn_csv() -> bytes:
    return (DATA / "churn_300.csv").read_bytes()


@pytest.fixture(scope="session")
def trained_pair(stack: Stack, api: httpx.Client, churn_csv: bytes) -> dict[str, Any]:
    """A READY churn dataset and one job's two registered (not deployed) models, for tests that
    spoil one (``attack-victim``) or deploy the other (``attack-spare``): one training run."""
    resp = upload(api, "churn_300.csv", churn_csv)
    assert resp.status_code == 201, resp.text
    dataset = wait_for(api, f"/datasets/{resp.json()['id']}", {"READY", "FAILED"})
    assert dataset["status"] == "READY", dataset
    models = [{"id": m, "type": "logistic_regression", "params": {}} for m in ("victim", "spare")]
    graph = {
        "nodes": [*SLICE_GRAPH["nodes"][:-1], *models],
        "edges": [
            *SLICE_GRAPH["edges"][:-1],
            *({"source": "scale", "target": m["id"]} for m in models),
        ],
    }
    resp = api.post(
        "/jobs", json={"dataset_id": dataset["id"], "graph": graph, "model_name": "attack"}
    )
    assert resp.status_code == 201, resp.text
    job = wait_for(api, f"/jobs/{resp.json()['id']}", {"SUCCEEDED", "FAILED", "CANCELLED"})
    assert job["status"] == "SUCCEEDED", job
    return {
        "dataset": dataset,
        "victim": api.get("/models/attack-victim/versions/1").json(),
        "spare": api.get("/models/attack-spare/versions/1").json(),
    }
