"""The service's own typed values: jobs, their events, saved pipelines, and what it knows of a
dataset."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, Field


class JobStatus(StrEnum):
    QUEUED = "QUEUED"
    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"

    @property
    def finished(self) -> bool:
        return self in TERMINAL


TERMINAL = frozenset({JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED})


class JobError(BaseModel):
    code: str
    message: str
    details: dict[str, Any] = Field(default_factory=dict)


class ModelResult(BaseModel):
    """One model node of a job's graph: the name it registers under, its version and metrics."""

    node_id: str
    model_type: str
    model_name: str
    model_version: int | None = None
    metrics: dict[str, float] = Field(default_factory=dict)


class Job(BaseModel):
    id: str
    kind: str
    dataset_id: str
    graph: dict[str, Any]
    model_name: str
    status: JobStatus
    progress: float
    message: str
    metrics: dict[str, float] = Field(default_factory=dict)
    model_version: int | None = None
    error: JobError | None = None
    cancel_requested: bool = False
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    heartbeat_at: datetime | None = None
    updated_at: datetime
    pipeline_id: str | None = None
    pipeline_version: int | None = None
    attempts: int = 0
    idempotency_key: str | None = None
    request_sha256: str | None = None
    retry_of: str | None = None
    results: list[ModelResult] = Field(default_factory=list)
    # The dataset version the job reads (None for jobs recorded before versions were).
    dataset_version: int | None = None


NodeStatus = Literal["queued", "running", "done", "failed", "skipped"]


class JobEvent(BaseModel):
    job_id: str
    seq: int
    type: str
    status: JobStatus
    progress: float
    message: str
    time: datetime
    node_id: str | None = None
    node_status: NodeStatus | None = None
    # Events of type "trial": the trial that finished (REST contract's trial object).
    trial: dict[str, Any] | None = None


class TuningStudy(BaseModel):
    """One tuned model node of a job: its study's name in the tuning storage and its budget."""

    id: int
    job_id: str
    node_id: str
    study_name: str
    strategy: str
    metric: str
    direction: Literal["maximize", "minimize"]
    n_trials: int
    timeout: float | None = None
    claimed: int = 0
    deadline_at: datetime | None = None
    state: Literal["RUNNING", "COMPLETE", "FAILED"] = "RUNNING"
    importances: dict[str, float] = Field(default_factory=dict)


class PipelineSource(BaseModel):
    """The saved pipeline, and which of its versions, a job was submitted from."""

    pipeline_id: str
    version: int


class JobChange(BaseModel):
    """Fields a state change sets on the job row; unset fields are left as they are."""

    status: JobStatus | None = None
    progress: float | None = None
    message: str | None = None
    metrics: dict[str, float] | None = None
    model_version: int | None = None
    error: JobError | None = None
    cancel_requested: bool | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    heartbeat_at: datetime | None = None
    results: list[ModelResult] | None = None


class DatasetStatus(StrEnum):
    PENDING = "PENDING"
    READY = "READY"
    FAILED = "FAILED"
    UNKNOWN = "UNKNOWN"


class DatasetColumn(BaseModel):
    name: str
    dtype: str


class DatasetInfo(BaseModel):
    """What the pipeline service needs of an ingestion dataset."""

    id: str
    name: str
    status: DatasetStatus
    columns: list[DatasetColumn] = Field(default_factory=list)
    data_uri: str = ""
    data_sha256: str = ""
    # The version these fields describe (0 when ingestion did not say).
    version: int = 0

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


class RegisteredVersion(BaseModel):
    name: str
    version: int
    bundle_checksum: str = ""
    metrics: dict[str, float] = Field(default_factory=dict)


class NodeEntry(BaseModel):
    """A node or model type as the canvas lists it."""

    id: str
    group: str
    description: str
    learns: bool
    train_only: bool
    params_schema: dict[str, Any]


class Issue(BaseModel):
    node_id: str | None = None
    field: str | None = None
    column: str | None = None
    message: str


class ValidationResult(BaseModel):
    valid: bool
    errors: list[Issue] = Field(default_factory=list)


class SplitSize(BaseModel):
    name: str
    n_rows: int
    n_columns: int


class PreviewEntry(BaseModel):
    """One node's output on the sample; ``rows`` are JSON-ready dicts."""

    node_id: str
    node_type: str
    n_rows: int
    columns: list[DatasetColumn]
    rows: list[dict[str, Any]]
    splits: list[SplitSize] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)


class SavedPipeline(BaseModel):
    """A saved pipeline as of its current version."""

    id: str
    name: str
    description: str
    dataset_id: str | None
    version: int
    graph: dict[str, Any]
    layout: dict[str, Any]
    created_at: datetime
    updated_at: datetime


class SavedPipelineVersion(BaseModel):
    version: int
    name: str
    graph: dict[str, Any]
    layout: dict[str, Any]
    created_at: datetime


class PipelineDraft(BaseModel):
    """What a save writes; on update, None keeps the current value (the graph is always sent)."""

    name: str | None = None
    description: str | None = None
    dataset_id: str | None = None
    graph: dict[str, Any]
    layout: dict[str, Any] | None = None


class PipelineTemplate(BaseModel):
    """A starter pipeline, stored as a JSON file in the package."""

    id: str
    name: str
    description: str
    task: str
    graph: dict[str, Any]
    layout: dict[str, Any]
