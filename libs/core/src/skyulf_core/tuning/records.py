"""A study and its trials as the platform records and serves them (REST contract ``TrialList``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

TrialState = Literal["RUNNING", "COMPLETE", "PRUNED", "FAIL"]
StudyState = Literal["RUNNING", "COMPLETE", "FAILED"]


class Intermediate(BaseModel):
    step: int
    value: float


class TrialRecord(BaseModel):
    number: int
    state: TrialState
    params: dict[str, Any] = Field(default_factory=dict)
    value: float | None = None
    intermediate: list[Intermediate] = Field(default_factory=list)
    duration_s: float | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    worker: str | None = None
    error: str | None = None


class StudyRecord(BaseModel):
    node_id: str
    strategy: str
    metric: str
    direction: Literal["maximize", "minimize"]
    n_trials: int
    timeout: float | None = None
    state: StudyState = "RUNNING"
    best_trial: int | None = None
    best_value: float | None = None
    best_params: dict[str, Any] = Field(default_factory=dict)
    param_importances: dict[str, float] = Field(default_factory=dict)
    trials: list[TrialRecord] = Field(default_factory=list)


class TrialList(BaseModel):
    """A job's studies, one per tuned model node (none for a job without one)."""

    job_id: str
    studies: list[StudyRecord] = Field(default_factory=list)
