"""Export: a dataset version as CSV (spreadsheet formulas neutralised) or Parquet, streamed over
gRPC in chunks; and the target analysis for a chosen target column."""

from __future__ import annotations

import csv
import io
import json

import grpc
import polars as pl
import pyarrow.parquet as pq
import pytest

from skyulf.ingestion.v1 import ingestion_pb2, ingestion_pb2_grpc
from skyulf_errors import FailedPrecondition, InvalidArgument, NotFound
from skyulf_ingestion import export
from skyulf_ingestion.export import ExportFormat, neutralise_cell, neutralise_formulas
from skyulf_ingestion.service import IngestionService

Stub = ingestion_pb2_grpc.IngestionServiceStub

FORMULAS = b"""name,note,amount,kind
alice,=1+1,-3,a
bob,+SUM(A1:A2),4.5,b
carol,-2+3,0,a
dave,@cmd,1,b
erin,\tTAB,2,a
frank,plain text,3,b
"""


@pytest.fixture
def formulas_id(service: IngestionService) -> str:
    return service.ingest(service.upload("notes.csv", FORMULAS).id).id


def _csv(service: IngestionService, dataset_id: str, version: int = 0) -> list[dict[str, str]]:
    exported = service.export(dataset_id, version=version, fmt=ExportFormat.CSV)
    text = b"".join(exported.chunks).decode()
    return list(csv.DictReader(io.StringIO(text)))


def test_neutralise_cell() -> None:
    for cell in ("=1+1", "+1", "-A1", "@SUM(1)", "\tx", "\rx"):
        assert neutralise_cell(cell) == "'" + cell
    for cell in ("plain", "1-2", " =x", ""):
        assert neutralise_cell(cell) == cell


def test_text_cells_starting_a_formula_are_neutralised_numbers_are_not(
    service: IngestionService, formulas_id: str
) -> None:
    rows = _csv(service, formulas_id)
    assert [r["note"] for r in rows] == [
        "'=1+1",
        "'+SUM(A1:A2)",
        "'-2+3",
        "'@cmd",
        "'\tTAB",
        "plain text",
    ]
    # amount is numeric: -3 stays a number.
    assert [r["amount"] for r in rows][:2] == ["-3.0", "4.5"]
    assert rows[0]["name"] == "alice"


def test_column_names_are_neutralised_too(service: IngestionService) -> None:
    data = b'=SUM(A1),@name,plain,"a,b"\n1,2,3,4\n'
    dataset = service.ingest(service.upload("header.csv", data).id)
    text = b"".join(service.export(dataset.id, fmt=ExportFormat.CSV).chunks).decode()
    header = next(csv.reader(io.StringIO(text)))
    assert header == ["'=SUM(A1)", "'@name", "plain", "a,b"]


def test_categorical_columns_are_neutralised_too() -> None:
    frame = pl.DataFrame({"c": ["=x", "y"]}, schema={"c": pl.Categorical})
    assert neutralise_formulas(frame).get_column("c").to_list() == ["'=x", "y"]


