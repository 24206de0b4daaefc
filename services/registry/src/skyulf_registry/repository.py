"""The only code that touches the registry's rows; it returns pydantic models.

A model is found by its name only in the call's project (``skyulf_platform.db.projects``); its
versions and aliases are reached through it, so another project's are not found either.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from skyulf_platform.db.projects import in_project
from skyulf_registry.db.tables import ModelAliasRow, ModelVersionRow, RegisteredModelRow
from skyulf_registry.models import (
    Lineage,
    ModelAlias,
    ModelVersion,
    NewModelVersion,
    RegisteredModel,
)


def _metrics_in(metrics: dict[str, float]) -> dict[str, float | None]:
    # JSON (and PostgreSQL) has no NaN or infinity: store them as null.
    return {k: (v if math.isfinite(v) else None) for k, v in metrics.items()}


def _metrics_out(metrics: dict[str, Any] | None) -> dict[str, float]:
    return {k: (float("nan") if v is None else float(v)) for k, v in (metrics or {}).items()}


def _version(row: ModelVersionRow, name: str, aliases: list[str] | None = None) -> ModelVersion:
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
            dataset_version=row.dataset_version or 0,
            job_id=row.job_id or "",
            node_id=row.node_id or "",
            pipeline=row.pipeline,
        ),
        created_at=row.created_at,
        runtime=row.runtime,
        description=row.description,
        tags=row.tags or {},
        aliases=aliases or [],
    )


def _model(row: RegisteredModelRow) -> RegisteredModel:
    return RegisteredModel(
        name=row.name,
        task=row.task,
        latest_version=row.latest_version,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def lock_model(session: Session, key: str, now: datetime) -> str | None:
    """Touches the model's row, which takes its write lock; returns its id if it exists.

    Writing first serialises concurrent registrations of one model: PostgreSQL holds the row
    lock until commit, SQLite the database write lock. The id comes from the write itself: a
    model another registration commits after the write is not locked here, so it is reported
    as missing (the insert that follows conflicts, and the registration retries).
    """
    return session.scalar(
        update(RegisteredModelRow)
        .where(RegisteredModelRow.name_key == key, in_project(RegisteredModelRow))
        .values(updated_at=now)
        .returning(RegisteredModelRow.id)
    )


def model_by_key(session: Session, key: str) -> tuple[str, str] | None:
    """(id, name) of the model whose name key is ``key``."""
    found = session.execute(
        select(RegisteredModelRow.id, RegisteredModelRow.name).where(
            RegisteredModelRow.name_key == key, in_project(RegisteredModelRow)
        )
    ).first()
    return (found[0], found[1]) if found else None


def insert_model(session: Session, name: str, key: str, task: str, now: datetime) -> str:
    row = RegisteredModelRow(
        name=name, name_key=key, task=task, latest_version=0, created_at=now, updated_at=now
    )
    session.add(row)
    session.flush()
    return row.id


def version_by_job(session: Session, job_id: str, node_id: str = "") -> ModelVersion | None:
    found = session.execute(
        select(ModelVersionRow, RegisteredModelRow.name)
        .join(RegisteredModelRow, RegisteredModelRow.id == ModelVersionRow.model_id)
        .where(
            ModelVersionRow.job_id == job_id,
            ModelVersionRow.node_id == node_id,
            in_project(RegisteredModelRow),
        )
    ).first()
    return _version(found[0], found[1]) if found else None


def delete_job_versions(session: Session, job_id: str) -> list[ModelVersion]:
    """Deletes every version a job registered; the models' version counters stay as they are."""
    found = session.execute(
        select(ModelVersionRow, RegisteredModelRow.name)
        .join(RegisteredModelRow, RegisteredModelRow.id == ModelVersionRow.model_id)
        .where(ModelVersionRow.job_id == job_id, in_project(RegisteredModelRow))
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
        dataset_version=new.lineage.dataset_version or None,
        job_id=new.lineage.job_id or None,
        node_id=new.lineage.node_id,
        pipeline=new.lineage.pipeline,
        created_at=now,
        runtime=new.runtime,
        description=new.description,
        tags=new.tags or None,
    )
    session.add(row)
    session.flush()
    session.execute(
        update(RegisteredModelRow)
        .where(RegisteredModelRow.id == model_id)
        .values(latest_version=version, task=new.task, updated_at=now)
    )
    return _version(row, new.name)


