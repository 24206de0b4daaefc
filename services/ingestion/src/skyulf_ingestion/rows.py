"""A page of a dataset's rows, read from the Parquet row groups that hold it and no others.

The canonical Parquet is fetched once per content (checksum verified) into a small local cache
(skyulf_platform.artifacts.cache), so paging through a dataset does not fetch it again; each page then decodes only the row groups
covering ``[offset, offset + limit)``, found from the file's metadata.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from pydantic import BaseModel

from skyulf_core.cells import json_value
from skyulf_errors import DataLoss
from skyulf_ingestion.models import ColumnInfo, Dataset


class RowsPage(BaseModel):
    dataset_id: str
    offset: int
    limit: int
    total: int
    columns: list[ColumnInfo]
    rows: list[dict[str, Any]]


def row_groups_for(metadata: pq.FileMetaData, offset: int, limit: int) -> tuple[list[int], int]:
    """The row groups overlapping ``[offset, offset + limit)`` and the first one's first row."""
    groups: list[int] = []
    first_row = 0
    start = 0
    end = offset + limit
    for index in range(metadata.num_row_groups):
        rows = metadata.row_group(index).num_rows
        if rows and start < end and start + rows > offset:
            if not groups:
                first_row = start
            groups.append(index)
        start += rows
    return groups, first_row


def read_page(path: Path, dataset: Dataset, offset: int, limit: int) -> RowsPage:
    try:
        parquet = pq.ParquetFile(path)
        groups, first_row = row_groups_for(parquet.metadata, offset, limit)
        table = parquet.read_row_groups(groups) if groups else parquet.schema_arrow.empty_table()
    except (pa.ArrowException, OSError) as e:
        raise DataLoss(
            f"dataset {dataset.id}: {dataset.data_uri} is not readable Parquet",
            details={"dataset_id": dataset.id, "uri": dataset.data_uri},
        ) from e
    page = table.slice(offset - first_row, limit) if groups else table
    names = [str(n) for n in page.column_names]
    columns = {c.name: c.dtype for c in dataset.columns}
    rows = [{k: json_value(v) for k, v in row.items()} for row in page.to_pylist()]
    return RowsPage(
        dataset_id=dataset.id,
        offset=offset,
        limit=limit,
        total=int(parquet.metadata.num_rows),
        columns=[
            ColumnInfo(name=n, dtype=columns.get(n, str(page.schema.field(n).type))) for n in names
        ],
        rows=rows,
    )
