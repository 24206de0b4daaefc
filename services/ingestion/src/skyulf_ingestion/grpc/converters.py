"""Ingestion's pydantic records <-> proto messages."""

from __future__ import annotations

import json
from datetime import datetime

from google.protobuf.timestamp_pb2 import Timestamp

from skyulf.common.v1 import common_pb2
from skyulf.ingestion.v1 import ingestion_pb2
from skyulf_ingestion.models import Dataset, DatasetStatus
from skyulf_ingestion.rows import RowsPage

_STATUS = {
    DatasetStatus.PENDING: ingestion_pb2.DATASET_STATUS_PENDING,
    DatasetStatus.READY: ingestion_pb2.DATASET_STATUS_READY,
    DatasetStatus.FAILED: ingestion_pb2.DATASET_STATUS_FAILED,
}


def _timestamp(value: datetime) -> Timestamp:
    ts = Timestamp()
    ts.FromDatetime(value)
    return ts


def dataset_to_proto(d: Dataset) -> ingestion_pb2.Dataset:
    return ingestion_pb2.Dataset(
        id=d.id,
        name=d.name,
        status=_STATUS[d.status],
        source_filename=d.source_filename,
        size_bytes=d.size_bytes,
        n_rows=d.n_rows or 0,
        n_columns=d.n_columns or 0,
        columns=[common_pb2.Column(name=c.name, dtype=c.dtype) for c in d.columns],
        data_uri=d.data_uri or "",
        data_checksum=d.data_sha256 or "",
        error=d.error or "",
        created_at=_timestamp(d.created_at),
        updated_at=_timestamp(d.updated_at),
    )


def rows_to_proto(page: RowsPage) -> ingestion_pb2.GetDatasetRowsResponse:
    return ingestion_pb2.GetDatasetRowsResponse(
        dataset_id=page.dataset_id,
        offset=page.offset,
        limit=page.limit,
        total=page.total,
        columns=[common_pb2.Column(name=c.name, dtype=c.dtype) for c in page.columns],
        rows_json=json.dumps(page.rows, allow_nan=False),
    )
