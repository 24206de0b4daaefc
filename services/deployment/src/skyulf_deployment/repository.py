"""The only code that touches deployment rows; it returns pydantic models. A deployment is
found (by id or name) in the call's project only (``skyulf_platform.db.projects``); the
changes take the id of one found so."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from skyulf_deployment.db.tables import DeploymentRow
from skyulf_deployment.models import Deployment, DeploymentStatus, ServingSettings
from skyulf_platform.db.projects import in_project, visible


def _out(row: DeploymentRow) -> Deployment:
    return Deployment(
        id=row.id,
        name=row.name,
        model_name=row.model_name,
        model_version=row.model_version,
        status=DeploymentStatus(row.status),
        created_at=row.created_at,
        updated_at=row.updated_at,
        model_alias=row.model_alias or "",
        previous_version=row.previous_version or 0,
        canary_version=row.canary_version or 0,
        canary_percent=row.canary_percent,
        last_error=row.last_error,
        log_sample_rate=row.log_sample_rate or 0.0,
        batch_max_size=row.batch_max_size or 0,
        batch_max_wait_ms=row.batch_max_wait_ms or 0,
        project_id=row.project_id,
    )


def insert(
    session: Session, name: str, model_name: str, version: int, alias: str, now: datetime
) -> Deployment:
    row = DeploymentRow(
        name=name,
        model_name=model_name,
        model_version=version,
        model_alias=alias or None,
        status=DeploymentStatus.ACTIVE,
        active_name=name,
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    session.flush()
    return _out(row)


def by_id(session: Session, deployment_id: str) -> Deployment | None:
    row = visible(session.get(DeploymentRow, deployment_id))
    return _out(row) if row is not None else None


def active_by_name(session: Session, name: str) -> Deployment | None:
    row = session.scalar(
        select(DeploymentRow).where(DeploymentRow.active_name == name, in_project(DeploymentRow))
    )
    return _out(row) if row is not None else None


def list_all(
    session: Session, include_deleted: bool, all_projects: bool = False
) -> list[Deployment]:
    """The call's project's deployments; with ``all_projects`` every project's (for prediction
    servers warming up, never on behalf of a person)."""
    query = select(DeploymentRow).order_by(DeploymentRow.name, DeploymentRow.created_at)
    if not all_projects:
        query = query.where(in_project(DeploymentRow))
    if not include_deleted:
        query = query.where(DeploymentRow.status == DeploymentStatus.ACTIVE)
    return [_out(r) for r in session.scalars(query)]


def mark_deleted(session: Session, deployment_id: str, now: datetime) -> Deployment:
    row = session.get_one(DeploymentRow, deployment_id)
    row.status = DeploymentStatus.DELETED
    row.active_name = None
    row.updated_at = now
    session.flush()
    return _out(row)


def retarget(
    session: Session,
    deployment_id: str,
    *,
    version: int,
    alias: str,
    canary_version: int,
    canary_percent: int,
    now: datetime,
) -> Deployment:
    """Serve ``version`` (following ``alias`` if set) with the given canary; the version served
    before becomes the rollback target when it changes."""
    row = session.get_one(DeploymentRow, deployment_id, with_for_update=True)
    if version != row.model_version:
        row.previous_version = row.model_version
    row.model_version = version
    row.model_alias = alias or None
    row.canary_version = canary_version or None
    row.canary_percent = canary_percent if canary_version else 0
    row.last_error = ""
    row.updated_at = now
    session.flush()
    return _out(row)


def change_settings(
    session: Session, deployment_id: str, settings: ServingSettings, now: datetime
) -> Deployment:
    row = session.get_one(DeploymentRow, deployment_id, with_for_update=True)
    if settings.log_sample_rate is not None:
        row.log_sample_rate = settings.log_sample_rate
    if settings.batch_max_size is not None:
        row.batch_max_size = settings.batch_max_size
    if settings.batch_max_wait_ms is not None:
        row.batch_max_wait_ms = settings.batch_max_wait_ms
    row.updated_at = now
    session.flush()
    return _out(row)


def record_error(session: Session, deployment_id: str, error: str, now: datetime) -> None:
    row = session.get_one(DeploymentRow, deployment_id)
    row.last_error = error
    row.updated_at = now
    session.flush()
