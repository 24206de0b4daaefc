"""Reading a dataset's canonical Parquet from the artifact store, checksum verified."""

from __future__ import annotations

import io

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from skyulf_errors import DataLoss, FailedPrecondition
from skyulf_pipeline.models import DatasetInfo, DatasetStatus
from skyulf_platform.artifacts.base import ArtifactStore
from skyulf_platform.artifacts.cache import LocalCopies


def require_ready(dataset: DatasetInfo) -> DatasetInfo:
    if dataset.status != DatasetStatus.READY or not dataset.data_uri:
        raise FailedPrecondition(
            f"dataset {dataset.id} ({dataset.name}) is {dataset.status.value}, not READY",
            details={"dataset_id": dataset.id, "status": dataset.status.value},
        )
    return dataset


def head_table(parquet: pq.ParquetFile, limit: int) -> pa.Table:
    """The first ``limit`` rows, decoding only the row groups that hold them."""
    groups: list[int] = []
    rows = 0
    for index in range(parquet.metadata.num_row_groups):
        if rows >= limit:
            break
        groups.append(index)
        rows += parquet.metadata.row_group(index).num_rows
    table = parquet.read_row_groups(groups) if groups else parquet.schema_arrow.empty_table()
    return table.slice(0, limit)


def load_frame(
    store: ArtifactStore,
    dataset: DatasetInfo,
    *,
    limit: int | None = None,
    copies: LocalCopies | None = None,
) -> pd.DataFrame:
    """The dataset as pandas; with ``limit``, only its first rows.

    With ``limit`` and ``copies``, the Parquet is fetched once per content into a local copy and
    each read decodes only the row groups holding those rows (a preview never reads the whole
    dataset again).
    """
    require_ready(dataset)
    try:
        if limit is not None and copies is not None and dataset.data_sha256:
            path = copies.path(store, dataset.data_uri, dataset.data_sha256)
            table = head_table(pq.ParquetFile(path), limit)
        else:
            key = store.key_for(dataset.data_uri)
            data = store.get_bytes(key, sha256=dataset.data_sha256 or None)
            if limit is None:
                table = pq.read_table(io.BytesIO(data))
            else:
                table = head_table(pq.ParquetFile(io.BytesIO(data)), limit)
    except (pa.ArrowException, OSError) as e:
        raise DataLoss(
            f"dataset {dataset.id}: {dataset.data_uri} is not readable Parquet",
            details={"dataset_id": dataset.id, "uri": dataset.data_uri},
        ) from e
    return table.to_pandas()
