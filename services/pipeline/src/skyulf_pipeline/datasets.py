"""Reading a dataset's canonical Parquet from the artifact store, checksum verified."""

from __future__ import annotations

import io

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from skyulf_core.errors import DataLoss, FailedPrecondition
from skyulf_pipeline.models import DatasetInfo, DatasetStatus
from skyulf_platform.artifacts.base import ArtifactStore


def require_ready(dataset: DatasetInfo) -> DatasetInfo:
    if dataset.status != DatasetStatus.READY or not dataset.data_uri:
        raise FailedPrecondition(
            f"dataset {dataset.id} ({dataset.name}) is {dataset.status.value}, not READY",
            details={"dataset_id": dataset.id, "status": dataset.status.value},
        )
    return dataset


def load_frame(
    store: ArtifactStore, dataset: DatasetInfo, *, limit: int | None = None
) -> pd.DataFrame:
    """The dataset as pandas; with ``limit``, only its first rows."""
    require_ready(dataset)
    data = store.get_bytes(store.key_for(dataset.data_uri), sha256=dataset.data_sha256 or None)
    try:
        table = pq.read_table(io.BytesIO(data))
    except (pa.ArrowException, OSError) as e:
        raise DataLoss(
            f"dataset {dataset.id}: {dataset.data_uri} is not readable Parquet",
            details={"dataset_id": dataset.id, "uri": dataset.data_uri},
        ) from e
    if limit is not None:
        table = table.slice(0, limit)
    return table.to_pandas()
