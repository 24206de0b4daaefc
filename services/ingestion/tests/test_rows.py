"""Dataset rows: a page is read from the Parquet row groups that hold it and no others, its
values are JSON-safe, and bad requests name their field."""

from __future__ import annotations

import json
from typing import Any

import grpc
import pyarrow.parquet as pq
import pytest

from skyulf.ingestion.v1 import ingestion_pb2
from skyulf_errors import FailedPrecondition, InvalidArgument, NotFound
from skyulf_ingestion.rows import row_groups_for
from skyulf_ingestion.service import IngestionService, data_key
from skyulf_platform.errors import from_rpc_error


@pytest.fixture
def ready_id(service: IngestionService, churn_csv: bytes) -> str:
    service.row_group_rows = 50  # 300 rows: six row groups of 50
    dataset = service.ingest(service.upload("churn_300.csv", churn_csv).id)
    return dataset.id


@pytest.fixture
def read_groups(monkeypatch: pytest.MonkeyPatch) -> list[list[int]]:
    """Every read_row_groups call's row group indices."""
    calls: list[list[int]] = []
    original = pq.ParquetFile.read_row_groups

    def spy(self: pq.ParquetFile, row_groups: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(list(row_groups))
        return original(self, row_groups, *args, **kwargs)

    monkeypatch.setattr(pq.ParquetFile, "read_row_groups", spy)
    return calls


def test_the_file_has_several_row_groups(service: IngestionService, ready_id: str) -> None:
    path = service._local_parquet(service.get_dataset(ready_id))
    assert pq.ParquetFile(path).metadata.num_row_groups == 6


@pytest.mark.parametrize(
    ("offset", "limit", "groups"),
    [(0, 10, [0]), (45, 10, [0, 1]), (120, 30, [2]), (120, 31, [2, 3]), (290, 50, [5])],
)
def test_a_page_reads_only_its_row_groups(
    service: IngestionService,
    ready_id: str,
    read_groups: list[list[int]],
    offset: int,
    limit: int,
    groups: list[int],
) -> None:
    page = service.get_rows(ready_id, offset=offset, limit=limit)
    assert read_groups == [groups]
    assert page.total == 300
    ids = [row["customer_id"] for row in page.rows]
    assert ids == list(range(offset + 1, min(offset + limit, 300) + 1))


def test_past_the_end_reads_nothing(
    service: IngestionService, ready_id: str, read_groups: list[list[int]]
) -> None:
    page = service.get_rows(ready_id, offset=300, limit=5)
    assert page.rows == [] and page.total == 300 and read_groups == []
    assert [c.name for c in page.columns][:2] == ["customer_id", "age"]


def test_values_are_json_safe(service: IngestionService, ready_id: str) -> None:
    page = service.get_rows(ready_id, offset=0, limit=300)
    assert {c.name: c.dtype for c in page.columns}["signup_date"] == "Date"
    assert any(row["age"] is None for row in page.rows), "churn_300 has missing ages"
    assert page.rows[0]["signup_date"] == "2021-08-10"
    json.dumps(page.rows, allow_nan=False)


def test_row_groups_for_covers_the_range_exactly() -> None:
    class Meta:
        num_row_groups = 3

        @staticmethod
        def row_group(i: int) -> Any:
            return type("G", (), {"num_rows": [10, 0, 10][i]})

    assert row_groups_for(Meta(), 9, 2) == ([0, 2], 0)  # type: ignore[arg-type]
    assert row_groups_for(Meta(), 10, 5) == ([2], 10)  # type: ignore[arg-type]


def test_bad_requests(service: IngestionService, ready_id: str, churn_csv: bytes) -> None:
    for kw, field in (
        ({"offset": -1, "limit": 5}, "offset"),
        ({"offset": 0, "limit": 0}, "limit"),
        ({"offset": 0, "limit": 1001}, "limit"),
    ):
        with pytest.raises(InvalidArgument) as info:
            service.get_rows(ready_id, **kw)
        assert info.value.details == {"field": field}
    pending = service.upload("churn_300.csv", churn_csv)
    with pytest.raises(FailedPrecondition, match="not ready"):
        service.get_rows(pending.id, offset=0, limit=5)
    with pytest.raises(NotFound):
        service.get_rows("00000000-0000-4000-8000-000000000000", offset=0, limit=5)


def test_a_page_is_fetched_from_the_store_once(service: IngestionService, ready_id: str) -> None:
    service.get_rows(ready_id, offset=0, limit=5)
    service.store.delete(data_key(ready_id))  # a second page must come from the local copy
    assert len(service.get_rows(ready_id, offset=5, limit=5).rows) == 5


async def test_rows_over_grpc(service: IngestionService, ready_id: str, stub: Any) -> None:
    resp = await stub.GetDatasetRows(
        ingestion_pb2.GetDatasetRowsRequest(dataset_id=ready_id, offset=2, limit=3)
    )
    assert (resp.offset, resp.limit, resp.total) == (2, 3, 300)
    assert [r["customer_id"] for r in json.loads(resp.rows_json)] == [3, 4, 5]
    with pytest.raises(grpc.aio.AioRpcError) as info:
        await stub.GetDatasetRows(ingestion_pb2.GetDatasetRowsRequest(dataset_id=ready_id))
    err = from_rpc_error(info.value)
    assert err.code.value == "INVALID_ARGUMENT" and err.details == {"field": "limit"}
