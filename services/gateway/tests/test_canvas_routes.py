"""The canvas routes through the gateway against in-process gRPC stand-ins: saved pipelines,
templates, dataset rows, per-node job events over SSE, and a job's saved pipeline. The stand-ins
record what the gateway sent, so the tests check the REST <-> proto mapping both ways."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from google.protobuf.timestamp_pb2 import Timestamp

from skyulf.common.v1 import common_pb2
from skyulf.ingestion.v1 import ingestion_pb2, ingestion_pb2_grpc
from skyulf.pipeline.v1 import pipeline_pb2, pipeline_pb2_grpc
from skyulf_errors import FailedPrecondition, NotFound
from skyulf_gateway.app import create_app
from skyulf_gateway.clients import ServiceClients
from skyulf_gateway.settings import GatewaySettings
from skyulf_gateway.testing import AUTH_HEADERS, accounts_with_admin_key
from skyulf_platform.grpc.server import ServiceBinding, start_server
from skyulf_platform.stack import free_port

PIPELINE_ID = "6a7e1d2c-0b4f-4c1a-8e3d-5f9a0b1c2d3e"
JOB_ID = "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f"
DATASET_ID = "5f0b8a52-3d0e-4f0c-9a39-2b8f4a6c1d11"
GRAPH = {
    "nodes": [
        {"id": "split", "type": "TrainTestSplitter", "params": {"target_column": "y"}},
        {"id": "model", "type": "logistic_regression", "params": {}},
    ],
    "edges": [{"source": "split", "target": "model"}],
}


def _now() -> Timestamp:
    ts = Timestamp()
    ts.FromSeconds(1_790_000_000)
    return ts


def _saved(version: int = 1, **kw: Any) -> pipeline_pb2.SavedPipeline:
    return pipeline_pb2.SavedPipeline(
        id=PIPELINE_ID,
        name=kw.get("name", "churn"),
        version=version,
        graph=common_pb2.PipelineGraph(
            nodes=[common_pb2.GraphNode(id="split", type="TrainTestSplitter", params_json="{}")]
        ),
        layout_json=kw.get("layout_json", '{"split": {"x": 1.0, "y": 2.0}}'),
        created_at=_now(),
        updated_at=_now(),
    )


class _Pipeline(pipeline_pb2_grpc.PipelineServiceServicer):
    def __init__(self) -> None:
        self.requests: list[Any] = []

    def _known(self, pipeline_id: str) -> None:
        if pipeline_id != PIPELINE_ID:
            raise NotFound(
                f"pipeline {pipeline_id!r} not found", details={"pipeline_id": pipeline_id}
            )

    async def ListTemplates(self, request, context):  # type: ignore[no-untyped-def]
        self.requests.append(request)
        return pipeline_pb2.ListTemplatesResponse(
            templates=[
                pipeline_pb2.PipelineTemplate(
                    id="regression", name="Regression", task="regression", layout_json="{}"
                )
            ]
        )

    async def CreatePipeline(self, request, context):  # type: ignore[no-untyped-def]
        self.requests.append(request)
        return pipeline_pb2.CreatePipelineResponse(
            pipeline=_saved(name=request.name, layout_json=request.layout_json)
        )

    async def GetPipeline(self, request, context):  # type: ignore[no-untyped-def]
        self._known(request.pipeline_id)
        return pipeline_pb2.GetPipelineResponse(pipeline=_saved())

    async def UpdatePipeline(self, request, context):  # type: ignore[no-untyped-def]
        self.requests.append(request)
        self._known(request.pipeline_id)
        return pipeline_pb2.UpdatePipelineResponse(pipeline=_saved(2))

    async def RestorePipelineVersion(self, request, context):  # type: ignore[no-untyped-def]
        self._known(request.pipeline_id)
        if request.version != 1:
            raise NotFound(
                f"pipeline {request.pipeline_id!r} has no version {request.version}",
                details={"pipeline_id": request.pipeline_id, "version": request.version},
            )
        return pipeline_pb2.RestorePipelineVersionResponse(pipeline=_saved(3))

    async def CreateJob(self, request, context):  # type: ignore[no-untyped-def]
        self.requests.append(request)
        return pipeline_pb2.CreateJobResponse(job=self._job(request.pipeline_id))

    async def GetJob(self, request, context):  # type: ignore[no-untyped-def]
        return pipeline_pb2.GetJobResponse(job=self._job(""))

    async def WatchJob(self, request, context):  # type: ignore[no-untyped-def]
        yield pipeline_pb2.WatchJobResponse(
            seq=2,
            job_id=JOB_ID,
            type="node",
            status=pipeline_pb2.JOB_STATUS_RUNNING,
            message="node 'split' (TrainTestSplitter) running",
            time=_now(),
            node_id="split",
            node_status="running",
        )
        yield pipeline_pb2.WatchJobResponse(
            seq=3, job_id=JOB_ID, type="succeeded", status=pipeline_pb2.JOB_STATUS_SUCCEEDED
        )

    @staticmethod
    def _job(pipeline_id: str) -> pipeline_pb2.Job:
        return pipeline_pb2.Job(
            id=JOB_ID,
            dataset_id=DATASET_ID,
            status=pipeline_pb2.JOB_STATUS_QUEUED,
            model_name="m",
            pipeline_id=pipeline_id,
            pipeline_version=2 if pipeline_id else 0,
        )


class _Ingestion(ingestion_pb2_grpc.IngestionServiceServicer):
    async def GetDatasetRows(self, request, context):  # type: ignore[no-untyped-def]
        if request.dataset_id != DATASET_ID:
            raise FailedPrecondition(
                f"dataset {request.dataset_id} is not ready (status PENDING)",
                details={"dataset_id": request.dataset_id, "status": "PENDING"},
            )
        return ingestion_pb2.GetDatasetRowsResponse(
            dataset_id=DATASET_ID,
            offset=request.offset,
            limit=request.limit,
            total=3,
            columns=[common_pb2.Column(name="a", dtype="Float64")],
            rows_json=json.dumps([{"a": None}, {"a": 1.5}]),
        )


@pytest.fixture
async def gateway(tmp_path: Path) -> AsyncIterator[tuple[httpx.AsyncClient, _Pipeline]]:
    pipeline = _Pipeline()
    running = await start_server(
        [
            ServiceBinding(
                pipeline,
                pipeline_pb2_grpc.add_PipelineServiceServicer_to_server,
                "skyulf.pipeline.v1.PipelineService",
            ),
            ServiceBinding(
                _Ingestion(),
                ingestion_pb2_grpc.add_IngestionServiceServicer_to_server,
                "skyulf.ingestion.v1.IngestionService",
            ),
        ],
        host="127.0.0.1",
        port=0,
    )
    here, nobody = f"127.0.0.1:{running.port}", f"127.0.0.1:{free_port()}"
    settings = GatewaySettings(
        data_dir=tmp_path,
        frontend_dir=tmp_path / "no-frontend",
        ingestion_addr=here,
        pipeline_addr=here,
        registry_addr=nobody,
        deployment_addr=nobody,
        advisor_addr=nobody,
    )
    clients = ServiceClients.connect(settings)
    transport = httpx.ASGITransport(
        app=create_app(settings, clients, accounts_with_admin_key(settings))
    )
    async with httpx.AsyncClient(
        transport=transport, base_url="http://gw/api/v1", headers=AUTH_HEADERS
    ) as c:
        yield c, pipeline
    await clients.close()
    await running.stop(0)


async def test_templates_is_not_taken_for_a_pipeline_id(gateway: Any) -> None:
    client, pipeline = gateway
    resp = await client.get("/pipelines/templates")
    assert resp.status_code == 200, resp.text
    assert isinstance(pipeline.requests[-1], pipeline_pb2.ListTemplatesRequest)
    assert resp.json() == {
        "templates": [
            {
                "id": "regression",
                "name": "Regression",
                "description": "",
                "task": "regression",
                "graph": {"nodes": [], "edges": []},
                "layout": {},
            }
        ]
    }


async def test_create_sends_graph_and_layout_and_answers_the_contract(gateway: Any) -> None:
    client, pipeline = gateway
    layout = {"split": {"x": 1, "y": 2.5, "width": 200}}
    resp = await client.post("/pipelines", json={"name": "churn", "graph": GRAPH, "layout": layout})
    assert resp.status_code == 201, resp.text
    body = resp.json()
    assert set(body) == {
        "id", "name", "description", "dataset_id", "version", "graph", "layout",
        "created_at", "updated_at",
    }  # fmt: skip
    assert body["version"] == 1 and body["dataset_id"] is None
    assert body["layout"] == {"split": {"x": 1.0, "y": 2.5, "width": 200}}
    assert body["graph"]["nodes"][0] == {"id": "split", "type": "TrainTestSplitter", "params": {}}
    sent = pipeline.requests[-1]
    assert [n.id for n in sent.graph.nodes] == ["split", "model"]
    assert json.loads(sent.graph.nodes[0].params_json) == {"target_column": "y"}


async def test_update_sends_only_what_the_body_has(gateway: Any) -> None:
    client, pipeline = gateway
    resp = await client.put(f"/pipelines/{PIPELINE_ID}", json={"graph": GRAPH})
    assert resp.status_code == 200 and resp.json()["version"] == 2
    sent = pipeline.requests[-1]
    for name in ("name", "description", "dataset_id", "layout_json"):
        assert not sent.HasField(name), name
    await client.put(
        f"/pipelines/{PIPELINE_ID}",
        json={"graph": GRAPH, "dataset_id": None, "name": "n", "layout": {}},
    )
    sent = pipeline.requests[-1]
    assert sent.HasField("dataset_id") and sent.dataset_id == ""
    assert sent.name == "n" and sent.layout_json == "{}"


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("POST", "/pipelines", {"name": "", "graph": GRAPH}, "name"),
        ("POST", "/pipelines", {"name": "x" * 201, "graph": GRAPH}, "name"),
        ("POST", "/pipelines", {"name": "p", "graph": {"nodes": "x"}}, "graph.nodes"),
        ("POST", "/pipelines", {"name": "p", "graph": GRAPH, "layout": {"a": {"x": 1}}}, None),
        ("PUT", f"/pipelines/{PIPELINE_ID}", {"name": "p"}, "graph"),
        ("POST", f"/pipelines/{PIPELINE_ID}/versions/one/restore", None, "version"),
        ("POST", f"/pipelines/{PIPELINE_ID}/versions/2147483648/restore", None, "version"),
    ],
)
async def test_malformed_input_is_400_naming_the_field(
    gateway: Any, method: str, path: str, body: Any, field: str | None
) -> None:
    client, _ = gateway
    resp = await client.request(method, path, json=body)
    assert resp.status_code == 400, resp.text
    err = resp.json()["error"]
    assert err["code"] == "INVALID_ARGUMENT"
    assert err["details"]["field"] == (field or "layout.a.y")


async def test_unknown_pipeline_and_version_are_404(gateway: Any) -> None:
    client, _ = gateway
    missing = "00000000-0000-4000-8000-000000000000"
    resp = await client.get(f"/pipelines/{missing}")
    assert resp.status_code == 404
    assert resp.json()["error"]["details"] == {"pipeline_id": missing}
    assert missing in resp.json()["error"]["message"]
    resp = await client.post(f"/pipelines/{PIPELINE_ID}/versions/9/restore")
    assert resp.status_code == 404 and "has no version 9" in resp.json()["error"]["message"]
    resp = await client.post(f"/pipelines/{PIPELINE_ID}/versions/1/restore")
    assert resp.status_code == 200 and resp.json()["version"] == 3


async def test_dataset_rows_pass_through_and_limits_are_checked(gateway: Any) -> None:
    client, _ = gateway
    resp = await client.get(f"/datasets/{DATASET_ID}/rows", params={"offset": 1, "limit": 2})
    assert resp.status_code == 200, resp.text
    assert resp.json() == {
        "dataset_id": DATASET_ID,
        "offset": 1,
        "limit": 2,
        "total": 3,
        "columns": [{"name": "a", "dtype": "Float64"}],
        "rows": [{"a": None}, {"a": 1.5}],
    }
    for params, field in (
        ({"limit": 0}, "limit"),
        ({"limit": 1001}, "limit"),
        ({"offset": -1}, "offset"),
    ):
        resp = await client.get(f"/datasets/{DATASET_ID}/rows", params=params)
        assert resp.status_code == 400, resp.text
        assert resp.json()["error"]["details"]["field"] == field
    resp = await client.get("/datasets/pending/rows")
    assert resp.status_code == 409 and resp.json()["error"]["details"]["status"] == "PENDING"


async def test_job_carries_its_pipeline_and_sse_carries_node_events(gateway: Any) -> None:
    client, pipeline = gateway
    resp = await client.post(
        "/jobs", json={"dataset_id": DATASET_ID, "graph": GRAPH, "pipeline_id": PIPELINE_ID}
    )
    assert resp.status_code == 201, resp.text
    assert resp.json()["pipeline_id"] == PIPELINE_ID and resp.json()["pipeline_version"] == 2
    sent = pipeline.requests[-1]
    assert (sent.pipeline_id, sent.pipeline_version) == (PIPELINE_ID, 0)
    resp = await client.post(
        "/jobs", json={"dataset_id": DATASET_ID, "graph": GRAPH, "pipeline_version": 0}
    )
    assert (
        resp.status_code == 400 and resp.json()["error"]["details"]["field"] == "pipeline_version"
    )

    events: list[tuple[str, dict[str, Any]]] = []
    async with client.stream("GET", f"/jobs/{JOB_ID}/events") as stream:
        name = ""
        async for line in stream.aiter_lines():
            if line.startswith("event:"):
                name = line.split(":", 1)[1].strip()
            elif line.startswith("data:"):
                events.append((name, json.loads(line.split(":", 1)[1])))
    assert [n for n, _ in events] == ["node", "succeeded"]
    node = events[0][1]
    assert (node["node_id"], node["node_status"], node["type"]) == ("split", "running", "node")
    assert events[1][1]["node_id"] is None and events[1][1]["node_status"] is None
