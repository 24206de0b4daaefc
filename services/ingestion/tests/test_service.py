from __future__ import annotations

import io
import json

import polars as pl
import pytest

from skyulf_errors import (
    ErrorCode,
    FailedPrecondition,
    InvalidArgument,
    NotFound,
    SkyulfError,
    Unavailable,
)
from skyulf_ingestion.models import DatasetStatus
from skyulf_ingestion.service import IngestionService, data_key, raw_key

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))


def test_upload_then_ingest_makes_a_ready_dataset(
    service: IngestionService, queued: list[str], churn_csv: bytes
) -> None:
    pending = service.upload("churn_300.csv", churn_csv, name="Churn")
    assert pending.status is DatasetStatus.PENDING
    assert pending.name == "Churn"
    assert queued == [pending.id]
    assert service.store.get_bytes(raw_key(pending.id, "churn_300.csv")) == churn_csv

    ready = service.ingest(pending.id)

    assert ready.status is DatasetStatus.READY
    assert (ready.n_rows, ready.n_columns) == (300, 11)
    dtypes = {c.name: c.dtype for c in ready.columns}
    assert dtypes["age"] == "Float64"
    assert dtypes["city"] == "String"
    assert dtypes["signup_date"] == "Date"
    parquet = service.store.get_bytes(data_key(ready.id), sha256=ready.data_sha256)
    assert pl.read_parquet(io.BytesIO(parquet)).shape == (300, 11)
    assert ready.data_uri == service.store.uri_for(data_key(ready.id))
    profile = json.loads(service.get_profile(ready.id).profile_json)
    assert "income" in json.dumps(profile["columns"])


def test_ingest_leaves_a_ready_dataset_alone(
    service: IngestionService, customers_csv: bytes
) -> None:
    first = service.ingest(service.upload("customers_15.csv", customers_csv).id)
    service.store.delete(data_key(first.id))

    again = service.ingest(first.id)

    assert again == first
    assert not service.store.exists(data_key(first.id))


def test_ingest_of_a_missing_raw_object_fails_naming_the_file(
    service: IngestionService, churn_csv: bytes
) -> None:
    pending = service.upload("churn_300.csv", churn_csv)
    service.store.delete(raw_key(pending.id, "churn_300.csv"))

    failed = service.ingest(pending.id)

    assert failed.status is DatasetStatus.FAILED
    assert "churn_300.csv" in (failed.error or "")
    assert "not found" in (failed.error or "")
    with pytest.raises(FailedPrecondition, match=r"is not ready \(status FAILED\)"):
        service.get_profile(pending.id)


def test_ingest_refuses_a_raw_object_that_changed(
    service: IngestionService, churn_csv: bytes
) -> None:
    pending = service.upload("churn_300.csv", churn_csv)
    service.store.put_bytes(raw_key(pending.id, "churn_300.csv"), churn_csv + b"1,2\n")

    failed = service.ingest(pending.id)

    assert failed.status is DatasetStatus.FAILED
    assert "checksum" in (failed.error or "")
    assert not service.store.exists(data_key(pending.id))
    assert list(service.tmp_dir.iterdir()) == []


def test_a_type_that_changes_late_in_the_file_is_read_by_a_full_scan(
    service: IngestionService,
) -> None:
    rows = [f"{i},{i}" for i in range(12_000)] + ["12000,n/a"]
    data = ("id,code\n" + "\n".join(rows) + "\n").encode()

    ready = service.ingest(service.upload("late.csv", data).id)

    assert ready.status is DatasetStatus.READY
    assert {c.name: c.dtype for c in ready.columns}["code"] == "String"


def test_failed_enqueue_leaves_nothing_behind(service: IngestionService, churn_csv: bytes) -> None:
    def broken(_: str) -> None:
        raise ConnectionError("broker down")

    service.enqueue = broken
    with pytest.raises(Unavailable, match=r"could not queue the ingestion of churn_300\.csv"):
        service.upload("churn_300.csv", churn_csv)

    assert service.list_datasets().total == 0
    assert service.store.list("datasets/") == []


def test_list_is_newest_first_and_paged(service: IngestionService, customers_csv: bytes) -> None:
    ids = [service.upload(f"c{i}.csv", customers_csv).id for i in range(3)]

    page = service.list_datasets(page_size=2, offset=0)
    rest = service.list_datasets(page_size=2, offset=2)

    assert page.total == rest.total == 3
    assert [d.id for d in page.datasets + rest.datasets] == ids[::-1]
    with pytest.raises(InvalidArgument, match="offset"):
        service.list_datasets(offset=-1)


@pytest.mark.parametrize("dataset_id", ["not-a-uuid", "5b8c8f5e-7b0e-4d2c-9a53-3c1f0d2f9e11"])
def test_unknown_dataset_is_not_found(service: IngestionService, dataset_id: str) -> None:
    with pytest.raises(NotFound, match=dataset_id):
        service.get_dataset(dataset_id)
    with pytest.raises(NotFound, match=dataset_id):
        service.get_profile(dataset_id)


def test_profile_of_a_pending_dataset_is_a_failed_precondition(
    service: IngestionService, churn_csv: bytes
) -> None:
    pending = service.upload("churn_300.csv", churn_csv)
    with pytest.raises(FailedPrecondition, match=f"dataset {pending.id} is not ready"):
        service.get_profile(pending.id)


