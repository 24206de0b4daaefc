"""The registry's values as the service speaks them (ORM rows never leave the repository)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


class Lineage(BaseModel):
    dataset_id: str = ""
    # The dataset version trained on; 0 when not known.
    dataset_version: int = 0
    job_id: str = ""
    # The model node of the job's graph that produced the version.
    node_id: str = ""
    # The pipeline graph that produced the version (parsed JSON), if known.
    pipeline: Any | None = None


class NewModelVersion(BaseModel):
    name: str
    task: str
    model_type: str
    bundle_uri: str
    bundle_checksum: str
    metrics: dict[str, float] = Field(default_factory=dict)
    signature: Any | None = None
    lineage: Lineage = Field(default_factory=Lineage)
    runtime: str = "sklearn"
    description: str = ""
    tags: dict[str, str] = Field(default_factory=dict)


class ModelVersion(NewModelVersion):
    version: int
    created_at: datetime
    aliases: list[str] = Field(default_factory=list)


class ModelAlias(BaseModel):
    name: str
    alias: str
    version: int
    protected: bool
    updated_at: datetime


class AliasMove(BaseModel):
    alias: ModelAlias
    previous_version: int  # 0 when the alias is new


class RegisteredModel(BaseModel):
    name: str
    task: str
    latest_version: int
    created_at: datetime
    updated_at: datetime


class ModelPage(BaseModel):
    models: list[RegisteredModel]
    total: int


class Comparison(BaseModel):
    a: ModelVersion
    b: ModelVersion
    metrics: list[tuple[str, float, float]]  # (metric, a, b); NaN where missing
    nodes_changed: list[str]
    same_dataset: bool
    same_signature: bool
