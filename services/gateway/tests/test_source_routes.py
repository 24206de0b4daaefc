"""POST /datasets/sources through the gateway against an in-process ingestion stand-in that
records what it was sent, so the REST <-> proto mapping is checked both ways."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from google.protobuf.timestamp_pb2 import Timestamp

from skyulf.ingestion.v1 import ingestion_pb2, ingestion_pb2_grpc
from skyulf_errors import InvalidArgument
from skyulf_gateway.app import create_app
from skyulf_gateway.clients import ServiceClients
from skyulf_gateway.settings import GatewaySettings
from skyulf_gateway.testing import AUTH_HEADERS, accounts_with_admin_key
from skyulf_platform.grpc.server import ServiceBinding, start_server
from skyulf_platform.stack import free_port

DATASET_ID = "5f0b8a52-3d0e-4f0c-9a39-2b8f4a6c1d11"


class _Ingestion(ingestion_pb2_grpc.IngestionServiceServicer):
    def __init__(self) -> None:
        self.requests: list[Any] = []

    def _dataset(self, version: int, kind: str) -> ingestion_pb2.Dataset:
        ts = Timestamp()
        ts.FromSeconds(1_790_000_000)
        return ingestion_pb2.Dataset(
            id=DATASET_ID,
            name="orders",
            status=ingestion_pb2.DATASET_STATUS_PENDING,
            source_kind=kind,
            version=version,
            created_at=ts,
            updated_at=ts,
        )

    async def CreateDatasetVersion(self, request, context):  # type: ignore[no-untyped-def]
        self.requests.append(request)
        return ingestion_pb2.CreateDatasetVersionResponse(dataset=self._dataset(3, "sql"))

    async def UploadDataset(self, request_iterator, context):  # type: ignore[no-untyped-def]
        messages = [m async for m in request_iterator]
        self.requests.append(messages)
        return ingestion_pb2.UploadDatasetResponse(dataset=self._dataset(2, "upload"))

    async def ListDatasetVersions(self, request, context):  # type: ignore[no-untyped-def]
        ts = Timestamp()
        ts.FromSeconds(1_790_000_000)
        return ingestion_pb2.ListDatasetVersionsResponse(
            dataset_id=request.dataset_id,
            versions=[
                ingestion_pb2.DatasetVersion(
                    version=2, source_filename="b.csv", n_rows=5, data_checksum="c2", created_at=ts
                ),
                ingestion_pb2.DatasetVersion(version=1, source_filename="a.csv", n_rows=4),
            ],
        )

    async def CreateDatasetFromSource(self, request, context):  # type: ignore[no-untyped-def]
        self.requests.append(request)
        if request.WhichOneof("source") == "sql" and "DELETE" in request.sql.query:
            raise InvalidArgument(
                "the query may only read; DELETE is refused", details={"field": "query"}
            )
        ts = Timestamp()
        ts.FromSeconds(1_790_000_000)
        kind = request.WhichOneof("source")
        return ingestion_pb2.CreateDatasetFromSourceResponse(
            dataset=ingestion_pb2.Dataset(
                id=DATASET_ID,
                name=request.name or "orders",
                status=ingestion_pb2.DATASET_STATUS_PENDING,
                source_filename="orders",
                source_kind=kind,
                created_at=ts,
                updated_at=ts,
            )
        )


@pytest.fixture
async def gateway(tmp_path: Path) -> AsyncIterator[tuple[httpx.AsyncClient, _Ingestion]]:
    ingestion = _Ingestion()
    running = await start_server(
        [
            ServiceBinding(
                ingestion,
                ingestion_pb2_grpc.add_IngestionServiceServicer_to_server,
                "skyulf.ingestion.v1.IngestionService",
            )
        ],
        host="127.0.0.1",
        port=0,
    )
    here, nobody = f"127.0.0.1:{running.port}", f"127.0.0.1:{free_port()}"
    settings = GatewaySettings(
        data_dir=tmp_path,
        frontend_dir=tmp_path / "no-frontend",
        ingestion_addr=here,
        pipeline_addr=nobody,
        registry_addr=nobody,
        deployment_addr=nobody,
        advisor_addr=nobody,
        max_upload_bytes=200_000,
    )
    clients = ServiceClients.connect(settings)
    transport = httpx.ASGITransport(
        app=create_app(settings, clients, accounts_with_admin_key(settings))
    )
    async with httpx.AsyncClient(
        transport=transport, base_url="http://gw/api/v1", headers=AUTH_HEADERS
    ) as c:
        yield c, ingestion
    await clients.close()
    await running.stop(0)


async def test_a_sql_source_is_sent_and_the_url_never_comes_back(gateway: Any) -> None:
    client, ingestion = gateway
    url = "postgresql://reader:pw-123@db.example/shop"
    body = {"name": "orders", "source": {"kind": "sql", "url": url, "table": "orders"}}
    resp = await client.post("/datasets/sources", json=body)
    assert resp.status_code == 201, resp.text
    assert resp.json()["source_kind"] == "sql" and resp.json()["status"] == "PENDING"
    assert "pw-123" not in resp.text
    sent = ingestion.requests[-1]
    assert (sent.name, sent.sql.url, sent.sql.table) == ("orders", url, "orders")


async def test_http_and_s3_sources_are_mapped(gateway: Any) -> None:
    client, ingestion = gateway
    http = {
        "kind": "http",
        "url": "https://api.example/items",
        "records_path": "data.items",
        "pagination": "cursor",
        "page_param": "after",
        "cursor_path": "next",
        "auth_header_name": "Authorization",
        "auth_header_value": "Bearer t",
    }
    resp = await client.post("/datasets/sources", json={"source": http})
    assert resp.status_code == 201, resp.text
    sent = ingestion.requests[-1].http
    assert (sent.records_path, sent.pagination, sent.cursor_path, sent.max_pages) == (
        "data.items",
        "cursor",
        "next",
        100,
    )
    assert sent.auth_header_value == "Bearer t" and "Bearer t" not in resp.text
    s3 = {"kind": "s3", "uri": "s3://b/k/book.xlsx", "sheet": "sales", "header_row": 2}
    resp = await client.post("/datasets/sources", json={"source": s3})
    assert resp.status_code == 201, resp.text
    sent_s3 = ingestion.requests[-1].s3
    assert (sent_s3.uri, sent_s3.sheet, sent_s3.header_row) == ("s3://b/k/book.xlsx", "sales", 2)


@pytest.mark.parametrize(
    ("source", "field"),
    [
        ({"kind": "ftp", "url": "x"}, "source"),
        ({"kind": "sql"}, "source.sql.url"),
        ({"kind": "http", "url": "https://x", "pagination": "sideways"}, "source.http.pagination"),
        ({"kind": "s3", "uri": "s3://b/k.csv", "header_row": -1}, "source.s3.header_row"),
    ],
)
async def test_malformed_sources_are_400_naming_the_field(
    gateway: Any, source: dict[str, Any], field: str
) -> None:
    client, _ = gateway
    resp = await client.post("/datasets/sources", json={"source": source})
    assert resp.status_code == 400, resp.text
    assert resp.json()["error"]["details"]["field"] == field


async def test_the_service_refusal_names_the_field(gateway: Any) -> None:
    client, _ = gateway
    body = {"source": {"kind": "sql", "url": "sqlite:///x.db", "query": "DELETE FROM t"}}
    resp = await client.post("/datasets/sources", json=body)
    assert resp.status_code == 400, resp.text
    err = resp.json()["error"]
    assert err["details"] == {"field": "query"} and "DELETE is refused" in err["message"]


async def test_versions_are_listed_and_made_from_a_file_or_the_source(gateway: Any) -> None:
    client, ingestion = gateway
    resp = await client.get(f"/datasets/{DATASET_ID}/versions")
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert [(v["version"], v["n_rows"]) for v in body["versions"]] == [(2, 5), (1, 4)]
    assert body["versions"][0]["checksum"] == "c2" and body["versions"][1]["created_at"] is None

    resp = await client.post(f"/datasets/{DATASET_ID}/versions")
    assert resp.status_code == 201, resp.text
    assert resp.json()["version"] == 3
    assert ingestion.requests[-1].dataset_id == DATASET_ID

    files = {"file": ("next.xlsx", b"PK...", "application/octet-stream")}
    resp = await client.post(
        f"/datasets/{DATASET_ID}/versions", files=files, params={"sheet": "s", "header_row": 1}
    )
    assert resp.status_code == 201, resp.text
    first, *chunks = ingestion.requests[-1]
    meta = first.metadata
    assert (meta.filename, meta.dataset_id, meta.sheet, meta.header_row) == (
        "next.xlsx",
        DATASET_ID,
        "s",
        1,
    )
    assert b"".join(c.chunk for c in chunks) == b"PK..."


async def test_an_upload_over_the_limit_is_413_before_it_reaches_ingestion(gateway: Any) -> None:
    client, ingestion = gateway
    big = b"a,b\n" + b"1,2\n" * 100_000
    resp = await client.post("/datasets", files={"file": ("big.csv", big, "text/csv")})
    assert resp.status_code == 413, resp.text
    err = resp.json()["error"]
    assert err["code"] == "PAYLOAD_TOO_LARGE" and err["details"]["limit_bytes"] == 200_000
    assert ingestion.requests == []

    async def stream() -> AsyncIterator[bytes]:
        # No Content-Length: the bytes are counted as they arrive.
        yield b'--x\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n\r\n'
        for _ in range(40):
            yield b"1,2\n" * 2_000
        yield b"\r\n--x--\r\n"

    resp = await client.post(
        "/datasets",
        content=stream(),
        headers={"content-type": "multipart/form-data; boundary=x"},
    )
    assert resp.status_code == 413, resp.text
    assert ingestion.requests == []