@pytest.mark.parametrize(
    ("filename", "data", "match"),
    [
        ("image.csv", PNG, r"image.csv: is not a text file"),
        ("zeros.csv", b"a,b\n1,\x002\n", r"zeros.csv: is not a text file"),
        ("latin.csv", "name\nJosé\n".encode("latin-1"), r"latin.csv: is not UTF-8 text .*line 2"),
        ("empty.csv", b"", r"empty.csv: is empty"),
        ("blank.csv", b"\n\n", r"blank.csv: has no header row"),
        ("header.csv", b"a,b,c\n", r"header.csv: has a header but no data rows"),
        ("ragged.csv", b"a,b\n1,2\n3,4,5\n6,7\n", r"ragged.csv: line 3 has 3 fields, expected 2"),
        ("short.csv", b"a,b,c\n1,2,3\n4,5\n", r"short.csv: line 3 has 2 fields, expected 3"),
        ("quote.csv", b'a,b\n"1,2\n3,4\n', r"quote.csv: "),
        ("data.pkl", b"\x80\x04", r"data.pkl: unsupported file type '.pkl'"),
        ("data.xlsx", b"PK\x03\x04", r"data.xlsx: is not an .xlsx workbook"),
        ("noext", b"a\n1\n", r"noext: unsupported file type 'none'"),
        ("fake.parquet", b"a,b\n1,2\n", r"fake.parquet: is not a Parquet file"),
        ("bad.jsonl", b'{"a": 1}\n{"a": \n', r"bad.jsonl: line 2 is not JSON"),
        ("bad.json", b'{"a": [1, 2', r"bad.json: cannot be read as json"),
    ],
)
def test_bad_uploads_are_refused_naming_the_file(
    service: IngestionService, queued: list[str], filename: str, data: bytes, match: str
) -> None:
    with pytest.raises(InvalidArgument, match=match) as info:
        service.upload(filename, data)
    assert info.value.details["file"] == filename
    assert queued == []
    assert service.store.list("datasets/") == []


def test_ragged_error_carries_the_line(service: IngestionService) -> None:
    with pytest.raises(InvalidArgument) as info:
        service.upload("ragged.csv", b"a,b\n1,2\n3,4,5\n")
    assert info.value.details == {"file": "ragged.csv", "line": 3}


def test_too_large_upload_is_refused(service: IngestionService) -> None:
    data = b"a\n" + b"1\n" * service.max_upload_bytes
    with pytest.raises(SkyulfError, match=r"big\.csv is larger than the upload limit") as info:
        service.upload("big.csv", data)
    assert info.value.code == ErrorCode.PAYLOAD_TOO_LARGE


def test_a_path_in_the_file_name_is_dropped(
    service: IngestionService, customers_csv: bytes
) -> None:
    pending = service.upload("../../etc/customers.csv", customers_csv)
    assert pending.source_filename == "customers.csv"
    assert service.store.exists(raw_key(pending.id, "customers.csv"))


def _frame_bytes(fmt: str) -> bytes:
    frame = pl.DataFrame({"x": [1, 2, 3], "label": ["a", "b", None]})
    buffer = io.BytesIO()
    if fmt == "parquet":
        frame.write_parquet(buffer)
    elif fmt == "json":
        frame.write_json(buffer)
    elif fmt == "jsonl":
        frame.write_ndjson(buffer)
    else:
        frame.write_csv(buffer, separator="\t")
    return buffer.getvalue()


@pytest.mark.parametrize("fmt", ["tsv", "parquet", "json", "jsonl"])
def test_other_formats_are_ingested(service: IngestionService, fmt: str) -> None:
    ready = service.ingest(service.upload(f"small.{fmt}", _frame_bytes(fmt)).id)
    assert ready.status is DatasetStatus.READY, ready.error
    assert (ready.n_rows, [c.name for c in ready.columns]) == (3, ["x", "label"])


def test_a_json_document_larger_than_the_sample_is_read_whole_at_ingest(
    service: IngestionService,
) -> None:
    service.sniff_bytes = 16
    data = _frame_bytes("json")
    assert len(data) > service.sniff_bytes

    ready = service.ingest(service.upload("big.json", data).id)

    assert ready.status is DatasetStatus.READY, ready.error
    assert ready.n_rows == 3
    with pytest.raises(InvalidArgument, match=r"prose.json: cannot be read as json"):
        service.upload("prose.json", b"this is a long text, not a JSON document at all\n")


def test_parquet_is_checked_from_its_footer(service: IngestionService) -> None:
    empty = io.BytesIO()
    pl.DataFrame({"x": pl.Series([], dtype=pl.Int64)}).write_parquet(empty)
    with pytest.raises(InvalidArgument, match=r"none.parquet: has a header but no data rows"):
        service.upload("none.parquet", empty.getvalue())
    cut = _frame_bytes("parquet")[:-12]
    with pytest.raises(InvalidArgument, match=r"cut.parquet: cannot be read as parquet"):
        service.upload("cut.parquet", cut)
    assert service.store.list("datasets/") == []
