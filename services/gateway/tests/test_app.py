"""The gateway in-process against a real gRPC ingestion stand-in: envelopes, statuses, request ids,
health with a service down."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from skyulf.ingestion.v1 import ingestion_pb2, ingestion_pb2_grpc
from skyulf_errors import InvalidArgument, NotFound
from skyulf_gateway.app import create_app
from skyulf_gateway.clients import ServiceClients
from skyulf_gateway.settings import GatewaySettings
from skyulf_gateway.testing import AUTH_HEADERS, accounts_with_admin_key
from skyulf_platform.grpc.server import ServiceBinding, start_server
from skyulf_platform.logs import request_id_var
from skyulf_platform.stack import free_port

DATASET_ID = "5f0b8a52-3d0e-4f0c-9a39-2b8f4a6c1d11"


class _Ingestion(ingestion_pb2_grpc.IngestionServiceServicer):
    request_ids: list[str] = []
    uploaded: list[bytes] = []

    async def GetDataset(self, request, context):  # type: ignore[no-untyped-def]
        self.request_ids.append(request_id_var.get())
        if request.dataset_id != DATASET_ID:
            raise NotFound(
                f"dataset {request.dataset_id} not found",
                details={"dataset_id": request.dataset_id},
            )
        return ingestion_pb2.GetDatasetResponse(
            dataset=ingestion_pb2.Dataset(
                id=DATASET_ID, name="d", status=ingestion_pb2.DATASET_STATUS_READY, n_rows=3
            )
        )

    async def UploadDataset(self, request_iterator, context):  # type: ignore[no-untyped-def]
        meta = None
        data = b""
        async for msg in request_iterator:
            if msg.HasField("metadata"):
                meta = msg.metadata
            else:
                data += msg.chunk
        assert meta is not None
        if not data:
            raise InvalidArgument(f"{meta.filename} is empty", details={"file": meta.filename})
        self.uploaded.append(data)
        return ingestion_pb2.UploadDatasetResponse(
            dataset=ingestion_pb2.Dataset(
                id=DATASET_ID, name=meta.filename, status=ingestion_pb2.DATASET_STATUS_PENDING
            )
        )


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    running = await start_server(
        [
            ServiceBinding(
                _Ingestion(),
                ingestion_pb2_grpc.add_IngestionServiceServicer_to_server,
                "skyulf.ingestion.v1.IngestionService",
            )
        ],
        host="127.0.0.1",
        port=0,
        check_interval=0.05,
    )
    nobody = f"127.0.0.1:{free_port()}"  # every other service is down
    settings = GatewaySettings(
        data_dir=tmp_path,
        frontend_dir=tmp_path / "no-frontend",
        ingestion_addr=f"127.0.0.1:{running.port}",
        pipeline_addr=nobody,
        registry_addr=nobody,
        deployment_addr=nobody,
        advisor_addr=nobody,
        upload_chunk_bytes=4,
    )
    clients = ServiceClients.connect(settings)
    app = create_app(settings, clients, accounts_with_admin_key(settings))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://gw", headers=AUTH_HEADERS
    ) as c:
        yield c
    await clients.close()
    await running.stop(0)


async def test_found_dataset_and_request_id_round_trip(client: httpx.AsyncClient) -> None:
    resp = await client.get(f"/api/v1/datasets/{DATASET_ID}", headers={"x-request-id": "abc123"})
    assert resp.status_code == 200
    assert resp.json()["status"] == "READY"
    assert resp.headers["x-request-id"] == "abc123"
    assert _Ingestion.request_ids[-1] == "abc123"


async def test_service_error_becomes_the_envelope(client: httpx.AsyncClient) -> None:
    resp = await client.get("/api/v1/datasets/nope")
    assert resp.status_code == 404
    assert resp.json() == {
        "error": {
            "code": "NOT_FOUND",
            "message": "dataset nope not found",
            "details": {"dataset_id": "nope"},
        }
    }
    assert resp.headers["x-request-id"]


async def test_upload_streams_chunks_and_maps_errors(client: httpx.AsyncClient) -> None:
    resp = await client.post(
        "/api/v1/datasets", files={"file": ("a.csv", b"a,b\n1,2\n", "text/csv")}
    )
    assert resp.status_code == 201, resp.text
    assert _Ingestion.uploaded[-1] == b"a,b\n1,2\n"
    empty = await client.post("/api/v1/datasets", files={"file": ("e.csv", b"", "text/csv")})
    assert empty.status_code == 400
    assert empty.json()["error"]["details"] == {"file": "e.csv"}


async def test_body_validation_names_the_field(client: httpx.AsyncClient) -> None:
    resp = await client.post("/api/v1/jobs", json={"dataset_id": DATASET_ID, "graph": {}})
    assert resp.status_code == 400
    err = resp.json()["error"]
    assert err["code"] == "INVALID_ARGUMENT"
    assert err["details"]["field"] == "graph.nodes"


async def test_unreachable_service_is_503_naming_it(client: httpx.AsyncClient) -> None:
    resp = await client.get("/api/v1/models")
    assert resp.status_code == 503
    assert resp.json()["error"]["code"] == "UNAVAILABLE"
    assert resp.json()["error"]["message"] == "registry is not reachable"


async def test_health_reports_each_service(client: httpx.AsyncClient) -> None:
    body = (await client.get("/healthz")).json()
    assert body["status"] == "degraded"
    assert body["services"]["ingestion"] == "SERVING"
    assert body["services"]["registry"] == "UNREACHABLE"


async def test_unknown_route_uses_the_envelope(client: httpx.AsyncClient) -> None:
    resp = await client.get("/api/v1/nothing-here")
    assert resp.status_code == 404
    assert resp.json()["error"]["code"] == "NOT_FOUND"


async def test_root_explains_how_to_build_the_canvas(client: httpx.AsyncClient) -> None:
    resp = await client.get("/")
    assert resp.status_code == 200
    assert "make frontend" in resp.text


async def test_unexpected_failure_is_500_with_the_request_id(client: httpx.AsyncClient) -> None:
    app = client._transport.app  # type: ignore[attr-defined]

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("secret detail")

    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://gw", headers=AUTH_HEADERS
    ) as c:
        resp = await c.get("/boom", headers={"x-request-id": "rid-9"})
    assert resp.status_code == 500
    assert resp.json()["error"] == {
        "code": "INTERNAL",
        "message": "internal error (request id rid-9)",
        "details": {},
    }
    assert "secret" not in resp.text


async def test_web_app_deep_links_open_the_page(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<!doctype html><div id=root></div>")
    (dist / "assets" / "app.js").write_text("console.log(1)")
    app = create_app(GatewaySettings(data_dir=tmp_path, frontend_dir=dist))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://gw", headers=AUTH_HEADERS
    ) as c:
        for path in ("/", "/datasets/abc", "/canvas/123"):
            resp = await c.get(path)
            assert resp.status_code == 200 and "id=root" in resp.text, path
        assert (await c.get("/assets/app.js")).text == "console.log(1)"
        # A missing asset and an unknown API path stay 404s, never the page.
        assert (await c.get("/assets/missing.js")).status_code == 404
        resp = await c.get("/api/v1/nothing-here")
        assert resp.status_code == 404 and resp.json()["error"]["code"] == "NOT_FOUND"
        # A traversal under the API normalises to a path outside it: still the API's 404.
        resp = await c.get("/api/v1/models/..%2F..%2F..%2Fetc%2Fpasswd/versions")
        assert resp.status_code == 404 and resp.json()["error"]["code"] == "NOT_FOUND"
        resp = await c.put("/api/v1/models/m/aliases/..%2F..%2Fx", json={"version": 1})
        assert resp.status_code == 404 and resp.json()["error"]["code"] == "NOT_FOUND"
