"""Dataset versions: a new upload into a dataset, or a source read again, is version n+1;
older versions stay readable."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from skyulf.ingestion.v1 import ingestion_pb2, ingestion_pb2_grpc
from skyulf_errors import FailedPrecondition, NotFound
from skyulf_ingestion.models import DatasetStatus
from skyulf_ingestion.service import IngestionService
from skyulf_ingestion.settings import IngestionSettings
from skyulf_ingestion.sources.models import SqlSource
from skyulf_ingestion.wiring import build_service


async def _upload_version(
    filename: str, data: bytes, dataset_id: str
) -> AsyncIterator[ingestion_pb2.UploadDatasetRequest]:
    meta = ingestion_pb2.UploadMetadata(filename=filename, dataset_id=dataset_id)
    yield ingestion_pb2.UploadDatasetRequest(metadata=meta)
    yield ingestion_pb2.UploadDatasetRequest(chunk=data)


async def test_an_upload_into_a_dataset_is_its_next_version(
    stub: ingestion_pb2_grpc.IngestionServiceStub,
    service: IngestionService,
    queued: list[str],
) -> None:
    first = service.upload("prices.csv", b"item,price\na,1\nb,2\n")
    service.ingest(first.id)
    resp = await stub.UploadDataset(
        _upload_version("prices-dec.csv", b"item,price\nc,3\n", first.id)
    )
    assert resp.dataset.id == first.id and resp.dataset.version == 2
    assert resp.dataset.status == ingestion_pb2.DATASET_STATUS_PENDING
    assert queued == [first.id, first.id]
    done = service.ingest(first.id)
    assert (done.status, done.version, done.n_rows) == (DatasetStatus.READY, 2, 1)
    assert done.source_filename == "prices-dec.csv"

    listed = await stub.ListDatasetVersions(
        ingestion_pb2.ListDatasetVersionsRequest(dataset_id=first.id)
    )
    assert [(v.version, v.n_rows, v.source_filename) for v in listed.versions] == [
        (2, 1, "prices-dec.csv"),
        (1, 2, "prices.csv"),
    ]
    old = await stub.GetDatasetRows(
        ingestion_pb2.GetDatasetRowsRequest(dataset_id=first.id, limit=10, version=1)
    )
    assert old.total == 2 and '"item": "a"' in old.rows_json
    latest = await stub.GetDatasetRows(
        ingestion_pb2.GetDatasetRowsRequest(dataset_id=first.id, limit=10)
    )
    assert latest.total == 1 and '"item": "c"' in latest.rows_json
    with pytest.raises(NotFound, match="has no version 7"):
        service.get_rows(first.id, offset=0, limit=5, version=7)


def test_no_new_version_while_one_is_being_made(service: IngestionService) -> None:
    first = service.upload("a.csv", b"x\n1\n")
    with pytest.raises(FailedPrecondition, match="still being ingested"):
        service.upload("a.csv", b"x\n2\n", dataset_id=first.id)
    assert service.store.list(f"datasets/{first.id}/v2") == []


@pytest.fixture
def sql_service(
    settings: IngestionSettings, queued: list[str], tmp_path: Path
) -> Iterator[IngestionService]:
    svc = build_service(
        settings.model_copy(update={"sql_sqlite_dirs": [tmp_path]}), enqueue=queued.append
    )
    yield svc
    svc.uow.engine.dispose()


def test_a_source_read_again_is_the_next_version(
    sql_service: IngestionService, tmp_path: Path
) -> None:
    db = tmp_path / "live.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE t (v INTEGER)")
        conn.executemany("INSERT INTO t VALUES (?)", [(1,), (2,)])
    dataset = sql_service.create_from_source(SqlSource(url=f"sqlite:///{db}", table="t"))
    assert sql_service.ingest(dataset.id).n_rows == 2
    with sqlite3.connect(db) as conn:
        conn.execute("INSERT INTO t VALUES (3)")
    again = sql_service.new_version(dataset.id)
    assert (again.version, again.status) == (2, DatasetStatus.PENDING)
    done = sql_service.ingest(dataset.id)
    assert (done.version, done.n_rows) == (2, 3)
    assert [v.n_rows for v in sql_service.list_versions(dataset.id)] == [3, 2]
    assert sql_service.get_rows(dataset.id, offset=0, limit=10, version=1).total == 2
    with pytest.raises(FailedPrecondition, match="read from a sql source"):
        sql_service.upload("t.csv", b"v\n1\n", dataset_id=dataset.id)


def test_an_uploaded_dataset_is_not_read_again(service: IngestionService) -> None:
    first = service.upload("a.csv", b"x\n1\n")
    service.ingest(first.id)
    with pytest.raises(FailedPrecondition, match="upload a file"):
        service.new_version(first.id)
