"""The evaluation routes against real gRPC stand-ins of the pipeline and registry services: the
contract's shape, a version resolved to its job, and the statuses."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from skyulf.pipeline.v1 import pipeline_pb2, pipeline_pb2_grpc
from skyulf.registry.v1 import registry_pb2, registry_pb2_grpc
from skyulf_errors import FailedPrecondition, NotFound
from skyulf_gateway.app import create_app
from skyulf_gateway.clients import ServiceClients
from skyulf_gateway.settings import GatewaySettings
from skyulf_gateway.testing import AUTH_HEADERS, accounts_with_admin_key
from skyulf_platform.grpc.server import ServiceBinding, start_server
from skyulf_platform.stack import free_port

JOB = "7d1c1f39-3f57-4a53-9a4a-0c4f4a7f2f10"
QUEUED = "0b9b5e0e-8f3a-4d8e-b0c1-2f6b9b1c8a11"

MODEL: dict[str, Any] = {
    "node_id": "model",
    "model_type": "xgboost_classifier",
    "task": "classification",
    "model_name": "churn",
    "model_version": 2,
    "metrics": {"train": {"accuracy": 0.9}, "test": {"accuracy": 0.8}, "validation": None},
    "cv": {
        "type": "k_fold",
        "folds": 2,
        "metrics": {"accuracy": {"mean": 0.75, "std": 0.05, "folds": [0.7, 0.8]}},
    },
    "confusion_matrix": {"labels": ["0", "1"], "counts": [[3, 1], [0, 2]], "normalized": []},
    "roc_curves": [{"label": "1", "fpr": [0.0, 1.0], "tpr": [0.0, 1.0], "auc": 0.5}],
    "pr_curves": None,
    "calibration": None,
    "threshold_analysis": None,
    "residuals": None,
    "feature_importances": None,
    "clusters": None,
}


class _Pipeline(pipeline_pb2_grpc.PipelineServiceServicer):
    requests: list[Any] = []

    async def GetJobEvaluation(self, request, context):  # type: ignore[no-untyped-def]
        self.requests.append(request)
        if request.job_id == QUEUED:
            raise FailedPrecondition(f"job {QUEUED} is QUEUED", details={"job_id": QUEUED})
        if request.job_id != JOB:
            raise NotFound(f"job {request.job_id} not found", details={"job_id": request.job_id})
        return pipeline_pb2.GetJobEvaluationResponse(
            evaluation_json=json.dumps({"job_id": JOB, "models": [MODEL]})
        )


class _Registry(registry_pb2_grpc.RegistryServiceServicer):
    async def GetModelVersion(self, request, context):  # type: ignore[no-untyped-def]
        if request.name != "churn":
            raise NotFound(f"model {request.name} not found", details={"name": request.name})
        return registry_pb2.GetModelVersionResponse(
            model_version=registry_pb2.ModelVersion(
                name="churn", version=2, lineage=registry_pb2.Lineage(job_id=JOB)
            )
        )


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    running = await start_server(
        [
            ServiceBinding(
                _Pipeline(),
                pipeline_pb2_grpc.add_PipelineServiceServicer_to_server,
                "skyulf.pipeline.v1.PipelineService",
            ),
            ServiceBinding(
                _Registry(),
                registry_pb2_grpc.add_RegistryServiceServicer_to_server,
                "skyulf.registry.v1.RegistryService",
            ),
        ],
        host="127.0.0.1",
        port=0,
        check_interval=0.05,
    )
    here, nobody = f"127.0.0.1:{running.port}", f"127.0.0.1:{free_port()}"
    settings = GatewaySettings(
        data_dir=tmp_path,
        frontend_dir=tmp_path / "no-frontend",
        ingestion_addr=nobody,
        pipeline_addr=here,
        registry_addr=here,
        deployment_addr=nobody,
        advisor_addr=nobody,
    )
    clients = ServiceClients.connect(settings)
    app = create_app(settings, clients, accounts_with_admin_key(settings))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://gw", headers=AUTH_HEADERS
    ) as c:
        yield c
    await clients.close()
    await running.stop(0)


async def test_job_evaluation_has_the_contract_shape(client: httpx.AsyncClient) -> None:
    resp = await client.get(f"/api/v1/jobs/{JOB}/evaluation")
    assert resp.status_code == 200, resp.text
    body = resp.json()
    [model] = body["models"]
    assert body["job_id"] == JOB
    # No validation split: the key is absent, not null; other empty parts are null.
    assert model["metrics"] == {"train": {"accuracy": 0.9}, "test": {"accuracy": 0.8}}
    assert model["residuals"] is None and model["clusters"] is None
    assert model["cv"]["metrics"]["accuracy"]["folds"] == [0.7, 0.8]
    assert model["roc_curves"][0]["auc"] == 0.5


async def test_version_evaluation_asks_for_that_version_of_its_job(
    client: httpx.AsyncClient,
) -> None:
    resp = await client.get("/api/v1/models/churn/versions/latest/evaluation")
    assert resp.status_code == 200, resp.text
    assert resp.json()["models"][0]["model_version"] == 2
    sent = _Pipeline.requests[-1]
    assert (sent.job_id, sent.model_name, sent.model_version) == (JOB, "churn", 2)


@pytest.mark.parametrize(
    ("path", "status"),
    [
        (f"/api/v1/jobs/{QUEUED}/evaluation", 409),
        ("/api/v1/jobs/nope/evaluation", 404),
        ("/api/v1/models/other/versions/1/evaluation", 404),
        ("/api/v1/models/churn/versions/zero/evaluation", 400),
    ],
)
async def test_statuses(client: httpx.AsyncClient, path: str, status: int) -> None:
    resp = await client.get(path)
    assert resp.status_code == status, resp.text
    assert resp.json()["error"]["code"]


async def test_openapi_declares_the_routes(client: httpx.AsyncClient) -> None:
    paths = (await client.get("/openapi.json")).json()["paths"]
    job = paths["/api/v1/jobs/{job_id}/evaluation"]["get"]["responses"]
    assert {"200", "404", "409"} <= set(job)
    assert "/api/v1/models/{name}/versions/{version}/evaluation" in paths
