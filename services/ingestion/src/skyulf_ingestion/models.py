"""The pydantic records ingestion's service returns; ORM rows never leave the repository."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel


class DatasetStatus(StrEnum):
    PENDING = "PENDING"
    READY = "READY"
    FAILED = "FAILED"


class ColumnInfo(BaseModel):
    name: str
    dtype: str


class Dataset(BaseModel):
    id: str
    name: str
    status: DatasetStatus
    source_filename: str
    size_bytes: int
    raw_uri: str
    raw_sha256: str
    data_uri: str | None = None
    data_sha256: str | None = None
    n_rows: int | None = None
    n_columns: int | None = None
    columns: list[ColumnInfo] = []
    source_kind: str = "upload"
    error: str | None = None
    created_at: datetime
    updated_at: datetime


class NewDataset(BaseModel):
    id: str
    name: str
    source_filename: str
    size_bytes: int
    raw_uri: str
    raw_sha256: str
    source_kind: str = "upload"
    # The encrypted source (SourceCipher); None for a plain upload.
    source_config: str | None = None


class IngestResult(BaseModel):
    """What a successful ingestion records on the dataset."""

    n_rows: int
    columns: list[ColumnInfo]
    data_uri: str
    data_sha256: str
    profile_json: str


class DatasetPage(BaseModel):
    datasets: list[Dataset]
    total: int
