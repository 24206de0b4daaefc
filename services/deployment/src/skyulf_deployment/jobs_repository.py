"""The only code that touches batch job and drift report rows; it returns pydantic models."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from skyulf_deployment.db.tables import BatchJobRow, DriftReportRow
from skyulf_deployment.models import BatchJob, DriftReport, JobStatus
from skyulf_platform.db.projects import in_project, visible


def _batch(row: BatchJobRow) -> BatchJob:
    return BatchJob(
        id=row.id,
        deployment_id=row.deployment_id or "",
        model_name=row.model_name,
        model_version=row.model_version,
        dataset_id=row.dataset_id,
        dataset_version=row.dataset_version,
        key_columns=list(row.key_columns or []),
        output_name=row.output_name,
        status=JobStatus(row.status),
        error=row.error,
        n_rows=row.n_rows,
        output_dataset_id=row.output_dataset_id or "",
        created_at=row.created_at,
        started_at=row.started_at,
        finished_at=row.finished_at,
    )


def insert_batch(
    session: Session,
    *,
    deployment_id: str,
    model_name: str,
    model_version: int,
    dataset_id: str,
    dataset_version: int,
    key_columns: list[str],
    output_name: str,
    now: datetime,
) -> BatchJob:
    row = BatchJobRow(
        deployment_id=deployment_id or None,
        model_name=model_name,
        model_version=model_version,
        dataset_id=dataset_id,
        dataset_version=dataset_version,
        key_columns=key_columns,
        output_name=output_name,
        status=JobStatus.QUEUED,
        error="",
        n_rows=0,
        created_at=now,
    )
    session.add(row)
    session.flush()
    return _batch(row)


def batch_by_id(session: Session, job_id: str) -> BatchJob | None:
    row = visible(session.get(BatchJobRow, job_id))
    return _batch(row) if row is not None else None


def list_batches(
    session: Session, deployment_id: str, model_name: str, limit: int
) -> list[BatchJob]:
    query = (
        select(BatchJobRow)
        .where(in_project(BatchJobRow))
        .order_by(BatchJobRow.created_at.desc())
        .limit(limit)
    )
    if deployment_id:
        query = query.where(BatchJobRow.deployment_id == deployment_id)
    if model_name:
        query = query.where(BatchJobRow.model_name == model_name)
    return [_batch(r) for r in session.scalars(query)]


def start_batch(session: Session, job_id: str, now: datetime) -> BatchJob | None:
    """RUNNING, unless it already finished (a task delivered twice): then None."""
    row = session.get(BatchJobRow, job_id, with_for_update=True)
    if row is None or row.status in (JobStatus.SUCCEEDED, JobStatus.FAILED):
        return None
    row.status = JobStatus.RUNNING
    row.started_at = now
    session.flush()
    return _batch(row)


def finish_batch(
    session: Session,
    job_id: str,
    *,
    status: JobStatus,
    error: str,
    n_rows: int,
    output_dataset_id: str,
    now: datetime,
) -> BatchJob:
    row = session.get_one(BatchJobRow, job_id)
    row.status = status
    row.error = error
    row.n_rows = n_rows
    row.output_dataset_id = output_dataset_id or None
    row.finished_at = now
    session.flush()
    return _batch(row)


def _drift(row: DriftReportRow) -> DriftReport:
    return DriftReport(
        id=row.id,
        deployment_id=row.deployment_id,
        model_name=row.model_name,
        model_version=row.model_version,
        source=row.source,
        dataset_id=row.dataset_id or "",
        dataset_version=row.dataset_version,
        days=row.days,
        status=JobStatus(row.status),
        error=row.error,
        severity=row.severity,
        n_rows=row.n_rows,
        result=row.result,
        created_at=row.created_at,
        finished_at=row.finished_at,
    )


def insert_drift(session: Session, report: dict[str, Any], now: datetime) -> DriftReport:
    row = DriftReportRow(**report, status=JobStatus.QUEUED, error="", created_at=now)
    session.add(row)
    session.flush()
    return _drift(row)


def drift_by_id(session: Session, report_id: str) -> DriftReport | None:
    row = visible(session.get(DriftReportRow, report_id))
    return _drift(row) if row is not None else None


def list_drift(session: Session, deployment_id: str, limit: int) -> list[DriftReport]:
    query = (
        select(DriftReportRow)
        .where(DriftReportRow.deployment_id == deployment_id, in_project(DriftReportRow))
        .order_by(DriftReportRow.created_at.desc())
        .limit(limit)
    )
    return [_drift(r) for r in session.scalars(query)]


def start_drift(session: Session, report_id: str) -> DriftReport | None:
    row = session.get(DriftReportRow, report_id, with_for_update=True)
    if row is None or row.status in (JobStatus.SUCCEEDED, JobStatus.FAILED):
        return None
    row.status = JobStatus.RUNNING
    session.flush()
    return _drift(row)


def finish_drift(
    session: Session,
    report_id: str,
    *,
    error: str = "",
    severity: str = "",
    n_rows: int = 0,
    result: dict[str, Any] | None = None,
    now: datetime,
) -> DriftReport:
    row = session.get_one(DriftReportRow, report_id)
    row.status = JobStatus.FAILED if error else JobStatus.SUCCEEDED
    row.error = error
    row.severity = severity
    row.n_rows = n_rows
    row.result = result
    row.finished_at = now
    session.flush()
    return _drift(row)
