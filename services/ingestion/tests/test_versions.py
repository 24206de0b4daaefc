"""Dataset versions: a new upload into a dataset, or a source read again, is version n+1;
older versions stay readable."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import grpc
import pytest
import sqlalchemy as sa

from skyulf.ingestion.v1 import ingestion_pb2, ingestion_pb2_grpc
from skyulf_errors import FailedPrecondition, InvalidArgument, NotFound
from skyulf_ingestion.db.tables import DatasetVersionRow
from skyulf_ingestion.models import DatasetStatus
from skyulf_ingestion.repository import DatasetRepository
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


def test_every_version_keeps_its_own_profile_and_target_analysis(
    service: IngestionService,
) -> None:
    first = service.upload("prices.csv", b"item,price,sold\na,1,yes\nb,2,no\nc,3,yes\n")
    service.ingest(first.id)
    service.ingest(
        service.upload("prices-dec.csv", b"item,price\nc,3\nd,4\n", dataset_id=first.id).id
    )

    old = service.get_profile(first.id, 1)
    latest = service.get_profile(first.id)
    assert old.version == 1 and latest.version == 2
    assert [c["name"] for c in json.loads(old.profile_json)["columns"]] == ["item", "price", "sold"]
    assert json.loads(latest.profile_json)["n_rows"] == 2
    assert service.get_profile(first.id, 2) == latest

    analysis = service.target_analysis(first.id, "sold", version=1)
    assert analysis.version == 1
    assert {c.value: c.count for c in analysis.analysis.class_balance} == {"yes": 2, "no": 1}
    # The latest version has no "sold" column: the error names the version it looked at.
    with pytest.raises(InvalidArgument, match="'sold' is not in version 2") as e:
        service.target_analysis(first.id, "sold")
    assert e.value.details["version"] == 2


def test_a_version_that_does_not_exist_is_not_found_by_number(service: IngestionService) -> None:
    first = service.upload("a.csv", b"x\n1\n")
    service.ingest(first.id)
    for call in (
        lambda: service.get_profile(first.id, 3),
        lambda: service.target_analysis(first.id, "x", version=3),
    ):
        with pytest.raises(NotFound, match="has no version 3") as e:
            call()
        assert e.value.details == {"dataset_id": first.id, "version": 3}
    with pytest.raises(InvalidArgument, match="version must not be negative"):
        service.get_profile(first.id, -1)


def test_a_version_without_a_stored_profile_is_profiled_from_its_parquet(
    service: IngestionService,
) -> None:
    first = service.upload("a.csv", b"x,y\n1,u\n2,v\n")
    service.ingest(first.id)
    service.ingest(service.upload("a.csv", b"x\n5\n", dataset_id=first.id).id)
    stored = service.get_profile(first.id, 1).profile_json
    # A version older than per-version profiles (migration 0004) has none stored.
    with service.uow() as session:
        session.execute(
            sa.update(DatasetVersionRow).where(DatasetVersionRow.version == 1).values(profile=None)
        )
    again = service.get_profile(first.id, 1)
    assert json.loads(again.profile_json) == json.loads(stored)
    with service.uow() as session:
        assert DatasetRepository(session).profile(first.id, 1) == again.profile_json


async def test_profile_and_target_analysis_of_a_version_over_grpc(
    stub: ingestion_pb2_grpc.IngestionServiceStub, service: IngestionService
) -> None:
    first = service.upload("a.csv", b"x,y\n1,u\n2,v\n3,u\n")
    service.ingest(first.id)
    service.ingest(service.upload("a.csv", b"x\n5\n", dataset_id=first.id).id)
    profile = await stub.GetDatasetProfile(
        ingestion_pb2.GetDatasetProfileRequest(dataset_id=first.id, version=1)
    )
    assert profile.version == 1 and json.loads(profile.profile_json)["n_rows"] == 3
    latest = await stub.GetDatasetProfile(
        ingestion_pb2.GetDatasetProfileRequest(dataset_id=first.id)
    )
    assert latest.version == 2 and json.loads(latest.profile_json)["n_rows"] == 1
    target = await stub.GetTargetAnalysis(
        ingestion_pb2.GetTargetAnalysisRequest(dataset_id=first.id, target="y", version=1)
    )
    assert target.version == 1 and json.loads(target.analysis_json)["task"] == "classification"
    with pytest.raises(grpc.aio.AioRpcError) as e:
        await stub.GetDatasetProfile(
            ingestion_pb2.GetDatasetProfileRequest(dataset_id=first.id, version=9)
        )
    assert e.value.code() == grpc.StatusCode.NOT_FOUND
    assert f"dataset {first.id} has no version 9" in (e.value.details() or "")
