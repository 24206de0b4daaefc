"""The only code that touches the registry's rows; it returns pydantic models."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from skyulf_registry.db.tables import ModelVersionRow, RegisteredModelRow
from skyulf_registry.models import Lineage, ModelVersion, NewModelVersion, RegisteredModel


def _metrics_in(metrics: dict[str, float]) -> dict[str, float | None]:
    # JSON (and PostgreSQL) has no NaN or infinity: store them as null.
    return {k: (v if math.isfinite(v) else None) for k, v in metrics.items()}


def _metrics_out(metrics: dict[str, Any] | None) -> dict[str, float]:
    return {k: (float("nan") if v is None else float(v)) for k, v in (metrics or {}).items()}


def _version(row: ModelVersionRow, name: str) -> ModelVersion:
    return ModelVersion(
        name=name,
        version=row.version,
        task=row.task,
        model_type=row.model_type,
        bundle_uri=row.bundle_uri,
        bundle_checksum=row.bundle_checksum,
        metrics=_metrics_out(row.metrics),
        signature=row.signature,
        lineage=Lineage(
            dataset_id=row.dataset_id or "",
            job_id=row.job_id or "",
            node_id=row.node_id or "",
            pipeline=row.pipeline,
        ),
        created_at=row.created_at,
    )


def _model(row: RegisteredModelRow) -> RegisteredModel:
    return RegisteredModel(
        name=row.name,
        task=row.task,
        latest_version=row.latest_version,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def lock_model(session: Session, name: str, now: datetime) -> str | None:
    """Touches the model's row, which takes its write lock; returns its id if it exists.

    Writing first serialises concurrent registrations of one model: PostgreSQL holds the row
    lock until commit, SQLite the database write lock.
    """
    session.execute(
        update(RegisteredModelRow).where(RegisteredModelRow.name == name).values(updated_at=now)
    )
    return session.scalar(select(RegisteredModelRow.id).where(RegisteredModelRow.name == name))


def insert_model(session: Session, name: str, task: str, now: datetime) -> str:
    row = RegisteredModelRow(name=name, task=task, latest_version=0, created_at=now, updated_at=now)
    session.add(row)
    session.flush()
    return row.id


def version_by_job(session: Session, job_id: str, node_id: str = "") -> ModelVersion | None:
    found = session.execute(
        select(ModelVersionRow, RegisteredModelRow.name)
        .join(RegisteredModelRow, RegisteredModelRow.id == ModelVersionRow.model_id)
        .where(ModelVersionRow.job_id == job_id, ModelVersionRow.node_id == node_id)
    ).first()
    return _version(found[0], found[1]) if found else None


def delete_job_versions(session: Session, job_id: str) -> list[ModelVersion]:
    """Deletes every version a job registered; the models' version counters stay as they are."""
    found = session.execute(
        select(ModelVersionRow, RegisteredModelRow.name)
        .join(RegisteredModelRow, RegisteredModelRow.id == ModelVersionRow.model_id)
        .where(ModelVersionRow.job_id == job_id)
    ).all()
    deleted = [_version(row, name) for row, name in found]
    for row, _ in found:
        session.delete(row)
    session.flush()
    return deleted


def next_version(session: Session, model_id: str) -> int:
    # The model's counter, not only the rows: a deleted version's number is never given again.
    current = session.scalar(
        select(func.max(ModelVersionRow.version)).where(ModelVersionRow.model_id == model_id)
    )
    counter = session.scalar(
        select(RegisteredModelRow.latest_version).where(RegisteredModelRow.id == model_id)
    )
    return max(current or 0, counter or 0) + 1


def insert_version(
    session: Session, model_id: str, version: int, new: NewModelVersion, now: datetime
) -> ModelVersion:
    row = ModelVersionRow(
        model_id=model_id,
        version=version,
        task=new.task,
        model_type=new.model_type,
        bundle_uri=new.bundle_uri,
        bundle_checksum=new.bundle_checksum,
        metrics=_metrics_in(new.metrics),
        signature=new.signature,
        dataset_id=new.lineage.dataset_id or None,
        job_id=new.lineage.job_id or None,
        node_id=new.lineage.node_id,
        pipeline=new.lineage.pipeline,
        created_at=now,
    )
    session.add(row)
    session.flush()
    session.execute(
        update(RegisteredModelRow)
        .where(RegisteredModelRow.id == model_id)
        .values(latest_version=version, task=new.task, updated_at=now)
    )
    return _version(row, new.name)


def get_version(session: Session, name: str, version: int) -> ModelVersion | None:
    query = (
        select(ModelVersionRow)
        .join(RegisteredModelRow, RegisteredModelRow.id == ModelVersionRow.model_id)
        .where(RegisteredModelRow.name == name)
    )
    if version == 0:
        query = query.order_by(ModelVersionRow.version.desc()).limit(1)
    else:
        query = query.where(ModelVersionRow.version == version)
    row = session.scalar(query)
    return _version(row, name) if row is not None else None


def model_exists(session: Session, name: str) -> bool:
    return (
        session.scalar(select(RegisteredModelRow.id).where(RegisteredModelRow.name == name))
        is not None
    )


def list_models(session: Session, limit: int, offset: int) -> tuple[list[RegisteredModel], int]:
    total = session.scalar(select(func.count()).select_from(RegisteredModelRow)) or 0
    rows = session.scalars(
        select(RegisteredModelRow).order_by(RegisteredModelRow.name).limit(limit).offset(offset)
    ).all()
    return [_model(r) for r in rows], total


def list_versions(session: Session, name: str) -> list[ModelVersion]:
    rows = session.scalars(
        select(ModelVersionRow)
        .join(RegisteredModelRow, RegisteredModelRow.id == ModelVersionRow.model_id)
        .where(RegisteredModelRow.name == name)
        .order_by(ModelVersionRow.version)
    ).all()
    return [_version(r, name) for r in rows]
