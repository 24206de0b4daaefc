"""Ingestion's pydantic records <-> proto messages."""

from __future__ import annotations

import json
from datetime import datetime

from google.protobuf.timestamp_pb2 import Timestamp
from pydantic import ValidationError

from skyulf.common.v1 import common_pb2
from skyulf.ingestion.v1 import ingestion_pb2
from skyulf_errors import InvalidArgument
from skyulf_ingestion.models import Dataset, DatasetStatus, DatasetVersion, TargetResult
from skyulf_ingestion.rows import RowsPage
from skyulf_ingestion.sources.models import HttpSource, S3Source, Source, SqlSource

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
        source_kind=d.source_kind,
        version=d.version,
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


def source_from_proto(request: ingestion_pb2.CreateDatasetFromSourceRequest) -> Source:
    kind = request.WhichOneof("source")
    if kind == "sql":
        return SqlSource(url=request.sql.url, table=request.sql.table, query=request.sql.query)
    if kind == "http":
        h = request.http
        try:
            return HttpSource(
                url=h.url,
                records_path=h.records_path,
                pagination=h.pagination or "none",  # type: ignore[arg-type]
                page_param=h.page_param or "page",
                cursor_path=h.cursor_path,
                max_pages=h.max_pages or 100,
                auth_header_name=h.auth_header_name,
                auth_header_value=h.auth_header_value,
            )
        except ValidationError as e:
            field = str(e.errors()[0]["loc"][0])
            raise InvalidArgument(
                f"http source: {field} is not valid", details={"field": field}
            ) from e
    if kind == "s3":
        return S3Source(
            uri=request.s3.uri, sheet=request.s3.sheet, header_row=request.s3.header_row
        )
    raise InvalidArgument("name a source: sql, http or s3", details={"field": "source"})


def version_to_proto(v: DatasetVersion) -> ingestion_pb2.DatasetVersion:
    return ingestion_pb2.DatasetVersion(
        version=v.version,
        source_filename=v.source_filename,
        size_bytes=v.size_bytes,
        n_rows=v.n_rows,
        n_columns=v.n_columns,
        columns=[common_pb2.Column(name=c.name, dtype=c.dtype) for c in v.columns],
        data_checksum=v.data_sha256,
        created_at=_timestamp(v.created_at),
    )


def target_to_proto(
    dataset_id: str, result: TargetResult
) -> ingestion_pb2.GetTargetAnalysisResponse:
    return ingestion_pb2.GetTargetAnalysisResponse(
        dataset_id=dataset_id,
        version=result.version,
        analysis_json=result.analysis.model_dump_json(),
        alerts_json=json.dumps([a.model_dump(mode="json") for a in result.alerts]),
    )
