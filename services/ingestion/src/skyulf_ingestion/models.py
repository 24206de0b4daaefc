"""The pydantic records ingestion's service returns; ORM rows never leave the repository."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from skyulf_core.profiling.schema import DataAlert, TargetAnalysis


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
    version: int = 1
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


class DatasetVersion(BaseModel):
    """One READY version of a dataset."""

    dataset_id: str
    version: int
    source_filename: str
    size_bytes: int
    data_uri: str
    data_sha256: str
    n_rows: int
    n_columns: int
    columns: list[ColumnInfo]
    created_at: datetime


class NewVersion(BaseModel):
    """What starting version n+1 changes on a dataset (a re-read source changes nothing)."""

    source_filename: str | None = None
    size_bytes: int | None = None
    raw_uri: str | None = None
    raw_sha256: str | None = None
    source_config: str | None = None


class ExportedFile(BaseModel):
    """A file being exported: its name, media type and bytes (made as they are read)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    filename: str
    content_type: str
    chunks: Iterator[bytes]


class TargetResult(BaseModel):
    version: int
    analysis: TargetAnalysis
    alerts: list[DataAlert]


class VersionProfile(BaseModel):
    """A READY version's profile: skyulf_core.profiling.DatasetProfile as JSON."""

    version: int
    profile_json: str