def _aliases(session: Session, model_id: str) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for alias, version in session.execute(
        select(ModelAliasRow.alias, ModelAliasRow.version)
        .where(ModelAliasRow.model_id == model_id)
        .order_by(ModelAliasRow.alias)
    ):
        out.setdefault(version, []).append(alias)
    return out


def version_row(session: Session, model_id: str, version: int) -> ModelVersionRow | None:
    query = select(ModelVersionRow).where(ModelVersionRow.model_id == model_id)
    if version == 0:
        query = query.order_by(ModelVersionRow.version.desc()).limit(1)
    else:
        query = query.where(ModelVersionRow.version == version)
    return session.scalar(query)


def get_version(session: Session, model_id: str, name: str, version: int) -> ModelVersion | None:
    row = version_row(session, model_id, version)
    if row is None:
        return None
    return _version(row, name, _aliases(session, model_id).get(row.version))


def alias_row(session: Session, model_id: str, alias: str) -> ModelAliasRow | None:
    return session.scalar(
        select(ModelAliasRow).where(
            ModelAliasRow.model_id == model_id, ModelAliasRow.alias == alias
        )
    )


def alias_out(row: ModelAliasRow, name: str) -> ModelAlias:
    return ModelAlias(
        name=name,
        alias=row.alias,
        version=row.version,
        protected=row.protected,
        updated_at=row.updated_at,
    )


def insert_alias(
    session: Session, model_id: str, alias: str, version: int, protected: bool, now: datetime
) -> ModelAliasRow:
    row = ModelAliasRow(
        model_id=model_id, alias=alias, version=version, protected=protected, updated_at=now
    )
    session.add(row)
    session.flush()
    return row


def delete_alias(session: Session, row: ModelAliasRow) -> None:
    session.delete(row)
    session.flush()


def update_version(
    session: Session, row: ModelVersionRow, description: str | None, tags: dict[str, str] | None
) -> None:
    if description is not None:
        row.description = description
    if tags is not None:
        row.tags = tags or None
    session.flush()


def delete_version(session: Session, model_id: str, row: ModelVersionRow, now: datetime) -> None:
    session.delete(row)
    session.flush()
    latest = session.scalar(
        select(func.max(ModelVersionRow.version)).where(ModelVersionRow.model_id == model_id)
    )
    session.execute(
        update(RegisteredModelRow)
        .where(RegisteredModelRow.id == model_id)
        .values(latest_version=latest or 0, updated_at=now)
    )


def delete_model(session: Session, model_id: str) -> None:
    session.execute(delete(RegisteredModelRow).where(RegisteredModelRow.id == model_id))


def version_of(session: Session, row: ModelVersionRow, name: str) -> ModelVersion:
    return _version(row, name, _aliases(session, row.model_id).get(row.version))


def list_models(session: Session, limit: int, offset: int) -> tuple[list[RegisteredModel], int]:
    total = (
        session.scalar(
            select(func.count())
            .select_from(RegisteredModelRow)
            .where(in_project(RegisteredModelRow))
        )
        or 0
    )
    rows = session.scalars(
        select(RegisteredModelRow)
        .where(in_project(RegisteredModelRow))
        .order_by(RegisteredModelRow.name)
        .limit(limit)
        .offset(offset)
    ).all()
    return [_model(r) for r in rows], total


def list_versions(session: Session, model_id: str, name: str) -> list[ModelVersion]:
    rows = session.scalars(
        select(ModelVersionRow)
        .where(ModelVersionRow.model_id == model_id)
        .order_by(ModelVersionRow.version)
    ).all()
    aliases = _aliases(session, model_id)
    return [_version(r, name, aliases.get(r.version)) for r in rows]


def search_versions(session: Session, name_contains: str) -> list[ModelVersion]:
    """Versions of the models whose name key contains ``name_contains`` (lowercase), newest
    first; tags and metrics are filtered by the caller (JSON columns, portable)."""
    query = (
        select(ModelVersionRow, RegisteredModelRow.name)
        .join(RegisteredModelRow, RegisteredModelRow.id == ModelVersionRow.model_id)
        .where(in_project(RegisteredModelRow))
        .order_by(ModelVersionRow.created_at.desc(), ModelVersionRow.version.desc())
    )
    if name_contains:
        query = query.where(RegisteredModelRow.name_key.contains(name_contains, autoescape=True))
    out = []
    aliases: dict[str, dict[int, list[str]]] = {}
    for row, name in session.execute(query):
        if row.model_id not in aliases:
            aliases[row.model_id] = _aliases(session, row.model_id)
        out.append(_version(row, name, aliases[row.model_id].get(row.version)))
    return out
