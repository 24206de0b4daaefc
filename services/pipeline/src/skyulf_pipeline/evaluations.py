"""A job's evaluation data: one JSON artifact per job, written by the worker once its models are
registered and read back for the job or for one of its model versions."""

from __future__ import annotations

from skyulf_core.evaluation import JobEvaluation, ModelEvaluation
from skyulf_errors import NotFound
from skyulf_platform.artifacts.base import ArtifactStore


def evaluation_key(job_id: str) -> str:
    return f"jobs/{job_id}/evaluation.json"


def write_evaluation(store: ArtifactStore, job_id: str, models: list[ModelEvaluation]) -> str:
    """Store the evaluation of the job's models; returns its URI."""
    key = evaluation_key(job_id)
    document = JobEvaluation(job_id=job_id, models=models)
    store.put_bytes(key, document.model_dump_json().encode())
    return store.uri_for(key)


def read_evaluation(
    store: ArtifactStore,
    job_id: str,
    *,
    model_name: str = "",
    model_version: int = 0,
) -> JobEvaluation:
    """The job's evaluation; with ``model_name``/``model_version``, only that version's model."""
    key = evaluation_key(job_id)
    if not store.exists(key):
        raise NotFound(
            f"job {job_id} has no evaluation data (it was trained before evaluations were kept)",
            details={"job_id": job_id},
        )
    document = JobEvaluation.model_validate_json(store.get_bytes(key))
    if not model_name:
        return document
    models = [
        m
        for m in document.models
        if m.model_name == model_name and (model_version <= 0 or m.model_version == model_version)
    ]
    if not models:
        raise NotFound(
            f"job {job_id} has no evaluation for model {model_name} version {model_version}",
            details={"job_id": job_id, "model_name": model_name},
        )
    return JobEvaluation(job_id=job_id, models=models)
