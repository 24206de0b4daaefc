"""The public shape of a job's tuning studies (REST contract "TrialList")."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field


class IntermediatePublic(BaseModel):
    step: int
    value: float


class TrialPublic(BaseModel):
    number: int
    state: Literal["RUNNING", "COMPLETE", "PRUNED", "FAIL"]
    params: dict[str, Any] = Field(default_factory=dict)
    value: float | None = None
    intermediate: list[IntermediatePublic] = Field(
        default_factory=list, description="the running mean of the metric after each CV fold"
    )
    duration_s: float | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    worker: str | None = Field(default=None, description="host:pid of the worker that ran it")
    error: str | None = None


class StudyPublic(BaseModel):
    node_id: str
    strategy: str
    metric: str
    direction: Literal["maximize", "minimize"]
    n_trials: int
    timeout: float | None = None
    state: Literal["RUNNING", "COMPLETE", "FAILED"]
    best_trial: int | None = None
    best_value: float | None = None
    best_params: dict[str, Any] = Field(default_factory=dict)
    param_importances: dict[str, float] = Field(
        default_factory=dict, description="fANOVA importance per parameter, once the study is done"
    )
    trials: list[TrialPublic] = Field(default_factory=list)


class TrialList(BaseModel):
    job_id: str
    studies: list[StudyPublic] = Field(
        default_factory=list, description="one per tuned model node; none for a training job"
    )
