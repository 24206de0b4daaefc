"""The deployment service's values (ORM rows never leave the repository)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel


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


class ResolvedVersion(BaseModel):
    """A registered model version as the registry reports it."""

    model_name: str
    version: int
    bundle_uri: str = ""
    bundle_checksum: str = ""
