"""The deployment service's values (ORM rows never leave the repository)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel

from skyulf_platform.projects import DEFAULT_PROJECT


class DeploymentStatus(StrEnum):
    ACTIVE = "ACTIVE"
    DELETED = "DELETED"


class Deployment(BaseModel):
    id: str
    # The Open Inference Protocol model name: /v2/models/{name}/infer.
    name: str
    model_name: str
    model_version: int
    status: DeploymentStatus
    created_at: datetime
    updated_at: datetime
    # Follows this alias of model_name when set (model_version: where it pointed last).
    model_alias: str = ""
    previous_version: int = 0
    canary_version: int = 0
    canary_percent: int = 0
    last_error: str = ""
    log_sample_rate: float = 0.0
    batch_max_size: int = 0
    batch_max_wait_ms: int = 0
    project_id: str = DEFAULT_PROJECT


class ServingSettings(BaseModel):
    """Changes to an endpoint's serving settings (None: unchanged)."""

    log_sample_rate: float | None = None
    batch_max_size: int | None = None
    batch_max_wait_ms: int | None = None


class JobStatus(StrEnum):
    QUEUED = "QUEUED"
    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"


class BatchJob(BaseModel):
    id: str
    deployment_id: str = ""
    model_name: str
    model_version: int
    dataset_id: str
    dataset_version: int = 0
    key_columns: list[str] = []
    output_name: str = ""
    status: JobStatus
    error: str = ""
    n_rows: int = 0
    output_dataset_id: str = ""
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None


class DriftReport(BaseModel):
    id: str
    deployment_id: str
    model_name: str
    model_version: int
    source: str  # "dataset" | "logged_inputs"
    dataset_id: str = ""
    dataset_version: int = 0
    days: int = 0
    status: JobStatus
    error: str = ""
    severity: str = ""
    n_rows: int = 0
    result: dict[str, object] | None = None
    created_at: datetime
    finished_at: datetime | None = None


class ResolvedVersion(BaseModel):
    """A registered model version as the registry reports it."""

    model_name: str
    version: int
    bundle_uri: str = ""
    bundle_checksum: str = ""
