from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from skyulf.ingestion.v1 import ingestion_pb2, ingestion_pb2_grpc
from skyulf_errors import ErrorCode, SkyulfError
from skyulf_ingestion.__main__ import SERVICE_NAME
from skyulf_ingestion.service import IngestionService
from skyulf_platform.errors import ERROR_TRAILER
from skyulf_platform.grpc.client import aio_channel, translated
from skyulf_platform.grpc.server import RunningServer

Stub = ingestion_pb2_grpc.IngestionServiceStub
CHUNK = 4096


async def _requests(
    filename: str, data: bytes, *, name: str = ""
) -> AsyncIterator[ingestion_pb2.UploadDatasetRequest]:
    meta = ingestion_pb2.UploadMetadata(filename=filename, name=name, content_type="text/csv")
    yield ingestion_pb2.UploadDatasetRequest(metadata=meta)
    for start in range(0, len(data), CHUNK):
        yield ingestion_pb2.UploadDatasetRequest(chunk=data[start : start + CHUNK])


async def upload(stub: Stub, filename: str, data: bytes) -> ingestion_pb2.Dataset:
    response = await stub.UploadDataset(_requests(filename, data))
    return response.dataset


def _details(err: grpc.aio.AioRpcError) -> dict[str, object]:
    for key, value in err.trailing_metadata() or ():
        if key == ERROR_TRAILER:
            return json.loads(value)["details"]
    raise AssertionError("no error trailer")


async def test_upload_ingest_and_read_back(
    stub: Stub, service: IngestionService, queued: list[str], churn_csv: bytes
) -> None:
    pending = await upload(stub, "churn_300.csv", churn_csv)
    assert pending.status == ingestion_pb2.DATASET_STATUS_PENDING
    assert (pending.source_filename, pending.size_bytes) == ("churn_300.csv", len(churn_csv))
    assert queued == [pending.id]

    service.ingest(pending.id)

    got = (await stub.GetDataset(ingestion_pb2.GetDatasetRequest(dataset_id=pending.id))).dataset
    assert got.status == ingestion_pb2.DATASET_STATUS_READY
    assert (got.n_rows, got.n_columns) == (300, 11)
    assert [c.name for c in got.columns][:3] == ["customer_id", "age", "income"]
    assert got.data_uri.endswith(f"datasets/{pending.id}/data.parquet")
    assert len(got.data_checksum) == 64
    assert got.updated_at.ToDatetime() >= got.created_at.ToDatetime()

    profile = await stub.GetDatasetProfile(
        ingestion_pb2.GetDatasetProfileRequest(dataset_id=pending.id)
    )
    assert profile.dataset_id == pending.id
    assert "plan_type" in json.dumps(json.loads(profile.profile_json)["columns"])

    listed = await stub.ListDatasets(ingestion_pb2.ListDatasetsRequest(page_size=10))
    assert listed.total == 1
    assert [d.id for d in listed.datasets] == [pending.id]


@pytest.mark.parametrize(
    ("filename", "data", "match"),
    [
        ("picture.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10, "not a text file"),
        ("empty.csv", b"", "is empty"),
        ("ragged.csv", b"a,b\n1,2\n3,4,5\n", "line 3 has 3 fields, expected 2"),
        ("model.pkl", b"\x80\x04", "unsupported file type"),
    ],
)
async def test_bad_files_are_invalid_arguments_naming_the_file(
    stub: Stub,
    service: IngestionService,
    queued: list[str],
    filename: str,
    data: bytes,
    match: str,
) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as info:
        await upload(stub, filename, data)
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert filename in (info.value.details() or "")
    assert match in (info.value.details() or "")
    assert _details(info.value)["file"] == filename
    assert queued == []
    assert list(service.tmp_dir.iterdir()) == []


async def test_too_large_upload_is_resource_exhausted(
    stub: Stub, service: IngestionService
) -> None:
    data = b"a\n" + b"1\n" * service.max_upload_bytes
    with pytest.raises(grpc.aio.AioRpcError) as info:
        await upload(stub, "huge.csv", data)
    assert info.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert "huge.csv is larger than the upload limit" in (info.value.details() or "")
    assert list(service.tmp_dir.iterdir()) == []
    assert service.store.list("datasets/") == []


async def test_first_message_must_be_metadata(stub: Stub) -> None:
    async def chunk_first() -> AsyncIterator[ingestion_pb2.UploadDatasetRequest]:
        yield ingestion_pb2.UploadDatasetRequest(chunk=b"a,b\n1,2\n")

    with pytest.raises(grpc.aio.AioRpcError) as info:
        await stub.UploadDataset(chunk_first())
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "first UploadDataset message must carry the file's metadata" in (
        info.value.details() or ""
    )


async def test_metadata_twice_is_refused(stub: Stub) -> None:
    async def twice() -> AsyncIterator[ingestion_pb2.UploadDatasetRequest]:
        meta = ingestion_pb2.UploadMetadata(filename="twice.csv")
        yield ingestion_pb2.UploadDatasetRequest(metadata=meta)
        yield ingestion_pb2.UploadDatasetRequest(metadata=meta)

    with pytest.raises(grpc.aio.AioRpcError) as info:
        await stub.UploadDataset(twice())
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "twice.csv: metadata may only be sent once" in (info.value.details() or "")


async def test_unknown_dataset_is_not_found_and_rebuilt_by_clients(stub: Stub) -> None:
    missing = "5b8c8f5e-7b0e-4d2c-9a53-3c1f0d2f9e11"
    with pytest.raises(SkyulfError, match=missing) as info, translated("ingestion"):
        await stub.GetDataset(ingestion_pb2.GetDatasetRequest(dataset_id=missing))
    assert info.value.code == ErrorCode.NOT_FOUND
    assert info.value.details == {"dataset_id": missing}
    with pytest.raises(grpc.aio.AioRpcError) as raw:
        await stub.GetDatasetProfile(ingestion_pb2.GetDatasetProfileRequest(dataset_id="nope"))
    assert raw.value.code() == grpc.StatusCode.NOT_FOUND
    assert "dataset 'nope' not found" in (raw.value.details() or "")


async def test_profile_before_ready_is_failed_precondition(stub: Stub, churn_csv: bytes) -> None:
    pending = await upload(stub, "churn_300.csv", churn_csv)
    with pytest.raises(grpc.aio.AioRpcError) as info:
        await stub.GetDatasetProfile(ingestion_pb2.GetDatasetProfileRequest(dataset_id=pending.id))
    assert info.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert info.value.details() == f"dataset {pending.id} is not ready (status PENDING)"


async def test_health_reports_serving(server: RunningServer) -> None:
    channel = aio_channel(f"127.0.0.1:{server.port}")
    try:
        health = health_pb2_grpc.HealthStub(channel)
        request = health_pb2.HealthCheckRequest(service=SERVICE_NAME)
        for _ in range(50):
            if (await health.Check(request)).status == health_pb2.HealthCheckResponse.SERVING:
                break
            await asyncio.sleep(0.05)
        assert (await health.Check(request)).status == health_pb2.HealthCheckResponse.SERVING
    finally:
        await channel.close()