def test_csv_is_streamed_in_chunks(
    service: IngestionService, churn_csv: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(export, "CHUNK_BYTES", 1024)
    monkeypatch.setattr(export, "BATCH_ROWS", 40)
    dataset = service.ingest(service.upload("churn_300.csv", churn_csv).id)
    exported = service.export(dataset.id, fmt=ExportFormat.CSV)
    chunks = list(exported.chunks)
    assert len(chunks) > 3
    frame = pl.read_csv(io.BytesIO(b"".join(chunks)))
    assert frame.height == 300 and frame.columns[0] == "customer_id"
    assert exported.filename == "churn_300-v1.csv"
    assert exported.content_type.startswith("text/csv")


def test_parquet_is_the_stored_file(service: IngestionService, churn_csv: bytes) -> None:
    dataset = service.ingest(service.upload("churn_300.csv", churn_csv).id)
    exported = service.export(dataset.id, fmt=ExportFormat.PARQUET)
    data = b"".join(exported.chunks)
    table = pq.read_table(io.BytesIO(data))
    assert table.num_rows == 300
    assert exported.filename == "churn_300-v1.parquet"


def test_an_older_version_is_exported_as_it_was(
    service: IngestionService, formulas_id: str
) -> None:
    service.ingest(
        service.upload("notes.csv", b"name,note\nzed,hello\n", dataset_id=formulas_id).id
    )
    assert [r["name"] for r in _csv(service, formulas_id)] == ["zed"]
    assert len(_csv(service, formulas_id, version=1)) == 6
    assert len(_csv(service, formulas_id, version=2)) == 1


def test_bad_exports_name_what_is_wrong(
    service: IngestionService, formulas_id: str, churn_csv: bytes
) -> None:
    with pytest.raises(NotFound, match="version 7"):
        service.export(formulas_id, version=7, fmt=ExportFormat.CSV)
    with pytest.raises(NotFound):
        service.export("5f0b8a52-3d0e-4f0c-9a39-2b8f4a6c1d11", fmt=ExportFormat.CSV)
    pending = service.upload("churn_300.csv", churn_csv)
    with pytest.raises(FailedPrecondition, match="not ready"):
        service.export(pending.id, fmt=ExportFormat.CSV)
    with pytest.raises(InvalidArgument, match="version"):
        service.export(formulas_id, version=-1, fmt=ExportFormat.CSV)


async def test_export_over_grpc_streams_chunks(
    stub: Stub, service: IngestionService, formulas_id: str
) -> None:
    call = stub.ExportDataset(
        ingestion_pb2.ExportDatasetRequest(
            dataset_id=formulas_id, format=ingestion_pb2.EXPORT_FORMAT_CSV
        )
    )
    messages = [m async for m in call]
    assert messages[0].filename == "notes-v1.csv"
    assert messages[0].content_type.startswith("text/csv")
    text = b"".join(m.chunk for m in messages).decode()
    assert "'=1+1" in text


async def test_export_without_a_format_is_invalid(stub: Stub, formulas_id: str) -> None:
    call = stub.ExportDataset(ingestion_pb2.ExportDatasetRequest(dataset_id=formulas_id))
    with pytest.raises(grpc.aio.AioRpcError) as e:
        [m async for m in call]
    assert e.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "format" in (e.value.details() or "")


def test_target_analysis_for_a_chosen_target(service: IngestionService, churn_csv: bytes) -> None:
    dataset = service.ingest(service.upload("churn_300.csv", churn_csv).id)
    result = service.target_analysis(dataset.id, "churned")
    assert result.version == 1
    assert result.analysis.target == "churned"
    assert result.analysis.task == "classification"
    assert sum(c.count for c in result.analysis.class_balance) > 0
    assert result.analysis.associations
    assert all(0 <= a.value <= 1 for a in result.analysis.associations)
    with pytest.raises(InvalidArgument, match="'nope'") as e:
        service.target_analysis(dataset.id, "nope")
    assert e.value.details["field"] == "target"
    with pytest.raises(InvalidArgument, match="target is required"):
        service.target_analysis(dataset.id, "")


async def test_target_analysis_over_grpc(
    stub: Stub, service: IngestionService, churn_csv: bytes
) -> None:
    dataset = service.ingest(service.upload("churn_300.csv", churn_csv).id)
    resp = await stub.GetTargetAnalysis(
        ingestion_pb2.GetTargetAnalysisRequest(dataset_id=dataset.id, target="monthly_spend")
    )
    analysis = json.loads(resp.analysis_json)
    assert analysis["task"] == "regression" and analysis["histogram"]
    assert isinstance(json.loads(resp.alerts_json), list)


async def test_get_dataset_at_a_version(
    stub: Stub, service: IngestionService, formulas_id: str
) -> None:
    service.ingest(
        service.upload("notes2.csv", b"name,note\nzed,hello\n", dataset_id=formulas_id).id
    )
    v1 = await stub.GetDataset(ingestion_pb2.GetDatasetRequest(dataset_id=formulas_id, version=1))
    latest = await stub.GetDataset(ingestion_pb2.GetDatasetRequest(dataset_id=formulas_id))
    assert (v1.dataset.version, v1.dataset.n_rows, v1.dataset.source_filename) == (
        1,
        6,
        "notes.csv",
    )
    assert (latest.dataset.version, latest.dataset.n_rows) == (2, 1)
    assert v1.dataset.data_uri != latest.dataset.data_uri
