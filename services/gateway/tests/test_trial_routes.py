"""GET /jobs/{id}/trials and trial events against a real gRPC stand-in of the pipeline service:
the contract's shape, and 404 for an unknown job."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from google.protobuf.timestamp_pb2 import Timestamp

from skyulf.pipeline.v1 import pipeline_pb2, pipeline_pb2_grpc
from skyulf_errors import NotFound
from skyulf_gateway.app import create_app
from skyulf_gateway.clients import ServiceClients
from skyulf_gateway.settings import GatewaySettings
from skyulf_gateway.testing import AUTH_HEADERS, accounts_with_admin_key
from skyulf_platform.grpc.server import ServiceBinding, start_server
from skyulf_platform.stack import free_port

JOB = "7d1c1f39-3f57-4a53-9a4a-0c4f4a7f2f10"
TRIAL: dict[str, Any] = {
    "number": 0,
    "state": "COMPLETE",
    "params": {"C": 0.5, "class_weight": None},
    "value": 0.91,
    "intermediate": [{"step": 0, "value": 0.9}, {"step": 1, "value": 0.91}],
    "duration_s": 1.5,
    "started_at": "2026-12-03T12:00:00Z",
    "finished_at": "2026-12-03T12:00:01.5Z",
    "worker": "host:42",
    "error": None,
}
STUDY: dict[str, Any] = {
    "node_id": "model",
    "strategy": "optuna",
    "metric": "roc_auc",
    "direction": "maximize",
    "n_trials": 1,
    "timeout": None,
    "state": "COMPLETE",
    "best_trial": 0,
    "best_value": 0.91,
    "best_params": {"C": 0.5, "class_weight": None},
    "param_importances": {"C": 0.8, "class_weight": 0.2},
    "trials": [TRIAL],
}


class _Pipeline(pipeline_pb2_grpc.PipelineServiceServicer):
    async def ListJobTrials(self, request, context):  # type: ignore[no-untyped-def]
        if request.job_id != JOB:
            raise NotFound(f"job {request.job_id} not found", details={"job_id": request.job_id})
        body = {"job_id": JOB, "studies": [STUDY]}
        return pipeline_pb2.ListJobTrialsResponse(trials_json=json.dumps(body))

    async def GetJob(self, request, context):  # type: ignore[no-untyped-def]
        return pipeline_pb2.GetJobResponse(job=pipeline_pb2.Job(id=JOB, kind="tune"))

    async def WatchJob(self, request, context):  # type: ignore[no-untyped-def]
        time = Timestamp()
        time.GetCurrentTime()
        yield pipeline_pb2.WatchJobResponse(
            seq=5,
            job_id=JOB,
            type="trial",
            status=pipeline_pb2.JOB_STATUS_RUNNING,
            message="trial 0 of node 'model' COMPLETE = 0.91",
            time=time,
            node_id="model",
            trial_json=json.dumps(TRIAL),
        )


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    running = await start_server(
        [
            ServiceBinding(
                _Pipeline(),
                pipeline_pb2_grpc.add_PipelineServiceServicer_to_server,
                "skyulf.pipeline.v1.PipelineService",
            )
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
        registry_addr=nobody,
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


async def test_trials_have_the_contract_shape(client: httpx.AsyncClient) -> None:
    resp = await client.get(f"/api/v1/jobs/{JOB}/trials")
    assert resp.status_code == 200, resp.text
    [study] = resp.json()["studies"]
    assert study["param_importances"] == {"C": 0.8, "class_weight": 0.2}
    [trial] = study["trials"]
    assert trial["params"] == {"C": 0.5, "class_weight": None}
    assert trial["intermediate"][1] == {"step": 1, "value": 0.91}
    assert trial["worker"] == "host:42" and trial["state"] == "COMPLETE"


async def test_trials_of_an_unknown_job_are_404(client: httpx.AsyncClient) -> None:
    resp = await client.get("/api/v1/jobs/00000000-0000-0000-0000-000000000000/trials")
    assert resp.status_code == 404
    assert resp.json()["error"]["code"] == "NOT_FOUND"


async def test_a_trial_event_carries_the_trial(client: httpx.AsyncClient) -> None:
    async with client.stream("GET", f"/api/v1/jobs/{JOB}/events") as resp:
        lines = [line async for line in resp.aiter_lines() if line.startswith("data:")]
    event = json.loads(lines[0].removeprefix("data:").strip())
    assert event["type"] == "trial" and event["node_id"] == "model"
    assert event["trial"] == TRIAL
