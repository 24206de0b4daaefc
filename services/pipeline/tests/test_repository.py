"""The job table as the source of truth: conditional state changes and per-job event numbers."""

from __future__ import annotations

import concurrent.futures as cf

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from skyulf_errors import NotFound
from skyulf_pipeline.db.tables import Base
from skyulf_pipeline.models import JobChange, JobStatus
from skyulf_pipeline.repository import JobRepository
from skyulf_pipeline.submission import default_model_name


def _running(jobs: JobRepository) -> str:
    job = jobs.create(dataset_id="d", graph={"nodes": []}, model_name="m", event_message="queued")
    jobs.change(
        job.id,
        when=[JobStatus.QUEUED],
        change=JobChange(status=JobStatus.RUNNING),
        event_type="started",
    )
    return job.id


def test_migrations_match_the_tables(jobs: JobRepository) -> None:
    with jobs.uow.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    # Alembic's own version table is not one of ours.
    assert [d for d in diff if "alembic_version" not in str(d)] == []


def test_concurrent_writers_number_events_without_gaps(jobs: JobRepository) -> None:
    job_id = _running(jobs)

    def progress(i: int) -> None:
        jobs.change(
            job_id,
            when=[JobStatus.RUNNING],
            change=JobChange(progress=i / 100, message=f"step {i}"),
            event_type="progress",
        )

    with cf.ThreadPoolExecutor(6) as pool:
        list(pool.map(progress, range(30)))
    seqs = [e.seq for e in jobs.events(job_id)]
    assert seqs == list(range(1, 33))


def test_a_change_that_lost_the_race_changes_nothing(jobs: JobRepository) -> None:
    job_id = _running(jobs)
    finished = jobs.change(
        job_id,
        when=[JobStatus.RUNNING],
        change=JobChange(status=JobStatus.SUCCEEDED),
        event_type="succeeded",
    )
    assert finished is not None
    late = jobs.change(
        job_id,
        when=[JobStatus.QUEUED, JobStatus.RUNNING],
        change=JobChange(status=JobStatus.FAILED),
        event_type="failed",
    )
    assert late is None
    assert jobs.get(job_id).status == JobStatus.SUCCEEDED
    assert [e.type for e in jobs.events(job_id)] == ["queued", "started", "succeeded"]


def test_change_of_an_unknown_job_is_not_found(jobs: JobRepository) -> None:
    with pytest.raises(NotFound, match="00000000-0000-4000-8000-000000000000"):
        jobs.change(
            "00000000-0000-4000-8000-000000000000",
            when=[JobStatus.QUEUED],
            change=JobChange(status=JobStatus.CANCELLED),
            event_type="cancelled",
        )


@pytest.mark.parametrize(
    ("dataset", "model", "expected"),
    [
        ("churn_300.csv", "logistic_regression", "churn_300-logistic_regression"),
        ("My Data (v2).parquet", "random_forest", "My-Data-v2-random_forest"),
        ("..hidden", "ridge", "hidden-ridge"),
        ("ünïcode ✓", "ridge", "n-code-ridge"),
        ("x" * 300, "ridge", "x" * 122 + "-ridge"),
        ("!!!", "ridge", "ridge"),
    ],
)
def test_default_model_name_is_a_valid_registry_name(
    dataset: str, model: str, expected: str
) -> None:
    assert default_model_name(dataset, model) == expected
